#!/usr/bin/env python3
"""`make bench`: certgate, nginx and HAProxy side by side on this machine, with the same load generator
(bench/loadgen), the same PKI, the same upstream and equivalent configurations. Prints the markdown tables
and writes them, with the JSON of every run, to OUT/results.{md,json}.

Table 1 (fairness on 2 cores): the server on core 0 with one worker/process/thread; the load generator and
the upstream on core 1. Table 2: two workers each, nothing pinned (2 cores cannot be split between a
2-worker server and its load). Each cell is the median of the runs that counted, with the min-max spread.
Then the keep-alive ceiling (nginx on core 0 serving the bodies itself, no upstream) and the system calls
per keep-alive request of each server (perf stat on the syscall tracepoints, or strace -c; table 1
placement; --no-syscalls skips it).
Traffic goes to 127.0.0.1 only.

--only NAME (repeatable) selects servers (certgate, nginx, HAProxy) and/or parts; with no part named,
every part runs. Parts:
  full            full handshakes/s, the same client certificate on every connection (ECDSA P-256)
  full_distinct   full handshakes/s, a distinct client certificate per connection (a pool of 1024)
  full_rsa        full handshakes/s, RSA-2048 PKI
  resumed         resumed handshakes/s
  keepalive_1k, keepalive_64k, all_headers (certgate's 8 default identity headers, 1 KiB)
  keepalive_h2    keep-alive 1 KiB over HTTP/2 (ALPN h2, --h2-connections x --h2-streams streams in
                  flight; nginx and HAProxy with h2 on, certgate as configured; a server that does not
                  select h2 gets the cell "h2 not negotiated")
  p99             p99 and server CPU per 1000 requests at the fixed rate (needs the first server's
                  keep-alive 1 KiB median, measured for it if not selected, unless --fixed-rate is given)
  idle            memory per idle mTLS connection
  ceiling         keep-alive ceiling: nginx serving the 1 KiB and 64 KiB bodies itself
  syscalls        system calls per keep-alive 1 KiB request (perf stat or strace)
  table2          two workers each, nothing pinned
  speed           openssl speed and the physical handshake ceiling
  micro           the Google Benchmark micro-benchmarks
e.g. `--only syscalls --only certgate` reruns certgate's syscall counts alone against a new build.
"""
import argparse
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ceiling  # noqa: E402
import micro  # noqa: E402
import pki  # noqa: E402
import procs  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
import syscalls  # noqa: E402

SERVER_CPU = "0"
CLIENT_CPU = "1"
T0 = time.monotonic()

PARTS = ["full", "full_distinct", "full_rsa", "resumed", "keepalive_1k", "keepalive_64k", "all_headers",
         "keepalive_h2", "p99", "idle", "ceiling", "syscalls", "table2", "speed", "micro"]


def log(msg):
    sys.stderr.write("[%6.1fs] %s\n" % (time.monotonic() - T0, msg))
    sys.stderr.flush()


