#!/usr/bin/env python3
"""Benchmark: each report on generated extracts at several sizes.

    python3 bench/run.py [--scales 1 10 100] [--runs 3] [--against OTHER_BINARY]
                         [--replay] [--work DIR] [--reports R ...]

Builds the release binary, writes `sample-data --scale N` once per size into the work
folder (kept between runs: generating the largest takes a while), starts the tests' SMTP
sink on 127.0.0.1, then runs each report --runs times under /usr/bin/time and prints, per
report and size: rows read, the median wall time with its spread, peak memory (RSS) and
the run's own phase times from manifest.json (load and check, queries, PDF, e-mail).

After the table, for equity-annual: the DuckDB peer (bench/duckdb_equity.py, the same
figures computed from reports.md its own way) timed as many times on the same files, the
ratio of our whole run to it, whether its figures equal our metrics.json, and the decode
floor (DuckDB reading and hashing every value of the service-user datasets). With
--against, each report also runs with another build and every figure (metrics.json and
each CSV table) must be byte for byte the same. With --replay, our SQL log is run again
in DuckDB (bench/duckdb_replay.py): the same statements in both engines.
Needs `pip install duckdb aiosmtpd`. Run by hand; not part of the tests.
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The first and last day of each period above, for the DuckDB peer.
PERIOD_DAYS = {"FY2025-26": ("2025-04-01", "2026-03-31")}
# Reports whose SQL also runs in DuckDB, timed and compared figure for figure.
DUCKDB = ("equity-annual", "workforce-annual")
REPORTS = {
    "workforce-quarterly": "2026-Q3",
    "workforce-annual": "FY2025-26",
    "access-biannual": "FY2026-27-H1",
    "equity-annual": "FY2025-26",
}


def build(features=()):
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    cmd = ["cargo", "build", "--release", "--locked", "--quiet"]
    if features:
        cmd += ["--features", ",".join(features)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return os.path.join(target, "release", "equity-reports")


def generate(binary, work, scale):
    data = os.path.join(work, f"scale-{scale}")
    if not os.path.exists(os.path.join(data, "DONE")):
        started = time.monotonic()
        out = subprocess.run(
            [binary, "sample-data", "--out", data, "--scale", str(scale)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        with open(os.path.join(data, "DONE"), "w") as f:
            f.write(out)
        print(f"scale {scale}: data written in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return data


def free_port():
    """A port on 127.0.0.1 that nothing listens on at the moment of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp(work):
    """A real SMTP server on 127.0.0.1 (the tests' sink), so the e-mail phase is measured."""
    port = free_port()
    inbox = os.path.join(work, "inbox")
    os.makedirs(inbox, exist_ok=True)
    sink = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tests", "it", "smtp_sink.py"), str(port), inbox],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    if sink.stdout.readline().strip() != "ready":
        raise SystemExit("the SMTP sink did not start (pip install aiosmtpd)")
    return sink, port


def timed(cmd, env=None):
    """Run a command under /usr/bin/time: (result, wall seconds, peak RSS in MiB)."""
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", r.stderr)
    if not (rss and wall):
        raise SystemExit(f"{cmd[0]}: no figures from /usr/bin/time:\n{r.stderr}")
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.group(1).split(":"))))
    return r, seconds, int(rss.group(1)) / 1024


def run_report(binary, data, out, report, period, port, sql_log=None):
    shutil.rmtree(out, ignore_errors=True)
    cmd = [
        binary, "run", report, "--period", period,
        "--data", data, "--out", out, "--as-of", "2026-10-15",
    ]
    env = dict(os.environ)
    env.update({
        "EQUITY_REPORTS__SMTP__HOST": "127.0.0.1",
        "EQUITY_REPORTS__SMTP__PORT": str(port),
        "EQUITY_REPORTS__SMTP__SECURITY": "none",
    })
    if sql_log:
        if os.path.exists(sql_log):
            os.remove(sql_log)
        env["EQUITY_REPORTS_SQL_LOG"] = sql_log
    r, seconds, mib = timed(cmd, env)
    if r.returncode != 0:
        raise SystemExit(f"{report} on {data} failed:\n{r.stderr}")
    manifest = json.load(open(os.path.join(out, report, period, "manifest.json")))
    rows = sum(i["rows"] for i in manifest["inputs"])
    return rows, seconds, mib, manifest["timings_ms"]


def spread(values):
    """Median and (min-max) of a list of timings."""
    v = sorted(values)
    return f"{statistics.median(v):.1f} ({v[0]:.1f}-{v[-1]:.1f})"


def same_outputs(ours, theirs, report, period):
    """Files of a report's folder that differ between two runs: metrics.json and every
    CSV table (the PDF and HTML follow from these; the manifest and ledger hold times)."""
    a, b = os.path.join(ours, report, period), os.path.join(theirs, report, period)
    names = ["metrics.json"] + [os.path.join("tables", n) for n in sorted(os.listdir(os.path.join(a, "tables")))]
    differ = []
    for n in names:
        x, y = os.path.join(a, n), os.path.join(b, n)
        if not os.path.exists(y) or open(x, "rb").read() != open(y, "rb").read():
            differ.append(n)
    return len(names), differ


