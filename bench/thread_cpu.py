#!/usr/bin/env python3
"""Per-thread CPU and scheduling of a running process over an interval (Linux /proc).

    bench/thread_cpu.py PID [--seconds 10]

For every thread (by name: src/common/thread_name.h names odin's) prints the CPU seconds it
used in the interval, its wake-ups (voluntary context switches: it blocked, then became
runnable again — each one a chance to preempt whatever runs on its CPU) and the times it was
preempted itself (involuntary switches). A thread with no CPU and no wake-ups in the interval
cannot have preempted the fan-out thread. Read-only; no root needed for a process of your own.
"""
import argparse
import os
import time
from pathlib import Path


def sample(pid):
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            status = dict(line.split(":\t", 1) for line in (task / "status").read_text().splitlines()
                          if ":\t" in line)
        except OSError:
            continue  # the thread ended meanwhile
        out[task.name] = {
            "name": name,
            "cpu_s": (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"),
            "voluntary": int(status["voluntary_ctxt_switches"].strip()),
            "involuntary": int(status["nonvoluntary_ctxt_switches"].strip()),
            "nice": int(fields[16]),
            "policy": int(fields[38]),
        }
    return out


POLICIES = {0: "normal", 1: "fifo", 2: "rr", 3: "batch", 5: "idle"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pid", type=int)
    ap.add_argument("--seconds", type=float, default=10.0)
    a = ap.parse_args()
    before = sample(a.pid)
    time.sleep(a.seconds)
    after = sample(a.pid)
    print(f"pid {a.pid}, {a.seconds:g} s")
    print(f"{'tid':>8} {'name':<16} {'policy':<7} {'nice':>4} {'cpu s':>7} {'wake-ups/s':>11} {'preempted/s':>12}")
    for tid in sorted(after, key=int):
        if tid not in before:
            continue
        b, x = before[tid], after[tid]
        print(f"{tid:>8} {x['name']:<16} {POLICIES.get(x['policy'], x['policy']):<7} {x['nice']:>4} "
              f"{x['cpu_s'] - b['cpu_s']:>7.2f} {(x['voluntary'] - b['voluntary']) / a.seconds:>11.1f} "
              f"{(x['involuntary'] - b['involuntary']) / a.seconds:>12.1f}")


if __name__ == "__main__":
    main()