class Bench:
    def __init__(self, args):
        args.build = os.path.abspath(args.build)
        args.out = os.path.abspath(args.out)
        self.args = args
        self.loadgen_bin = os.path.join(args.build, "bench", "loadgen")
        servers.Certgate.binary = os.path.join(args.build, "certgate")
        servers.Certgate.env = dict(kv.split("=", 1) for kv in args.certgate_env)
        self.out = args.out
        os.makedirs(self.out, exist_ok=True)
        self.pkis = pki.make(os.path.join(self.out, "pki"))
        self.upstream = None
        self.raw = []  # every loadgen run, for the JSON
        self.servers = [o for o in args.only if o in servers.SERVERS]
        self.parts = {o for o in args.only if o in PARTS}

    def want(self, part):
        """Whether a part of the benchmark runs: all by default (less --skip-table2 / --no-syscalls), or only
        the parts named with --only."""
        if self.parts:
            return part in self.parts
        if part == "table2":
            return not self.args.skip_table2
        if part == "syscalls":
            return not self.args.no_syscalls
        return True

    def want_server(self, cls):
        return not self.servers or cls.name in self.servers

    # ---- load generator ----

    def client_cert_args(self, kind="ecdsa", pool=None):
        """--cert/--key of the client certificate, or with pool="one"/"all" --cert-pool of the ECDSA pool."""
        p = self.pkis[kind]
        if pool is None:
            return ["--cert", os.path.join(p, "client.pem"), "--key", os.path.join(p, "client.key")]
        many, one, key = pki.pool_paths(self.pkis["ecdsa"])
        return ["--cert-pool", many if pool == "all" else one, "--key", key]

    def loadgen(self, server, mode, path, kind="ecdsa", cpus=CLIENT_CPU, extra=(), label="", pool=None):
        argv = (["taskset", "-c", cpus] if cpus else []) + [
            self.loadgen_bin, "--connect", "127.0.0.1:%d" % server.port, "--sni", "localhost",
            *self.client_cert_args(kind, pool), "--mode", mode, "--path", path, "--json", *extra]
        cpu_pids, up_pids = server.cpu_pids(), self.upstream.pids()
        cpu0, up0, t0 = procs.cpu_seconds(cpu_pids), procs.cpu_seconds(up_pids), time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=self.args.duration + self.args.warmup + 90)
        wall = time.monotonic() - t0
        run = {"server": server.name, "workers": server.workers, "label": label, "argv": argv, "exit": proc.returncode,
               "wall_s": wall, "server_cpu_s": procs.cpu_seconds(cpu_pids) - cpu0,
               "upstream_cpu_s": procs.cpu_seconds(up_pids) - up0}
        try:
            run["report"] = json.loads(proc.stdout)
        except ValueError:
            run["report"] = None
            run["stderr"] = proc.stderr[-2000:]
        if proc.returncode != 0:
            run["stderr"] = proc.stderr[-2000:]
            log("  run did not count (exit %d): %s %s" % (proc.returncode, (run["report"] or {}).get("error_kinds"),
                                                         proc.stderr.strip()[-300:]))
        self.raw.append(run)
        return run

    def timed(self, server, mode, path, extra=(), **kw):
        args = ["--duration", str(self.args.duration), "--warmup", str(self.args.warmup),
                "--connections", str(self.args.connections)]
        return self.loadgen(server, mode, path, extra=tuple(args) + tuple(extra), **kw)

    def warm(self, server, kind="ecdsa", cpus=CLIENT_CPU):
        """A short run so that lazy initialisation is done before anything is measured."""
        self.loadgen(server, "keepalive", "/1k", kind=kind, cpus=cpus, label="warm-up",
                     extra=("--connections", "4", "--duration", "0.3"))

    @staticmethod
    def counted(run):
        return run["exit"] == 0 and run["report"] is not None and run["report"].get("ok")

    def flags_of(self, run):
        flags = []
        r = run["report"] or {}
        measured = max(r.get("duration_s", 0.0), 1e-9)
        # Load generator + upstream share core 1 in table 1: near 100% there means the client side limited it.
        if run["argv"][0] == "taskset" and run["argv"][2] == CLIENT_CPU:
            client_util = r.get("client_cpu_util", 0.0) + run["upstream_cpu_s"] / max(run["wall_s"], 1e-9)
            if client_util > 0.95:
                flags.append("client-bound")
        if r.get("rate") and r.get("requests_per_s", 0) < 0.95 * r["rate"] and measured > 0:
            flags.append("rate-not-sustained")
        if r.get("client_certificates_used", 0) < r.get("client_certificates", 0):
            # Fewer connections than the pool holds: no certificate came back in the run (each was new).
            flags.append("pool-not-cycled")
        return flags

    def repeat(self, what, fn, value):
        """Runs fn() args.runs times; a cell of value(run) over the runs that counted."""
        values, failures, flags = [], 0, []
        for i in range(self.args.runs):
            run = fn()
            if self.counted(run):
                v = value(run)
                values.append(v)
                flags += self.flags_of(run)
                log("  %s run %d/%d: %s" % (what, i + 1, self.args.runs, report._num(v)))
            else:
                failures += 1
        return report.cell(values, failures, flags)

    # ---- one server ----

    def start(self, cls, kind, workers, cpus, tag):
        return cls(self.out, self.pkis[kind], self.upstream.port, workers, cpus, tag)

    def idle_memory(self, cls):
        """KiB per idle connection: a fresh server per run, RSS before and with N idle mTLS connections."""
        n = self.args.idle_connections
        values, failures = [], 0
        for i in range(self.args.runs):
            server = self.start(cls, "ecdsa", 1, SERVER_CPU, "idle%d" % i)
            loadgen_proc = None
            try:
                self.warm(server)
                time.sleep(0.2)
                before = procs.rss_kib(server.rss_pids())
                ready = os.path.join(server.dir, "ready")
                argv = ["taskset", "-c", CLIENT_CPU, self.loadgen_bin, "--connect", "127.0.0.1:%d" % server.port,
                        "--sni", "localhost", *self.client_cert_args(), "--mode", "idle", "--path", "/1k",
                        "--connections", str(n), "--hold", str(self.args.hold), "--ready-file", ready, "--json"]
                loadgen_proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                deadline = time.monotonic() + 60
                while not os.path.exists(ready) and loadgen_proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.02)
                time.sleep(0.3)
                with_conns = procs.rss_kib(server.rss_pids())
                out, err = loadgen_proc.communicate(timeout=self.args.hold + 60)
                try:
                    rep = json.loads(out)
                except ValueError:
                    rep = None
                run = {"server": server.name, "workers": 1, "label": "idle", "argv": argv,
                       "exit": loadgen_proc.returncode, "report": rep, "rss_before_kib": before,
                       "rss_with_kib": with_conns}
                self.raw.append(run)
                if self.counted(run):
                    v = (with_conns - before) / float(n)
                    values.append(v)
                    log("  idle memory run %d/%d: %d -> %d KiB, %.1f KiB/connection" % (
                        i + 1, self.args.runs, before, with_conns, v))
                else:
                    failures += 1
                    log("  idle run did not count (exit %s): %s" % (loadgen_proc.returncode, err.strip()[-300:]))
            finally:
                if loadgen_proc is not None and loadgen_proc.poll() is None:
                    loadgen_proc.kill()
                    loadgen_proc.wait()
                server.stop()
        return report.cell(values, failures)

    def table1_server(self, cls, cells, rate_holder):
        name = cls.name
        log("== %s, one worker on core %s" % (name, SERVER_CPU))
        c = cells.setdefault(name, {})
        if self.want("idle"):
            c["idle_kib_per_conn"] = self.idle_memory(cls)

        ecdsa_parts = ("full", "full_distinct", "resumed", "keepalive_1k", "keepalive_64k", "p99")
        if any(self.want(p) for p in ecdsa_parts):
            server = self.start(cls, "ecdsa", 1, SERVER_CPU, "t1-ecdsa")
            try:
                self.table1_ecdsa(server, c, rate_holder)
            finally:
                server.stop()

        if cls is servers.Certgate and self.want("all_headers"):
            # The same, with certgate's default identity headers: what they cost the gateway and the upstream.
            server = self.start(servers.CertgateAllHeaders, "ecdsa", 1, SERVER_CPU, "t1-all-headers")
            try:
                self.warm(server)
                c["keepalive_1k_all_headers"] = self.repeat(
                    "keep-alive 1 KiB requests/s, all identity headers",
                    lambda: self.timed(server, "keepalive", "/1k", label="keepalive_1k_all_headers"),
                    lambda r: r["report"]["requests_per_s"])
            finally:
                server.stop()

        if self.want("keepalive_h2"):
            server = self.start(servers.H2_VARIANT.get(name, cls), "ecdsa", 1, SERVER_CPU, "t1-h2")
            try:
                self.warm(server)
                c["keepalive_1k_h2"] = self.h2_cell(server)
            finally:
                server.stop()

        if self.want("full_rsa"):
            server = self.start(cls, "rsa", 1, SERVER_CPU, "t1-rsa")
            try:
                self.warm(server, kind="rsa")
                c["full_rsa"] = self.repeat("full handshakes/s (RSA)",
                                            lambda: self.timed(server, "full", "/1k", kind="rsa", label="full_rsa"),
                                            lambda r: r["report"]["full_handshakes_per_s"])
            finally:
                server.stop()

    def h2_cell(self, server):
        """Keep-alive 1 KiB requests/s over HTTP/2. A server that does not select h2 gets a cell that says so
        (one run shows it) instead of failed runs."""
        a = self.args
        extra = ("--http2", "--streams", str(a.h2_streams), "--duration", str(a.duration), "--warmup", str(a.warmup),
                 "--connections", str(a.h2_connections))
        what = "keep-alive 1 KiB requests/s over HTTP/2"
        first = self.loadgen(server, "keepalive", "/1k", extra=extra, label="keepalive_1k_h2")
        if (first["report"] or {}).get("h2_not_negotiated"):
            log("  %s: h2 not negotiated (ALPN selected: %s)" % (server.name, first["report"].get("alpn") or "none"))
            return dict(report.cell([], 0), note="h2 not negotiated")
        runs = [first]

        def run():
            if runs:
                return runs.pop()
            return self.loadgen(server, "keepalive", "/1k", extra=extra, label="keepalive_1k_h2")
        return self.repeat(what, run, lambda r: r["report"]["requests_per_s"])

    def table1_ecdsa(self, server, c, rate_holder):
        name = server.name
        self.warm(server)
        if self.want("full"):
            # A pool of one: the same certificate on every connection, through the same client code as the
            # distinct row, so that the number of distinct certificates is the only difference.
            c["full_ecdsa"] = self.repeat(
                "full handshakes/s, same certificate",
                lambda: self.timed(server, "full", "/1k", label="full", pool="one"),
                lambda r: r["report"]["full_handshakes_per_s"])
        if self.want("full_distinct"):
            c["full_distinct"] = self.repeat(
                "full handshakes/s, a distinct certificate per connection",
                lambda: self.timed(server, "full", "/1k", label="full_distinct", pool="all"),
                lambda r: r["report"]["full_handshakes_per_s"])
        if self.want("resumed"):
            c["resumed"] = self.repeat("resumed handshakes/s",
                                       lambda: self.timed(server, "resume", "/1k", label="resume"),
                                       lambda r: r["report"]["resumed_handshakes_per_s"])
        need_rate = self.want("p99") and rate_holder.get("rate") is None
        if self.want("keepalive_1k") or need_rate:
            c["keepalive_1k"] = self.repeat("keep-alive 1 KiB requests/s",
                                            lambda: self.timed(server, "keepalive", "/1k", label="keepalive_1k"),
                                            lambda r: r["report"]["requests_per_s"])
        if self.want("keepalive_64k"):
            c["keepalive_64k"] = self.repeat("keep-alive 64 KiB requests/s",
                                             lambda: self.timed(server, "keepalive", "/64k", label="keepalive_64k"),
                                             lambda r: r["report"]["requests_per_s"])
        if not self.want("p99"):
            return
        if rate_holder.get("rate") is None:
            base = c["keepalive_1k"]["median"] or 2000.0
            rate_holder["rate"] = round(base / 2.0)
            rate_holder["from"] = name
            log("  fixed rate for the p99 runs: %d requests/s (half of %s's keep-alive 1 KiB maximum)" % (
                rate_holder["rate"], name))
        rate = rate_holder["rate"]
        rate_runs = []

        def rate_run():
            run = self.timed(server, "keepalive", "/1k", extra=("--rate", str(rate)), label="rate")
            rate_runs.append(run)
            return run
        c["p99_ms"] = self.repeat("p99 at %d/s (ms)" % rate, rate_run,
                                  lambda r: r["report"]["latency_us"]["p99"] / 1000.0)
        cpu_values = [r["server_cpu_s"] * 1000.0 / r["report"]["requests_total"] * 1000.0
                      for r in rate_runs if self.counted(r) and r["report"]["requests_total"] > 0]
        c["cpu_ms_per_1000"] = report.cell(cpu_values, len(rate_runs) - len(cpu_values))

    def keepalive_ceiling(self):
        """nginx on the server core serving the bodies itself: the keep-alive ceiling of table 1's placement."""
        log("== keep-alive ceiling: nginx serving the bodies itself, one worker on core %s" % SERVER_CPU)
        cells = {}
        server = self.start(servers.NginxStatic, "ecdsa", 1, SERVER_CPU, "ceiling")
        try:
            self.warm(server)
            for key, path in (("keepalive_1k", "/1k"), ("keepalive_64k", "/64k")):
                cells[key] = self.repeat("ceiling %s requests/s" % path,
                                         lambda p=path, k=key: self.timed(server, "keepalive", p,
                                                                          label="ceiling_" + k),
                                         lambda r: r["report"]["requests_per_s"])
        finally:
            server.stop()
        return cells

    def syscall_counts(self, cls):
        """Syscalls per keep-alive 1 KiB request of one server (syscalls.py): a short and a long run at the same
        fixed rate, each under strace -c -f, and the difference."""
        a = self.args
        short_s, long_s = 1.0, 1.0 + a.syscall_seconds
        server = self.start(cls, "ecdsa", 1, SERVER_CPU, "syscalls")
        try:
            self.warm(server)
            pids = server.traced_pids()
            # An uncounted run at the same rate and connections first: the upstream connections it opens stay
            # in the server's pool and its memory grows to its size, so neither counted run pays for them.
            rate_args = ("--rate", str(a.syscall_rate), "--warmup", "0", "--connections", str(a.connections))
            self.loadgen(server, "keepalive", "/1k", label="syscalls_prime", extra=rate_args + ("--duration", "1"))
            counts, answered, flags = [], [], []
            for seconds in (short_s, long_s):
                out = syscalls.out_path(server.dir, a.syscall_tool, "%gs" % seconds)
                try:
                    tracer = syscalls.TOOLS[a.syscall_tool](pids, out, cpus=CLIENT_CPU)
                except (OSError, RuntimeError) as e:  # no perf / strace, or not allowed to attach
                    log("  %s: %s" % (server.name, e))
                    return {"error": "%s could not attach: %s" % (a.syscall_tool, str(e).splitlines()[0])}
                try:
                    run = self.loadgen(server, "keepalive", "/1k", label="syscalls_%gs" % seconds,
                                       extra=rate_args + ("--duration", str(seconds)))
                finally:
                    tracer.stop()
                if not self.counted(run):
                    return {"error": "the %g s run under %s did not count: %s" % (
                        seconds, a.syscall_tool, (run["report"] or {}).get("error_kinds") or run.get("stderr", "")[-200:])}
                try:
                    counts.append(tracer.counts())
                except (OSError, RuntimeError) as e:
                    return {"error": "%s counted nothing: %s" % (a.syscall_tool, e)}
                answered.append(run["report"]["requests_total"])
                flags += self.flags_of(run)
            per, top, requests, diff = syscalls.per_request(counts[0], counts[1], answered[0], answered[1])
            log("  %s: %.2f syscalls per request (%s)" % (server.name, per["total"], ", ".join(
                "%s %.2f" % (k, v) for k, v in per.items() if k != "total")))
            return {"pids": pids, "per_request": per, "top_others": top, "requests": requests,
                    "calls": {"short": counts[0], "long": counts[1], "difference": diff},
                    "answered": answered, "rate_not_sustained": "rate-not-sustained" in flags}
        finally:
            server.stop()

    def table2_server(self, cls, cells):
        name = cls.name
        log("== %s, two workers, nothing pinned" % name)
        c = cells.setdefault(name, {})
        server = self.start(cls, "ecdsa", 2, None, "t2-ecdsa")
        try:
            self.warm(server, cpus=None)
            for key, mode, path, field, pool in (
                    ("full_ecdsa", "full", "/1k", "full_handshakes_per_s", "one"),
                    ("resumed", "resume", "/1k", "resumed_handshakes_per_s", None),
                    ("keepalive_1k", "keepalive", "/1k", "requests_per_s", None),
                    ("keepalive_64k", "keepalive", "/64k", "requests_per_s", None)):
                c[key] = self.repeat("%s (2 workers)" % key,
                                     lambda: self.timed(server, mode, path, cpus=None, label=key + "/2w", pool=pool),
                                     lambda r, f=field: r["report"][f])
        finally:
            server.stop()

    # ---- the whole run ----

    def run(self):
        started = datetime.datetime.now(datetime.timezone.utc)
        load = os.getloadavg()
        log("load average %.2f %.2f %.2f%s" % (load[0], load[1], load[2],
                                              "  (above 1: other work is running, results will be noisy)"
                                              if load[0] > 1.0 else ""))
        result = {"date": started.strftime("%Y-%m-%d %H:%M UTC"), "command": self.args.command,
                  "settings": {k: getattr(self.args, k) for k in ("duration", "warmup", "runs", "connections",
                                                                   "h2_connections", "h2_streams",
                                                                   "idle_connections", "hold", "certgate_env")},
                  "machine": machine_facts(), "load_average_at_start": load}

        speed_cmd, ops, ceil = None, None, None
        if self.want("speed"):
            log("openssl speed (core %s)" % SERVER_CPU)
            speed_cmd, speed_out = ceiling.run_speed(SERVER_CPU, self.args.speed_seconds)
            ops = ceiling.parse_speed(speed_out)
            ceil = ceiling.ceilings(ops)
            result["openssl_speed"] = {"command": speed_cmd, "ops_per_s": ops, "ceilings": ceil,
                                       "formula": ceiling.FORMULA}
            log("  ceiling: %.0f full ECDSA handshakes/s, %.0f full RSA handshakes/s per core" % (
                ceil["ecdsa_full_handshakes_per_s"], ceil["rsa_full_handshakes_per_s"]))

        micro_results = []
        if self.want("micro"):
            log("micro-benchmarks")
            for b in ("decide_bench", "header_bench"):
                micro_results += micro.run(os.path.join(self.args.build, "bench", b), SERVER_CPU,
                                           self.args.micro_min_time)
        result["micro"] = micro_results

        order = [servers.Nginx, servers.Haproxy, servers.Certgate]  # nginx first: it sets the fixed rate
        order = [cls for cls in order if self.want_server(cls)]
        table1_parts = ("full", "full_distinct", "full_rsa", "resumed", "keepalive_1k", "keepalive_64k",
                        "all_headers", "keepalive_h2", "p99", "idle")
        cells1, rate_holder, ceiling_cells, sys_results = {}, {}, {}, {}
        if self.args.fixed_rate:
            rate_holder.update(rate=self.args.fixed_rate, fixed=True)
        self.upstream = servers.Upstream(self.out, CLIENT_CPU)
        if any(self.want(p) for p in table1_parts):
            for cls in order:
                self.table1_server(cls, cells1, rate_holder)
        if self.want("ceiling"):
            ceiling_cells = self.keepalive_ceiling()
        if self.want("syscalls"):
            log("== system calls per keep-alive 1 KiB request (%s, %d requests/s)" % (
                self.args.syscall_tool, self.args.syscall_rate))
            sys_results = {"rate": self.args.syscall_rate, "connections": self.args.connections,
                           "tool": self.args.syscall_tool,
                           "durations_s": [1.0, 1.0 + self.args.syscall_seconds], "servers": {}}
            for cls in order:
                sys_results["servers"][cls.name] = self.syscall_counts(cls)
        self.upstream.stop()
        result["table1"] = cells1
        result["fixed_rate"] = rate_holder
        result["keepalive_ceiling"] = ceiling_cells
        result["syscalls"] = sys_results

        cells2 = {}
        if self.want("table2"):
            self.upstream = servers.Upstream(self.out, None)
            for cls in order:
                self.table2_server(cls, cells2)
            self.upstream.stop()
        result["table2"] = cells2
        result["elapsed_s"] = time.monotonic() - T0
        result["runs"] = self.raw

        md = render(result, ceil, ops, speed_cmd, micro_results, rate_holder)
        with open(os.path.join(self.out, "results.json"), "w") as f:
            json.dump(result, f, indent=1)
        with open(os.path.join(self.out, "results.md"), "w") as f:
            f.write(md)
        print(md)
        log("done in %.0f s; results in %s/results.{md,json}" % (time.monotonic() - T0, self.out))