def peer(data, period, metrics, runs):
    """The DuckDB peer (duckdb_equity.py) on the same files: its timings, and whether its
    figures equal ours."""
    period_start, period_end = PERIOD_DAYS[period]
    times, agree = [], ""
    for _ in range(runs):
        r = subprocess.run(
            [sys.executable, os.path.join(ROOT, "bench", "duckdb_equity.py"), data, period_start, period_end, metrics],
            capture_output=True, text=True,
        )
        if r.returncode not in (0, 1):
            raise SystemExit(f"duckdb_equity.py failed:\n{r.stderr}")
        times.append(float(re.search(r"in ([\d.]+) s", r.stdout).group(1)))
        agree = re.search(r"compared (\d+) figures.*: (\d+) differ", r.stdout).groups()
    return times, agree


def decode_floor(data):
    """DuckDB reading, decoding and hashing every value of the service-user datasets:
    what no engine can go below on this machine."""
    import duckdb

    con = duckdb.connect()
    started = time.monotonic()
    for name in ("referrals", "appointments", "measures", "population"):
        path = os.path.join(data, name)
        source = f"read_parquet('{path}/**/*.parquet', union_by_name = true)" if os.path.isdir(path) \
            else f"read_parquet('{path}.parquet')"
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        con.execute(f"SELECT sum(hash({', '.join(cols)})) FROM {source}").fetchall()
    return time.monotonic() - started


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--work", default=os.path.join(ROOT, "out", "bench"))
    p.add_argument("--reports", nargs="+", default=list(REPORTS))
    p.add_argument("--runs", type=int, default=3, help="runs of each command (median and spread)")
    p.add_argument("--against", help="another build of the program: every figure must be the same")
    p.add_argument("--replay", action="store_true", help="also replay our SQL in DuckDB")
    a = p.parse_args()

    binary = build()
    os.makedirs(a.work, exist_ok=True)
    sink, port = start_smtp(a.work)
    header = f"{'report':<20} {'scale':>5} {'rows read':>12} {'wall s (min-max)':>18} {'peak MiB':>8} " \
             f"{'load s':>7} {'queries s':>9} {'pdf s':>6} {'e-mail s':>8}"
    print(header)
    print("-" * len(header))
    notes = []
    try:
        for scale in a.scales:
            data = generate(binary, a.work, scale)
            for report in a.reports:
                out = os.path.join(a.work, f"out-{scale}-{report}")
                period = REPORTS[report]
                walls, mibs, loads = [], [], []
                for _ in range(a.runs):
                    rows, wall, mib, t = run_report(binary, data, out, report, period, port)
                    walls.append(wall)
                    mibs.append(mib)
                    loads.append(t["load_and_check"] / 1000)
                print(
                    f"{report:<20} {scale:>5} {rows:>12,} {spread(walls):>18} {max(mibs):>8.0f} "
                    f"{statistics.median(loads):>7.2f} {t['queries'] / 1000:>9.2f} "
                    f"{t['pdf'] / 1000:>6.2f} {t['delivery'] / 1000:>8.2f}",
                    flush=True,
                )
                if a.against:
                    before = os.path.join(a.work, f"against-{scale}-{report}")
                    run_report(a.against, data, before, report, period, port)
                    n, differ = same_outputs(out, before, report, period)
                    notes.append(f"{report} scale {scale}: {n - len(differ)} of {n} files identical to "
                                 f"{a.against}" + (f"; DIFFERENT: {', '.join(differ)}" if differ else ""))
                if report == "equity-annual":
                    metrics = os.path.join(out, report, period, "metrics.json")
                    times, (compared, differ) = peer(data, period, metrics, a.runs)
                    notes.append(
                        f"equity-annual scale {scale}: ours {spread(walls)} s whole run, DuckDB peer "
                        f"{spread(times)} s (ratio {statistics.median(walls) / statistics.median(times):.2f}); "
                        f"{compared} figures compared, {differ} differ; DuckDB decoding and hashing every "
                        f"value: {decode_floor(data):.2f} s")
                if a.replay and report in DUCKDB:
                    from duckdb_replay import replay  # needs `pip install duckdb`

                    log = os.path.join(a.work, f"sql-{scale}-{report}.jsonl")
                    run_report(binary, data, out, report, period, port, log)
                    ours, theirs, compared, same, diffs = replay(log)
                    notes.append(f"{report} scale {scale}: our SQL {ours / 1000:.2f} s, the same SQL in "
                                 f"DuckDB {theirs / 1000:.2f} s (ratio {ours / theirs:.2f}), "
                                 f"{same}/{compared} results identical")
                    for name, x, y in diffs:
                        print(f"  DIFFERENT {name}: ours {x} DuckDB {y}", file=sys.stderr)
    finally:
        sink.stdin.close()
        sink.wait()
    print()
    for n in notes:
        print(n)


if __name__ == "__main__":
    main()
