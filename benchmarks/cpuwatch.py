#!/usr/bin/env python3
"""Who used the machine during a benchmark run.

    python3 benchmarks/cpuwatch.py BENCH_DIR [INTERVAL]   # until SIGTERM or SIGINT

Samples /proc every INTERVAL seconds (default 0.5) and, when stopped, prints one line:
the machine's CPU split in % of one core (user, sys, iowait, irq, idle), and for each
group of processes the CPU it used and the time its threads spent runnable but waiting
for a CPU (schedstat), both in % of one core. Groups: the programs run from BENCH_DIR
(sekisho, loadgen) by name, Postfix's daemons as "postfix", everything else as "others".

CPUWATCH_TOP=1 adds the six busiest other commands (others_top=name:%,...).

A load average says little about a benchmark on a shared machine: it counts waiting
threads, not who took the CPU. This line says whether sekisho was busy, starved (high
wait: the CPUs were taken) or idle (low run and low wait: a stage of it was waiting).
"""
import os
import signal
import sys
import time

POSTFIX = {"master", "smtpd", "cleanup", "qmgr", "smtp", "trivial-rewrite", "tlsmgr",
           "anvil", "bounce", "proxymap", "postdrop", "pickup", "scache", "showq", "flush", "postlogd"}


def machine():
    # user nice system idle iowait irq softirq steal
    return list(map(int, open("/proc/stat").readline().split()[1:9]))


def group(pid, comm, bench):
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = ""
    if exe.startswith(bench + "/"):
        return exe[len(bench) + 1:]
    if comm in POSTFIX and "postfix" in exe:
        return "postfix"
    return "others"


def comm_of(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return "?"


def sample(bench, groups):
    """Per (pid, tid): (group, cpu ns, wait ns). The group of a pid is looked up once."""
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            if p not in groups:
                comm = open(f"/proc/{p}/comm").read().strip()
                groups[p] = group(p, comm, bench)
            g = groups[p]
            for t in os.listdir(f"/proc/{p}/task"):
                a = open(f"/proc/{p}/task/{t}/schedstat").read().split()
                out[(p, t)] = (g, int(a[0]), int(a[1]))
        except (OSError, IndexError, ValueError):
            continue
    return out


def main():
    bench = os.path.abspath(sys.argv[1])
    iv = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    groups = {}
    m0, s0, t0 = machine(), sample(bench, groups), time.time()
    run, wait = {}, {}
    top = {}  # CPU of the other processes by command name (CPUWATCH_TOP=1)
    prev = s0
    while not stop:
        time.sleep(iv)
        cur = sample(bench, groups)
        # Threads that ended between samples are lost: a short loss, not a double count.
        for k, (g, c, w) in cur.items():
            pc, pw = prev[k][1:] if k in prev else (0, 0)
            run[g] = run.get(g, 0) + c - pc
            wait[g] = wait.get(g, 0) + w - pw
            if g == "others" and os.environ.get("CPUWATCH_TOP") == "1" and c > pc:
                name = comm_of(k[0])
                top[name] = top.get(name, 0) + c - pc
        prev = cur
    m1, t1 = machine(), time.time()
    d = [b - a for a, b in zip(m0, m1)]
    tot = sum(d) or 1
    n = os.cpu_count()
    pc = lambda x: 100.0 * x / tot * n
    sec = t1 - t0
    parts = [f"cpuwatch_s={sec:.1f}", f"machine_user={pc(d[0] + d[1]):.0f}", f"sys={pc(d[2]):.0f}",
             f"iowait={pc(d[4]):.0f}", f"irq={pc(d[5] + d[6]):.0f}", f"idle={pc(d[3]):.0f}"]
    for g in sorted(run, key=lambda g: (g == "others", g)):
        parts.append(f"{g}_cpu={run[g] / 1e7 / sec:.0f} {g}_runq_wait={wait[g] / 1e7 / sec:.0f}")
    if top:
        busiest = sorted(top.items(), key=lambda kv: -kv[1])[:6]
        parts.append("others_top=" + ",".join(f"{n}:{v / 1e7 / sec:.0f}" for n, v in busiest))
    print(" ".join(parts), flush=True)


if __name__ == "__main__":
    main()