def render(result, ceil, ops, speed_cmd, micro_results, rate_holder):
    s = result["settings"]
    if rate_holder.get("fixed"):
        rate_line = "Fixed rate for p99 and CPU: %s requests/s (--fixed-rate)." % rate_holder.get("rate")
    elif rate_holder.get("rate"):
        rate_line = "Fixed rate for p99 and CPU: %s requests/s (half of %s's keep-alive 1 KiB maximum)." % (
            rate_holder.get("rate"), rate_holder.get("from"))
    else:
        rate_line = ""
    md = ["## certgate vs nginx vs HAProxy (%s)" % result["date"], "",
          "Command: `%s`. Machine: %s. Load average at start: %.2f." % (
              result["command"], result["machine"]["summary"], result["load_average_at_start"][0]),
          "Each cell: median of %d runs (min-max); a run counts only with zero errors and every answer 200. "
          "Runs: %s s measured after %s s warm-up, %d connections (HTTP/2: %d connections x %d streams); idle memory "
          "with %d connections." % (s["runs"], s["duration"], s["warmup"], s["connections"], s["h2_connections"],
                                    s["h2_streams"], s["idle_connections"]),
          "Full handshakes: the same client certificate on every connection (a pool of one), or one of a pool "
          "of %d distinct certificates (same CA, own serial and subject) per connection, round robin." %
          pki.POOL_SIZE,
          rate_line,
          "Negotiated: %s." % "; ".join(
              "%s %s" % (name, "/".join(sorted(params))) for name, params in negotiated(result["runs"]).items()),
          ("certgate ran with the environment %s (an experiment, not the shipped settings)." % " ".join(
              s["certgate_env"]) if s.get("certgate_env") else ""),
          "`*`: the load generator + upstream core was saturated (the client side may have limited the result); "
          "`^`: the server did not sustain the fixed rate; `~`: fewer connections than certificates in the pool "
          "(every connection's certificate was new to the server, none came back).", ""]
    keys1 = ["full_ecdsa", "full_distinct", "full_rsa", "resumed", "keepalive_1k", "keepalive_1k_all_headers",
             "keepalive_64k", "keepalive_1k_h2", "p99_ms", "idle_kib_per_conn", "cpu_ms_per_1000"]
    if result["table1"]:
        md.append(report.table("Table 1: one worker each, server on core 0, load generator and upstream on core 1",
                               result["table1"], keys1, pki.POOL_SIZE))
    if result["keepalive_ceiling"]:
        md.append(report.keepalive_ceiling_section(result["keepalive_ceiling"], result["table1"]))
    if result["syscalls"]:
        sc = result["syscalls"]
        md.append(report.syscall_section(sc, sc["rate"], sc["durations_s"]))
    if result["table2"]:
        md.append(report.table("Table 2: two workers each, nothing pinned (server, load generator and upstream "
                               "share both cores)", result["table2"],
                               ["full_ecdsa", "resumed", "keepalive_1k", "keepalive_64k"],
                               pki.POOL_SIZE))
    if ceil:
        md.append(report.ceiling_section(speed_cmd, ops, ceil, result["table1"]))
        md.append("Formula: " + ceiling.FORMULA + "\n")
    if micro_results:
        md.append(report.micro_section(micro_results))
    return "\n".join(md)


