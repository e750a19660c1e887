#!/usr/bin/env python3
"""A Ballista cluster on this machine: one report, local engine beside the cluster.

    python3 bench/ballista_cluster.py [--scale 100] [--report equity-annual]
        [--executors 2] [--bin-dir DIR] [--work DIR] [--executor-memory SIZE]
        [--kill-executor-after SECONDS]

Starts `ballista-scheduler` and `--executors` copies of `ballista-executor` as separate
processes on 127.0.0.1 (each executor runs one task at a time), waits until all have
registered, then runs the report on the generated extracts of `--scale` (made by
`sample-data` when absent, as bench/run.py does) twice with the release binary built with
`--features ballista`: once with the local engine and once with `--engine ballista`. It
prints wall time and peak memory of each (for the cluster: of this program and of each
executor), checks that metrics.json is identical figure for figure, and stops the cluster.

With `--executor-memory SIZE` (`1280MB`, the local engine's default limit) each
executor's memory pool is that size; without it Ballista gives each 70 % of the
machine's memory, and at national size they hold several GiB rather than spill.

With `--kill-executor-after S` the last executor is killed S seconds into the cluster
run (the scheduler is started with a short executor timeout, so it notices within about
20 s). Ballista then runs the lost tasks again on the other executor, or the job stalls;
the query timeout (`--query-timeout`, 300 s here by default) then ends the run. Either
way the script prints what happened: identical figures, or the error, its exit code and
that no report folder was written.

The scheduler and executor are Apache DataFusion Ballista's own binaries, version 55.0.0
like the `ballista` crate this program uses:

    cargo install ballista-scheduler ballista-executor --version 55.0.0 --locked

Run by hand; not part of the tests.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from run import REPORTS, ROOT, build, free_port, generate, timed


def find(binary, bin_dir):
    path = os.path.join(bin_dir, binary) if bin_dir else shutil.which(binary)
    if not path or not os.path.exists(path):
        raise SystemExit(
            f"{binary} not found; install it with\n"
            "  cargo install ballista-scheduler ballista-executor --version 55.0.0 --locked"
        )
    return path


def peak_mib(pid):
    """A live process's peak resident memory (Linux's VmHWM), in MiB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Cluster:
    """A scheduler and executors on 127.0.0.1, logging into `work`."""

    def __init__(self, bin_dir, work, executors, memory=None):
        self.work = work
        self.port = free_port()
        self.procs = []
        os.makedirs(work, exist_ok=True)
        self.start(
            "scheduler",
            [
                find("ballista-scheduler", bin_dir),
                "--bind-host", "127.0.0.1", "--external-host", "127.0.0.1",
                "--bind-port", str(self.port),
                # notice a lost executor in seconds rather than the default 3 minutes
                "--executor-timeout-seconds", "15",
                "--expire-dead-executor-interval-seconds", "5",
            ],
        )
        self.wait_for(lambda: self.executors() is not None, "the scheduler to answer")
        for i in range(executors):
            scratch = os.path.join(work, f"executor-{i}")
            os.makedirs(scratch, exist_ok=True)
            self.start(
                f"executor-{i}",
                [
                    find("ballista-executor", bin_dir),
                    "--scheduler-host", "127.0.0.1", "--scheduler-port", str(self.port),
                    "--bind-host", "127.0.0.1", "--external-host", "127.0.0.1",
                    "--bind-port", str(free_port()), "--bind-grpc-port", str(free_port()),
                    "--bind-health-port", str(free_port()),
                    "--concurrent-tasks", "1", "--work-dir", scratch,
                    # a heartbeat well inside the scheduler's 15 s (the default is 60 s,
                    # which would have busy executors declared dead)
                    "--executor-heartbeat-interval-seconds", "3",
                ] + (["--memory-pool-size", memory] if memory else []),
            )
        self.wait_for(lambda: len(self.executors() or []) == executors, f"{executors} executors")

    def start(self, name, cmd):
        log = open(os.path.join(self.work, f"{name}.log"), "w")
        self.procs.append((name, subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)))

    def executors(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/executors", timeout=2) as r:
                return json.load(r)
        except OSError:
            return None

    def wait_for(self, ready, what, seconds=60):
        deadline = time.monotonic() + seconds
        while not ready():
            for name, p in self.procs:
                if p.poll() is not None:
                    raise SystemExit(f"{name} exited ({p.returncode}); see {self.work}/{name}.log")
            if time.monotonic() > deadline:
                raise SystemExit(f"gave up waiting for {what}; logs in {self.work}")
            time.sleep(0.5)

    def stop(self):
        for _, p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for _, p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def run(binary, data, out, report, env, may_fail=False):
    """(seconds, peak MiB, figures); figures is None for a run that failed, when
    `may_fail`: then the error is printed and the output checked to be untouched."""
    period = REPORTS[report]
    shutil.rmtree(out, ignore_errors=True)
    cmd = [binary, "run", report, "--period", period, "--data", data, "--out", out,
           "--as-of", "2026-10-15", "--no-send"]
    r, seconds, mib = timed(cmd, env)
    if r.returncode != 0:
        if not may_fail:
            raise SystemExit(f"{report} failed ({r.returncode}):\n{r.stderr}")
        # what the program said, without /usr/bin/time's figures
        errors = [l for l in r.stderr.splitlines() if not l.startswith(("Command", "\t"))]
        print(f"the cluster run failed with exit code {r.returncode}:")
        print("\n".join("  " + l for l in errors[-3:]))
        written = os.path.exists(os.path.join(out, report, period))
        print(f"report folder written: {written}")
        return seconds, mib, None
    with open(os.path.join(out, report, period, "metrics.json")) as f:
        return seconds, mib, json.load(f)["metrics"]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=int, default=100)
    p.add_argument("--report", default="equity-annual", choices=list(REPORTS))
    p.add_argument("--executors", type=int, default=2)
    p.add_argument("--bin-dir", help="folder of ballista-scheduler and ballista-executor (default: PATH)")
    p.add_argument("--work", default=os.path.join(ROOT, "out", "bench"))
    p.add_argument("--executor-memory", metavar="SIZE",
                   help="each executor's memory pool, e.g. 1280MB (default: Ballista's, "
                        "70 %% of the machine's memory, so the executors never spill)")
    p.add_argument("--kill-executor-after", type=float, metavar="SECONDS")
    p.add_argument("--query-timeout", type=int, metavar="SECONDS",
                   help="engine.query_timeout_seconds (default: the program's, or 300 "
                        "with --kill-executor-after)")
    a = p.parse_args()
    if a.query_timeout is None and a.kill_executor_after:
        a.query_timeout = 300

    binary = build(features=["ballista"])
    data = generate(binary, a.work, a.scale)
    env = dict(os.environ)
    local_s, local_mib, local = run(binary, data, os.path.join(a.work, "cluster-local"), a.report, env)

    cluster = Cluster(a.bin_dir, os.path.join(a.work, "cluster"), a.executors, a.executor_memory)
    try:
        env.update({
            "EQUITY_REPORTS__ENGINE__KIND": "ballista",
            "EQUITY_REPORTS__ENGINE__SCHEDULER": f"df://127.0.0.1:{cluster.port}",
            # every process here sees the same folders: the per-run tables go here
            "EQUITY_REPORTS__ENGINE__WORK_DIR": os.path.join(a.work, "cluster"),
        })
        if a.query_timeout:
            env["EQUITY_REPORTS__ENGINE__QUERY_TIMEOUT_SECONDS"] = str(a.query_timeout)
        if a.kill_executor_after:
            victim = cluster.procs[-1][1]
            threading.Timer(a.kill_executor_after, victim.kill).start()
        ballista_s, ballista_mib, figures = run(
            binary, data, os.path.join(a.work, "cluster-ballista"), a.report, env,
            may_fail=bool(a.kill_executor_after),
        )
        executor_mib = [peak_mib(p.pid) for name, p in cluster.procs if name.startswith("executor")]
        alive = sum(1 for name, p in cluster.procs if name.startswith("executor") and p.poll() is None)
    finally:
        cluster.stop()

    same = figures == local
    print(f"{a.report} at scale {a.scale} ({data})")
    print(f"{'engine':<34} {'wall s':>7} {'peak MiB':>9}")
    print(f"{'local (this process)':<34} {local_s:>7.1f} {local_mib:>9.0f}")
    print(f"{f'ballista ({a.executors} executors, {alive} alive)':<34} {ballista_s:>7.1f} {ballista_mib:>9.0f}")
    for i, mib in enumerate(executor_mib):
        print(f"{f'  executor-{i} process':<34} {'':>7} {mib:>9.0f}")
    if figures is None:
        # losing an executor may end the run; it must end cleanly (checked above)
        print("metrics.json figures identical: no figures (the run failed)")
        sys.exit(0)
    print(f"metrics.json figures identical: {same} ({len(local)} figures)")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
