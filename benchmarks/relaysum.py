#!/usr/bin/env python3
"""Summarize benchmarks/relay.sh result lines: medians per relay, kind and session count,
and sekisho's ratios to Postfix measured in the same run.

    python3 benchmarks/relaysum.py < benchmarks/results/relay-DATE.txt
    python3 benchmarks/relaysum.py --rate mixed 8 < FILE   # sekisho's median e2e msgs/s
"""
import statistics
import sys

KINDS = ["text", "html-ja", "mixed", "large"]
NAMES = {"text": "(a) 4 KiB text", "html-ja": "(b) 10 KiB Japanese HTML", "mixed": "(c) 50 KiB HTML+PDF+DOCX",
         "large": "(d) 500 KiB PDF (photos)+XLSX"}


def rows(lines):
    for line in lines:
        if line.startswith("#") or "=" not in line:
            continue
        f = line.split()
        kv = dict(x.split("=", 1) for x in f[1:] if "=" in x)
        if "kind" not in kv or "e2e_msgs/s" not in kv:
            continue
        if int(kv.get("failed", 0)) > 0:
            # A run whose sends failed (a relay that did not come up) measures nothing.
            print(f"# left out, {kv['failed']} sends failed: {line.strip()[:120]}")
            continue
        yield f[0], kv


def main():
    data = {}
    for relay, kv in rows(sys.stdin):
        key = (relay, kv["kind"], int(kv["sessions"]))
        data.setdefault(key, []).append(kv)

    def med(relay, kind, s, field):
        vals = [float(kv[field]) for kv in data.get((relay, kind, s), []) if field in kv]
        return statistics.median(vals) if vals else None

    if len(sys.argv) == 4 and sys.argv[1] == "--rate":
        print(med("sekisho", sys.argv[2], int(sys.argv[3]), "e2e_msgs/s"))
        return
    print("# medians per case (e2e: until the next hop had every message; p50/p99: DATA to 250)")
    print("# | message | sessions | rounds | Postfix msgs/s | sekisho msgs/s | ratio | Postfix p50/p99 ms | sekisho p50/p99 ms | p99 ratio | sekisho peak RSS MiB | CPU ms/msg, Postfix / sekisho | sekisho CPU / run-queue wait % | others' CPU %, Postfix / sekisho runs | idle % | lost | dups |")
    sessions = sorted({k[2] for k in data})
    for kind in KINDS:
        for s in sessions:
            if ("sekisho", kind, s) not in data:
                continue
            pf, sk = med("postfix", kind, s, "e2e_msgs/s"), med("sekisho", kind, s, "e2e_msgs/s")
            pf50, pf99 = med("postfix", kind, s, "data_to_250_p50_ms"), med("postfix", kind, s, "p99_ms")
            sk50, sk99 = med("sekisho", kind, s, "data_to_250_p50_ms"), med("sekisho", kind, s, "p99_ms")
            rss = med("sekisho", kind, s, "peak_rss_kb")
            # CPU per message does not depend on the machine's load the way msgs/s does.
            cpus = [float(kv["cpu_s"]) * 1000 / int(kv["msgs"]) for kv in data[("sekisho", kind, s)] if "cpu_s" in kv]
            cpu = f"{statistics.median(cpus):.1f}" if cpus else "-"
            # Postfix's daemons' CPU while loadgen sent (cpuwatch.py): the same measure for the baseline.
            pcpus = [float(kv["postfix_cpu"]) / 100 * float(kv["cpuwatch_s"]) * 1000 / int(kv["msgs"])
                     for kv in data.get(("postfix", kind, s), []) if "postfix_cpu" in kv]
            if pcpus:
                cpu = f"{statistics.median(pcpus):.1f} / {cpu}"
            # cpuwatch.py: % of one core during the sending, the sekisho runs' medians.
            cw = lambda f, r="sekisho": "-" if med(r, kind, s, f) is None else f"{med(r, kind, s, f):.0f}"
            lost = sum(int(kv.get("lost", 0)) for r in ("postfix", "sekisho") for kv in data.get((r, kind, s), []))
            dups = sum(int(kv.get("duplicates", 0)) for kv in data.get(("sekisho", kind, s), []))
            n = len(data[("sekisho", kind, s)])
            ratio = f"{sk / pf:.2f}x" if pf and sk else "-"
            p99r = f"{sk99 / pf99:.2f}" if pf99 and sk99 else "-"
            fmt = lambda v: "-" if v is None else f"{v:.0f}"
            fms = lambda a, b: "-" if a is None else f"{a:.1f} / {b:.1f}"
            print(f"# | {NAMES[kind]} | {s} | {n} | {fmt(pf)} | {fmt(sk)} | {ratio} | {fms(pf50, pf99)} | {fms(sk50, sk99)} | {p99r} | "
                  f"{'-' if rss is None else f'{rss / 1024:.0f}'} | {cpu} | {cw('sekisho_cpu')} / {cw('sekisho_runq_wait')} | "
                  f"{cw('others_cpu', 'postfix')} / {cw('others_cpu')} | {cw('idle')} | {lost} | {dups} |")


if __name__ == "__main__":
    main()