def negotiated(runs):
    """{server: {"TLSv1.3 TLS_AES_256_GCM_SHA384 x25519", ...}} over every run that counted."""
    out = {}
    for r in runs:
        rep = r.get("report") or {}
        if rep.get("ok") and rep.get("tls_version"):
            out.setdefault(r["server"], set()).add("%s %s %s" % (rep["tls_version"], rep["cipher"], rep["group"]))
    return out


def machine_facts():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def version(argv):
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (p.stdout + p.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    facts = {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
             "openssl": version(["openssl", "version"]), "nginx": version(["nginx", "-v"]),
             "haproxy": version(["haproxy", "-v"])}
    facts["summary"] = "%s, %s cores, Linux %s, %s, %s, %s" % (
        facts["cpu"] or "?", facts["cores"], facts["kernel"], facts["openssl"], facts["nginx"], facts["haproxy"])
    return facts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="the release build directory (certgate, bench/loadgen, ...)")
    ap.add_argument("--out", required=True, help="directory for the PKI, configurations, logs and results")
    ap.add_argument("--duration", type=float, default=2.5, help="measured seconds per run")
    ap.add_argument("--warmup", type=float, default=0.5, help="seconds before measuring, per run")
    ap.add_argument("--runs", type=int, default=3, help="runs per cell")
    ap.add_argument("--connections", type=int, default=32, help="connections of the throughput runs")
    ap.add_argument("--h2-connections", type=int, default=4, help="connections of the HTTP/2 keep-alive row")
    ap.add_argument("--h2-streams", type=int, default=8,
                    help="concurrent streams per connection of the HTTP/2 row (4 x 8: as many requests in flight "
                         "as the HTTP/1.1 rows' 32 connections)")
    ap.add_argument("--idle-connections", type=int, default=1000)
    ap.add_argument("--hold", type=float, default=1.5, help="seconds the idle connections are held")
    ap.add_argument("--speed-seconds", type=int, default=3)
    ap.add_argument("--micro-min-time", default="0.3")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    choices=sorted(servers.SERVERS) + PARTS,
                    help="a server (certgate, nginx, HAProxy) or a part (see above) to run, repeatable; "
                         "no part named: all parts")
    ap.add_argument("--skip-table2", action="store_true", help="leave out table 2 (two workers)")
    ap.add_argument("--no-syscalls", action="store_true", help="leave out the system call counts")
    ap.add_argument("--syscall-tool", choices=sorted(syscalls.TOOLS), default="perf",
                    help="perf: perf stat on the syscall tracepoints, counted in the kernel (default); strace: "
                         "strace -c -f, which stops the server at every call and slows it down")
    ap.add_argument("--syscall-rate", type=int, default=2000,
                    help="requests/s of the keep-alive 1 KiB runs of the system call counts")
    ap.add_argument("--syscall-seconds", type=float, default=2.0,
                    help="how much longer the long counted run is than the 1 s short one (the difference is "
                         "what is counted)")
    ap.add_argument("--fixed-rate", type=int, default=0, metavar="R",
                    help="requests/s of the p99 and CPU runs (default: half of the first server's keep-alive 1 KiB "
                         "median)")
    ap.add_argument("--certgate-env", action="append", default=[], metavar="KEY=VALUE",
                    help="environment of the certgate process (e.g. LD_PRELOAD=... to try a setting)")
    ap.add_argument("--command", default="make bench", help="how this run was started (recorded)")
    args = ap.parse_args()
    if (os.cpu_count() or 1) < 2:
        sys.exit("run_bench: needs at least 2 cores (server on core 0, load on core 1)")

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    try:
        Bench(args).run()
    finally:
        procs.stop_all()


if __name__ == "__main__":
    main()
