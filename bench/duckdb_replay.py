"""Replay a run's SQL log (EQUITY_REPORTS_SQL_LOG) in DuckDB on the same Parquet files,
timing each statement and comparing every result with the one our engine gave.

    python3 bench/duckdb_replay.py LOG.jsonl

The log holds every statement of the run in order: the raw Parquet tables, the
normalising views, the reference tables, the per-referral tables and every query. The
same SQL text runs in DuckDB; the only rewrites are for where the two dialects differ,
listed in DIALECT below.
"""
import json
import math
import re
import sys
import time

import duckdb

# (pattern, replacement): DataFusion spelling -> DuckDB spelling.
DIALECT = [
    # a column kept as an Arrow dictionary (referral_facts.sql): DuckDB keeps its own
    (re.compile(r"arrow_cast\((\w+), '[^']*'\)"), r"\1"),
    # the 64-bit hash of an id (src/data/id_hash.rs): DuckDB's own 64-bit hash
    (re.compile(r"\bid_hash\("), "hash("),
]


def to_duckdb(sql):
    for pattern, replacement in DIALECT:
        sql = pattern.sub(replacement, sql)
    return sql


def is_ddl(sql):
    """Whether a statement defines a table or view (its result is not a figure)."""
    code = "\n".join(l for l in sql.splitlines() if not l.lstrip().startswith("--"))
    return code.lstrip().upper().startswith("CREATE")


def raw_view(rec):
    files = ", ".join("'" + f.replace("'", "''") + "'" for f in rec["files"])
    cols = [f'CAST("{n}" AS {t}) AS {n}' for n, t in rec["columns"] if n not in rec["partition_keys"]]
    cols += [f'CAST("{k}" AS VARCHAR) AS "{k}"' for k in rec["partition_keys"]]
    hive = "true" if rec["partition_keys"] else "false"
    return (
        f"CREATE VIEW {rec['table']} AS SELECT {', '.join(cols)} FROM read_parquet([{files}], "
        f"hive_partitioning = {hive}, hive_types_autocast = false, union_by_name = true)"
    )


def norm(v):
    """A cell as comparable text: numbers to 10 significant digits."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)) or type(v).__name__ == "Decimal":
        x = float(v)
        if math.isnan(x):
            return "nan"
        return f"{x:.10g}"
    s = str(v)
    if s in ("true", "false"):
        return s
    try:
        return f"{float(s):.10g}"
    except ValueError:
        return s


def rows_key(rows):
    return sorted((tuple(norm(c) for c in r) for r in rows), key=repr)


def replay(log_path, con=None):
    """Run the log in DuckDB. Returns (our ms, duckdb ms, compared, identical, diffs)."""
    con = con or duckdb.connect()
    ours = theirs = 0
    compared = identical = 0
    diffs = []
    for line in open(log_path):
        rec = json.loads(line)
        if rec["kind"] == "parquet":
            con.execute(raw_view(rec))
            continue
        sql = to_duckdb(rec["sql"])
        started = time.perf_counter()
        try:
            result = con.execute(sql).fetchall()
        except duckdb.Error as e:
            raise SystemExit(f"DuckDB could not run {rec['name']}: {e}\n{sql[:2000]}")
        theirs += (time.perf_counter() - started) * 1000
        ours += rec["ms"]
        if rec.get("result") is not None and not is_ddl(sql):
            compared += 1
            a, b = rows_key(rec["result"]), rows_key(result)
            if a == b:
                identical += 1
            else:
                diffs.append((rec["name"], [r for r in a if r not in b][:3], [r for r in b if r not in a][:3]))
    return ours, theirs, compared, identical, diffs


def main():
    ours, theirs, compared, identical, diffs = replay(sys.argv[1])
    print(f"ours {ours / 1000:.2f} s, DuckDB {theirs / 1000:.2f} s, ratio {ours / theirs:.2f}; "
          f"{identical} of {compared} results identical")
    for name, a, b in diffs:
        print(f"  {name}: ours {a} DuckDB {b}")


if __name__ == "__main__":
    main()
