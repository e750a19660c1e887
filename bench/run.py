#!/usr/bin/env python3
"""Benchmark: each report on generated extracts at several sizes.

    python3 bench/run.py [--scales 1 10 100] [--work DIR] [--reports R ...]

Builds the release binary, writes `sample-data --scale N` once per size into the work
folder (kept between runs: generating the largest takes a while), starts the tests' SMTP
sink on 127.0.0.1, then runs each report under /usr/bin/time and prints, per report and
size: rows read, wall time, peak memory (RSS) and the run's own phase times from
manifest.json (load and check, queries, PDF, e-mail). For equity-annual and
workforce-annual the run writes its SQL log, which bench/duckdb_replay.py runs again in
DuckDB on the same Parquet files: the table adds the time of our SQL statements, DuckDB's
time for the same statements, their ratio, and how many query results were identical.
Needs `pip install duckdb aiosmtpd`. Run by hand; not part of the tests.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--work", default=os.path.join(ROOT, "out", "bench"))
    p.add_argument("--reports", nargs="+", default=list(REPORTS))
    a = p.parse_args()
    from duckdb_replay import replay  # needs `pip install duckdb`

    binary = build()
    os.makedirs(a.work, exist_ok=True)
    sink, port = start_smtp(a.work)
    header = f"{'report':<20} {'scale':>5} {'rows read':>12} {'wall s':>7} {'peak MiB':>8} " \
             f"{'load s':>7} {'queries s':>9} {'pdf s':>6} {'e-mail s':>8} " \
             f"{'our SQL s':>9} {'DuckDB s':>8} {'ratio':>5} {'identical':>9}"
    print(header)
    print("-" * len(header))
    try:
        for scale in a.scales:
            data = generate(binary, a.work, scale)
            for report in a.reports:
                out = os.path.join(a.work, f"out-{scale}-{report}")
                log = os.path.join(a.work, f"sql-{scale}-{report}.jsonl") if report in DUCKDB else None
                rows, wall, mib, t = run_report(binary, data, out, report, REPORTS[report], port, log)
                line = (
                    f"{report:<20} {scale:>5} {rows:>12,} {wall:>7.1f} {mib:>8.0f} "
                    f"{t['load_and_check'] / 1000:>7.2f} {t['queries'] / 1000:>9.2f} "
                    f"{t['pdf'] / 1000:>6.2f} {t['delivery'] / 1000:>8.2f}"
                )
                if log:
                    ours, theirs, compared, same, diffs = replay(log)
                    line += f" {ours / 1000:>9.2f} {theirs / 1000:>8.2f} {ours / theirs:>5.2f} {same:>4}/{compared:<4}"
                    for name, x, y in diffs:
                        print(f"  DIFFERENT {name}: ours {x} DuckDB {y}", file=sys.stderr)
                print(line, flush=True)
    finally:
        sink.stdin.close()
        sink.wait()


if __name__ == "__main__":
    main()
