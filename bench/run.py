#!/usr/bin/env python3
"""Benchmark: each report on generated extracts at several sizes.

    python3 bench/run.py [--scales 1 10 100] [--work DIR] [--reports R ...]

Builds the release binary, writes `sample-data --scale N` once per size into the work
folder (kept between runs: generating the largest takes a while), then runs each report
with --no-send under /usr/bin/time and prints, per report and size: rows read, wall
time, peak memory (RSS) and the run's own phase times from manifest.json (load and
check, queries, PDF, write). Run by hand; not part of the tests.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORTS = {
    "workforce-quarterly": "2026-Q3",
    "workforce-annual": "FY2025-26",
    "access-biannual": "FY2026-27-H1",
    "equity-annual": "FY2025-26",
}


def build():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True
    )
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


def run_report(binary, data, out, report, period):
    cmd = [
        "/usr/bin/time", "-v", binary, "run", report, "--period", period,
        "--data", data, "--out", out, "--as-of", "2026-10-15", "--no-send",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{report} on {data} failed:\n{r.stderr}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", r.stderr).group(1)
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    manifest = json.load(open(os.path.join(out, report, period, "manifest.json")))
    rows = sum(i["rows"] for i in manifest["inputs"])
    return rows, seconds, rss_kb / 1024, manifest["timings_ms"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    p.add_argument("--work", default=os.path.join(ROOT, "out", "bench"))
    p.add_argument("--reports", nargs="+", default=list(REPORTS))
    a = p.parse_args()
    binary = build()
    os.makedirs(a.work, exist_ok=True)
    header = f"{'report':<20} {'scale':>5} {'rows read':>12} {'wall s':>8} {'peak MiB':>9} " \
             f"{'load s':>7} {'queries s':>9} {'pdf s':>6} {'write s':>7}"
    print(header)
    print("-" * len(header))
    for scale in a.scales:
        data = generate(binary, a.work, scale)
        for report in a.reports:
            out = os.path.join(a.work, f"out-{scale}")
            rows, wall, mib, t = run_report(binary, data, out, report, REPORTS[report])
            print(
                f"{report:<20} {scale:>5} {rows:>12,} {wall:>8.2f} {mib:>9.0f} "
                f"{t['load_and_check'] / 1000:>7.2f} {t['queries'] / 1000:>9.2f} "
                f"{t['pdf'] / 1000:>6.2f} {t['write'] / 1000:>7.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
