#!/usr/bin/env python3
"""`make bench`: certgate, nginx and HAProxy side by side on this machine, with the same load generator
(bench/loadgen), the same PKI, the same upstream and equivalent configurations. Prints the markdown tables
and writes them, with the JSON of every run, to OUT/results.{md,json}.

Table 1 (fairness on 2 cores): the server on core 0 with one worker/process/thread; the load generator and
the upstream on core 1. Table 2: two workers each, nothing pinned (2 cores cannot be split between a
2-worker server and its load). Each cell is the median of the runs that counted, with the min-max spread.
Traffic goes to 127.0.0.1 only.
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

SERVER_CPU = "0"
CLIENT_CPU = "1"
T0 = time.monotonic()


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

    # ---- load generator ----

    def loadgen(self, server, mode, path, kind="ecdsa", cpus=CLIENT_CPU, extra=(), label=""):
        p = self.pkis[kind]
        argv = (["taskset", "-c", cpus] if cpus else []) + [
            self.loadgen_bin, "--connect", "127.0.0.1:%d" % server.port, "--sni", "localhost",
            "--cert", os.path.join(p, "client.pem"), "--key", os.path.join(p, "client.key"),
            "--mode", mode, "--path", path, "--json", *extra]
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
                p = self.pkis["ecdsa"]
                argv = ["taskset", "-c", CLIENT_CPU, self.loadgen_bin, "--connect", "127.0.0.1:%d" % server.port,
                        "--sni", "localhost", "--cert", os.path.join(p, "client.pem"),
                        "--key", os.path.join(p, "client.key"), "--mode", "idle", "--path", "/1k",
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
        c["idle_kib_per_conn"] = self.idle_memory(cls)

        server = self.start(cls, "ecdsa", 1, SERVER_CPU, "t1-ecdsa")
        try:
            self.warm(server)
            c["full_ecdsa"] = self.repeat("full handshakes/s", lambda: self.timed(server, "full", "/1k", label="full"),
                                          lambda r: r["report"]["full_handshakes_per_s"])
            c["resumed"] = self.repeat("resumed handshakes/s",
                                       lambda: self.timed(server, "resume", "/1k", label="resume"),
                                       lambda r: r["report"]["resumed_handshakes_per_s"])
            c["keepalive_1k"] = self.repeat("keep-alive 1 KiB requests/s",
                                            lambda: self.timed(server, "keepalive", "/1k", label="keepalive_1k"),
                                            lambda r: r["report"]["requests_per_s"])
            c["keepalive_64k"] = self.repeat("keep-alive 64 KiB requests/s",
                                             lambda: self.timed(server, "keepalive", "/64k", label="keepalive_64k"),
                                             lambda r: r["report"]["requests_per_s"])
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
        finally:
            server.stop()

        if cls is servers.Certgate:
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

        server = self.start(cls, "rsa", 1, SERVER_CPU, "t1-rsa")
        try:
            self.warm(server, kind="rsa")
            c["full_rsa"] = self.repeat("full handshakes/s (RSA)",
                                        lambda: self.timed(server, "full", "/1k", kind="rsa", label="full_rsa"),
                                        lambda r: r["report"]["full_handshakes_per_s"])
        finally:
            server.stop()

    def table2_server(self, cls, cells):
        name = cls.name
        log("== %s, two workers, nothing pinned" % name)
        c = cells.setdefault(name, {})
        server = self.start(cls, "ecdsa", 2, None, "t2-ecdsa")
        try:
            self.warm(server, cpus=None)
            for key, mode, path, field in (("full_ecdsa", "full", "/1k", "full_handshakes_per_s"),
                                           ("resumed", "resume", "/1k", "resumed_handshakes_per_s"),
                                           ("keepalive_1k", "keepalive", "/1k", "requests_per_s"),
                                           ("keepalive_64k", "keepalive", "/64k", "requests_per_s")):
                c[key] = self.repeat("%s (2 workers)" % key,
                                     lambda: self.timed(server, mode, path, cpus=None, label=key + "/2w"),
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
                                                                   "idle_connections", "hold", "certgate_env")},
                  "machine": machine_facts(), "load_average_at_start": load}

        log("openssl speed (core %s)" % SERVER_CPU)
        speed_cmd, speed_out = ceiling.run_speed(SERVER_CPU, self.args.speed_seconds)
        ops = ceiling.parse_speed(speed_out)
        ceil = ceiling.ceilings(ops)
        result["openssl_speed"] = {"command": speed_cmd, "ops_per_s": ops, "ceilings": ceil,
                                   "formula": ceiling.FORMULA}
        log("  ceiling: %.0f full ECDSA handshakes/s, %.0f full RSA handshakes/s per core" % (
            ceil["ecdsa_full_handshakes_per_s"], ceil["rsa_full_handshakes_per_s"]))

        log("micro-benchmarks")
        micro_results = []
        for b in ("decide_bench", "header_bench"):
            micro_results += micro.run(os.path.join(self.args.build, "bench", b), SERVER_CPU, self.args.micro_min_time)
        result["micro"] = micro_results

        self.upstream = servers.Upstream(self.out, CLIENT_CPU)
        cells1, rate_holder = {}, {}
        order = [servers.Nginx, servers.Haproxy, servers.Certgate]  # nginx first: it sets the fixed rate
        for cls in order:
            if cls.name in self.args.only or not self.args.only:
                self.table1_server(cls, cells1, rate_holder)
        self.upstream.stop()
        result["table1"] = cells1
        result["fixed_rate"] = rate_holder

        cells2 = {}
        if not self.args.skip_table2:
            self.upstream = servers.Upstream(self.out, None)
            for cls in order:
                if cls.name in self.args.only or not self.args.only:
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
    md = ["## certgate vs nginx vs HAProxy (%s)" % result["date"], "",
          "Command: `%s`. Machine: %s. Load average at start: %.2f." % (
              result["command"], result["machine"]["summary"], result["load_average_at_start"][0]),
          "Each cell: median of %d runs (min-max); a run counts only with zero errors and every answer 200. "
          "Runs: %s s measured after %s s warm-up, %d connections; idle memory with %d connections." % (
              s["runs"], s["duration"], s["warmup"], s["connections"], s["idle_connections"]),
          "Fixed rate for p99 and CPU: %s requests/s (half of %s's keep-alive 1 KiB maximum)." % (
              rate_holder.get("rate"), rate_holder.get("from")),
          "Negotiated: %s." % "; ".join(
              "%s %s" % (name, "/".join(sorted(params))) for name, params in negotiated(result["runs"]).items()),
          ("certgate ran with the environment %s (an experiment, not the shipped settings)." % " ".join(
              s["certgate_env"]) if s.get("certgate_env") else ""),
          "`*`: the load generator + upstream core was saturated (the client side may have limited the result); "
          "`^`: the server did not sustain the fixed rate.", ""]
    keys1 = ["full_ecdsa", "full_rsa", "resumed", "keepalive_1k", "keepalive_1k_all_headers", "keepalive_64k",
             "p99_ms", "idle_kib_per_conn", "cpu_ms_per_1000"]
    md.append(report.table("Table 1: one worker each, server on core 0, load generator and upstream on core 1",
                           result["table1"], keys1, ceil))
    if result["table2"]:
        md.append(report.table("Table 2: two workers each, nothing pinned (server, load generator and upstream "
                               "share both cores)", result["table2"],
                               ["full_ecdsa", "resumed", "keepalive_1k", "keepalive_64k"]))
    md.append(report.ceiling_section(speed_cmd, ops, ceil, result["table1"]))
    md.append("Formula: " + ceiling.FORMULA + "\n")
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
    ap.add_argument("--idle-connections", type=int, default=1000)
    ap.add_argument("--hold", type=float, default=1.5, help="seconds the idle connections are held")
    ap.add_argument("--speed-seconds", type=int, default=3)
    ap.add_argument("--micro-min-time", default="0.3")
    ap.add_argument("--only", action="append", default=[], help="certgate, nginx or HAProxy (repeatable)")
    ap.add_argument("--skip-table2", action="store_true")
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
