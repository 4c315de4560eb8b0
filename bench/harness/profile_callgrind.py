#!/usr/bin/env python3
"""Where a server spends its instructions under one load: runs the server (certgate, nginx or HAProxy, one
worker, one process) under `valgrind --tool=callgrind`, zeroes the counters after a warm-up, drives it with
bench/loadgen, dumps, and prints instructions per request and the functions with the largest self and
inclusive cost. Instruction counts do not depend on what else the machine is doing, so this works on a busy
machine and compares servers directly (instructions are not time: cache misses and syscalls cost more than
their count says).

  bench/harness/profile_callgrind.py --build build-bench --out /tmp/prof --server certgate --mode full
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pki  # noqa: E402
import procs  # noqa: E402
import servers  # noqa: E402


def loadgen(args, server, kind, mode, extra):
    p = pki.make(os.path.join(args.out, "pki"))[kind]
    argv = [os.path.join(args.build, "bench", "loadgen"), "--connect", "127.0.0.1:%d" % server.port,
            "--sni", "localhost", "--cert", os.path.join(p, "client.pem"), "--key", os.path.join(p, "client.key"),
            "--mode", mode, "--path", args.path, "--timeout", "60", "--json", *extra]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        sys.exit("loadgen printed no report:\n" + proc.stderr)
    if proc.returncode != 0:
        sys.exit("loadgen run did not count: %s\n%s" % (report.get("error_kinds"), proc.stderr))
    return report


def total_ir(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return 0


def self_costs(path):
    """{function: self Ir} read straight from a callgrind dump (calls= lines carry callee costs: skipped)."""
    names, costs = {}, {}
    current = None
    skip_next = False
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("fn="):
                m = re.match(r"fn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m:
                    if m.group(2) is not None:
                        names[m.group(1)] = m.group(2)
                    current = names.get(m.group(1), m.group(1))
                else:
                    current = line[3:].strip()
                continue
            if line.startswith("cfn="):
                m = re.match(r"cfn=\((\d+)\) (.*)", line.rstrip("\n"))
                if m:
                    names[m.group(1)] = m.group(2)
                continue
            if line.startswith("calls="):
                skip_next = True
                continue
            if line[:1].isdigit() or line[:1] in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                parts = line.split()
                if len(parts) >= 2 and current is not None:
                    costs[current] = costs.get(current, 0) + int(parts[1])
    # Functions first seen as callees were recorded under their number.
    return {names.get(k, k) if k.isdigit() else k: v for k, v in costs.items()}


# Self cost grouped by what it is for (matched on the function's name before its template arguments).
GROUPS = [
    ("type-erased executor (any_io_executor copies, any_executor_base)", r"any_io_executor|any_executor_base"),
    ("Beast buffer-sequence adaptors", r"buffers_cat_view|buffers_prefix_view|buffers_suffix|buffers_ref|"
                                      r"beast::detail::variant|buffer_sequence|buffers_range|decltype"),
    ("malloc/free", r"^(_int_free|_int_malloc|malloc|free|malloc_consolidate|cfree|operator new|operator delete|"
                    r"unlink_chunk|_int_realloc|realloc)$"),
    ("Beast header container (basic_fields)", r"basic_fields|iless|iequals|intrusive"),
    ("Beast HTTP parser", r"basic_parser"),
    ("Asio/Beast composed operations (read/write ops, ssl io_op/engine, transfer_op)",
     r"read_op|write_op|read_some_op|write_some_op|transfer_op|async_base|composed_op|io_op|serializer|engine::"),
    ("Asio scheduler, reactor, timers, handler plumbing",
     r"scheduler|epoll_reactor|reactive_socket|executor_op|executor_function|timer_queue|reactor_op|handler|"
     r"awaitable|co_spawn|work_dispatcher|binder|post|dispatch"),
    ("pthread mutex", r"pthread_mutex"),
    ("memcpy/memmove/memset", r"mem(cpy|move|set)"),
    ("certgate code", r"certgate::"),
]


def grouped(costs):
    total = sum(costs.values()) or 1
    used, rows = set(), []
    for label, pattern in GROUPS:
        keys = [k for k in costs if k not in used and re.search(pattern, re.split(r"[<(]", k, 1)[0])]
        used.update(keys)
        rows.append((100.0 * sum(costs[k] for k in keys) / total, label))
    rows.append((100.0 * sum(v for k, v in costs.items() if k not in used) / total,
                 "everything else (OpenSSL: handshakes, AES-GCM, records; libc; the kernel is not counted)"))
    return rows


def annotate(path, inclusive, top):
    if not inclusive:
        costs = self_costs(path)
        total = sum(costs.values()) or 1
        rows = sorted(costs.items(), key=lambda kv: -kv[1])[:top]
        return [(n, 100.0 * n / total, name) for name, n in rows]
    argv = ["callgrind_annotate", "--inclusive=" + ("yes" if inclusive else "no"), "--threshold=100", path]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=300).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*)", line)
        if m:
            rows.append((int(m.group(1).replace(",", "")), float(m.group(2)), m.group(3)))
    return rows[1:top + 1] if rows and "PROGRAM TOTALS" in rows[0][2] else rows[:top]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--server", default="certgate", choices=sorted(servers.SERVERS))
    ap.add_argument("--mode", default="full", choices=["full", "resume", "keepalive"])
    ap.add_argument("--kind", default="ecdsa", choices=["ecdsa", "rsa"])
    ap.add_argument("--path", default="/1k")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                    help="environment of the server process (e.g. LD_PRELOAD=... to try a setting)")
    args = ap.parse_args()
    args.build, args.out = os.path.abspath(args.build), os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    servers.Certgate.binary = os.path.join(args.build, "certgate")
    dirs = pki.make(os.path.join(args.out, "pki"))
    try:
        upstream = servers.Upstream(args.out, None)
        tag = "callgrind-%s-%s-%s" % (args.mode, args.kind, args.path.strip("/").replace("/", "_") or "root")
        out_pattern = os.path.join(args.out, "%s-%s" % (args.server.lower(), tag), "callgrind.out.%p")
        wrapper = (["env", *args.server_env] if args.server_env else []) + [
            "valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_pattern]
        cls = servers.SERVERS[args.server]
        server = cls(args.out, dirs[args.kind], upstream.port, 1, None, tag, wrapper=wrapper, ready_timeout=120)
        loadgen(args, server, args.kind, "keepalive", ("--connections", "2", "--duration", "6"))
        time.sleep(0.5)
        subprocess.run(["callgrind_control", "-z", str(server.proc.pid)], check=True, capture_output=True,
                       timeout=60)
        report = loadgen(args, server, args.kind, args.mode,
                         ("--connections", str(args.connections), "--duration", str(args.seconds)))
        before = set(glob.glob(out_pattern.replace("%p", "*")))
        subprocess.run(["callgrind_control", "-d", str(server.proc.pid)], check=True, capture_output=True,
                       timeout=120)
        dumps = sorted(set(glob.glob(out_pattern.replace("%p", "*"))) - before) or sorted(before)
        server.stop()
        upstream.stop()
    finally:
        procs.stop_all()
    dump = dumps[-1]
    ir = total_ir(dump)
    requests = report["requests_total"]
    lines = ["%s, mode %s (%s), %s: %d requests, %d handshakes (%d resumed) in the profiled window" % (
        args.server, args.mode, args.kind, args.path, requests,
        report["handshakes_full"] + report["handshakes_resumed"], report["handshakes_resumed"]),
        "instructions: %s total, %s per request" % ("{:,}".format(ir), "{:,.0f}".format(ir / max(requests, 1))),
        "dump: %s" % dump, "", "self cost (top %d):" % args.top]
    for n, pct, name in annotate(dump, False, args.top):
        lines.append("  %5.1f%%  %12s  %s" % (pct, "{:,}".format(n), name))
    lines += ["", "self cost by kind:"]
    for pct, label in grouped(self_costs(dump)):
        lines.append("  %5.1f%%  %s" % (pct, label))
    lines += ["", "inclusive cost (top %d):" % args.top]
    for n, pct, name in annotate(dump, True, args.top):
        lines.append("  %5.1f%%  %12s  %s" % (pct, "{:,}".format(n), name))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "profile-%s.txt" % os.path.basename(os.path.dirname(dump))), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
