"""Cells (median of the runs that counted, with their min-max spread), the markdown tables with the
certgate/nginx and certgate/HAProxy ratios and the targets, the keep-alive ceiling table and the syscall
table."""
import statistics

SERVER_ORDER = ["certgate", "nginx", "HAProxy"]

# key: (title, unit, better, rule). The rule is what "met" checks and what the target column says:
#   ("both", F)     certgate/nginx and certgate/HAProxy both >= F (higher is better) or both <= F (lower)
#   ("better", F)   certgate <= F times the better of the two peers (lower is better: the lower peer)
#   ("nginx", F)    certgate/nginx <= F (lower is better)
#   (None, text)    no target: the text is shown instead
METRICS = {
    "full_ecdsa": ("full handshakes/s, same client certificate (ECDSA P-256)", "/s", "higher", ("both", 2.0)),
    "full_distinct": ("full handshakes/s, a distinct client certificate per connection (ECDSA P-256, pool of %d)",
                      "/s", "higher", ("both", 1.3)),
    "full_rsa": ("full handshakes/s, RSA-2048", "/s", "higher", ("both", 1.0)),
    "resumed": ("resumed handshakes/s", "/s", "higher", ("both", 2.0)),
    "keepalive_1k": ("keep-alive requests/s, 1 KiB", "/s", "higher", ("both", 1.25)),
    "keepalive_1k_all_headers": ("keep-alive requests/s, 1 KiB, certgate's 8 default identity headers", "/s",
                                 "higher", (None, "(shown against the peers' 1 KiB row)")),
    "keepalive_64k": ("keep-alive requests/s, 64 KiB", "/s", "higher", ("both", 1.25)),
    "keepalive_1k_h2": ("keep-alive requests/s over HTTP/2, 1 KiB (ALPN h2, several streams per connection)", "/s",
                        "higher", (None, "(no target yet)")),
    "p99_ms": ("p99 latency at a fixed rate (ms)", "ms", "lower", ("better", 1.0)),
    "idle_kib_per_conn": ("memory per idle mTLS connection (KiB)", "KiB", "lower", ("nginx", 1.0)),
    "cpu_ms_per_1000": ("server CPU per 1000 requests at the fixed rate (ms)", "ms", "lower", ("nginx", 0.8)),
}


def _factor(f):
    return ("%.2f" % f).rstrip("0").rstrip(".") if f != int(f) else "%.1f" % f


def target_text(key):
    better, (kind, arg) = METRICS[key][2], METRICS[key][3]
    if kind is None:
        return arg
    if kind == "both":
        return "%s %sx both" % (">=" if better == "higher" else "<=", _factor(arg))
    if kind == "better":
        return "<= the better peer's" if arg == 1.0 else "<= %sx the better peer's" % _factor(arg)
    if kind == "nginx":
        return "<= nginx" if arg == 1.0 else "<= %sx nginx" % _factor(arg)
    raise ValueError(kind)


def cell(values, failures=0, flags=()):
    """A table cell from the values of the runs that counted."""
    c = {"runs": values, "failed_runs": failures, "flags": sorted(set(flags))}
    if values:
        c.update(median=statistics.median(values), min=min(values), max=max(values))
    else:
        c.update(median=None, min=None, max=None)
    return c


def _num(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


def fmt_cell(c):
    if c is None:
        return "n/a"
    if c.get("note"):
        return c["note"]  # e.g. "h2 not negotiated": the server does not offer what the row measures
    if c["median"] is None:
        return "FAILED (%d run(s) with errors)" % c["failed_runs"]
    text = "%s (%s-%s)" % (_num(c["median"]), _num(c["min"]), _num(c["max"]))
    if c["failed_runs"]:
        text += " [%d run(s) failed]" % c["failed_runs"]
    if "client-bound" in c["flags"]:
        text += " *"
    if "rate-not-sustained" in c["flags"]:
        text += " ^"
    if "pool-not-cycled" in c["flags"]:
        text += " ~"
    return text


# Rows that only certgate has, compared with the peers' values of another row.
COMPARED_WITH = {"keepalive_1k_all_headers": "keepalive_1k"}


def ratio(cells, key, other):
    a, b = cells.get("certgate", {}).get(key), cells.get(other, {}).get(COMPARED_WITH.get(key, key))
    if not a or not b or a["median"] is None or b["median"] is None or b["median"] == 0:
        return None
    return a["median"] / b["median"]


def target_met(key, cells):
    better, (kind, arg) = METRICS[key][2], METRICS[key][3]
    r_n, r_h = ratio(cells, key, "nginx"), ratio(cells, key, "HAProxy")
    if kind is None or key in COMPARED_WITH:
        return "-"
    if kind == "nginx":
        return "-" if r_n is None else ("yes" if r_n <= arg else "no")
    if r_n is None or r_h is None:
        return "-"
    if kind == "better":  # certgate against the lower of the two peers: the larger of the two ratios
        return "yes" if max(r_n, r_h) <= arg else "no"
    ok = (r_n >= arg and r_h >= arg) if better == "higher" else (r_n <= arg and r_h <= arg)
    return "yes" if ok else "no"


def metric_title(key, pool_size=None):
    name = METRICS[key][0]
    return name % pool_size if "%d" in name else name


def table(title, cells, keys, pool_size=None):
    lines = ["### " + title, "",
             "| metric | certgate | nginx | HAProxy | certgate/nginx | certgate/HAProxy | target | met |",
             "|---|---|---|---|---|---|---|---|"]
    for key in keys:
        if not any(key in cells.get(s, {}) for s in SERVER_ORDER):
            continue  # a row that was not run (--only)
        row = [metric_title(key, pool_size)] + [fmt_cell(cells.get(s, {}).get(key)) for s in SERVER_ORDER]
        for other in ("nginx", "HAProxy"):
            r = ratio(cells, key, other)
            row.append("-" if r is None else "%.2fx" % r)
        row.append(target_text(key))
        row.append(target_met(key, cells))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return "\n".join(lines)


def ceiling_section(command, ops, ceil, cells):
    c = cells.get("certgate", {})
    lines = ["### Physical ceiling (one core, handshake cryptography only)", "",
             "`%s`:" % command, "",
             "| operation | per second |", "|---|---|"]
    for k, label in (("ecdsa_sign", "ECDSA P-256 sign"), ("ecdsa_verify", "ECDSA P-256 verify"),
                     ("x25519", "X25519 derive"), ("rsa_sign", "RSA-2048 sign"), ("rsa_verify", "RSA-2048 verify")):
        lines.append("| %s | %s |" % (label, _num(ops[k])))
    lines += ["", "| handshake | ceiling/s | certgate/s | certgate / ceiling |", "|---|---|---|---|"]
    for k, label, metric in (("ecdsa_full_handshakes_per_s", "full, ECDSA P-256 + X25519, same client certificate",
                              "full_ecdsa"),
                             ("ecdsa_full_handshakes_per_s", "full, ECDSA P-256 + X25519, distinct client certificates",
                              "full_distinct"),
                             ("rsa_full_handshakes_per_s", "full, RSA-2048 + X25519", "full_rsa"),
                             ("resumed_handshakes_per_s", "resumed (psk_dhe_ke, X25519)", "resumed")):
        got = c.get(metric, {}).get("median") if c.get(metric) else None
        share = "-" if got is None else "%.0f%%" % (100.0 * got / ceil[k])
        lines.append("| %s | %s | %s | %s |" % (label, _num(ceil[k]), _num(got), share))
    lines.append("")
    return "\n".join(lines)


def micro_section(results):
    lines = ["### Micro-benchmarks (Google Benchmark, server core)", "",
             "| benchmark | ns/op | ops/s |", "|---|---|---|"]
    for r in results:
        ips = r.get("items_per_second")
        lines.append("| %s | %s | %s |" % (r["name"], _num(r["cpu_time"]), "-" if ips is None else _num(ips)))
    lines.append("")
    return "\n".join(lines)


def keepalive_ceiling_section(ceiling_cells, cells1):
    """nginx serving the body itself (no upstream) on the server core, and each proxy's fraction of it."""
    lines = ["### Keep-alive ceiling: nginx serving the body itself", "",
             "nginx on core 0 with the same mTLS settings serving the upstream's files itself (the same bytes and "
             "response headers), no upstream: what a server that does not proxy does on that core. Each proxy's "
             "cell is its keep-alive median from table 1 and its fraction of the ceiling.", "",
             "| body | nginx serving it (requests/s) | " + " | ".join(SERVER_ORDER) + " |",
             "|---|---|" + "---|" * len(SERVER_ORDER)]
    for key, label in (("keepalive_1k", "1 KiB"), ("keepalive_64k", "64 KiB")):
        ceil = ceiling_cells.get(key)
        if ceil is None:
            continue
        row = [label, fmt_cell(ceil)]
        for s in SERVER_ORDER:
            c = cells1.get(s, {}).get(key)
            if c is None or c["median"] is None or ceil["median"] in (None, 0):
                row.append("-")
            else:
                row.append("%s (%.0f%%)" % (_num(c["median"]), 100.0 * c["median"] / ceil["median"]))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return "\n".join(lines)


def _per(v):
    """Calls per request; the difference of two runs can leave a few calls either way: under 0.005 is 0."""
    return "0.00" if abs(v) < 0.005 else "%.2f" % v


def syscall_section(results, rate, duration_pair):
    """Syscalls per keep-alive 1 KiB request, by group, for each server (see syscalls.py for the method)."""
    import syscalls  # noqa: E402 (only this section needs it)
    groups = [g for g, _ in syscalls.GROUPS]
    tool = results.get("tool", "strace")
    how = ("`perf stat -e raw_syscalls:sys_enter,syscalls:sys_enter_<name>,... -p PIDS` (the kernel's syscall "
           "tracepoints, counted in the kernel; \"(unnamed)\" is what no named tracepoint counted)"
           if tool == "perf" else "`strace -c -f -p PIDS` (which stops the server at every call)")
    lines = ["### System calls per keep-alive 1 KiB request (one worker, table 1 placement)", "",
             "%s on the server's serving processes and all their threads (certgate: its process; nginx: the "
             "worker, not the master; HAProxy: its process) while the load generator sends keep-alive 1 KiB "
             "requests at %s requests/s over %d connections. Per request = (calls in a %g s run - calls in a %g s "
             "run) / (requests answered in the first - in the second), so what each connection costs once "
             "(accept, handshake, close) cancels out. `^`: the rate was not sustained." % (
                 how, rate, results.get("connections", 0), duration_pair[1], duration_pair[0]), "",
             "| server | " + " | ".join(groups) + " | others | total | requests | top others |",
             "|---|" + "---|" * (len(groups) + 4)]
    for s in SERVER_ORDER:
        r = results.get("servers", {}).get(s)
        if r is None:
            continue
        if r.get("error"):
            lines.append("| %s | %s |" % (s, r["error"]) + " |" * (len(groups) + 3))
            continue
        per = {k: _per(v) for k, v in r["per_request"].items()}
        top = ", ".join("%s %s" % (name, _per(v)) for name, v in r["top_others"] if v >= 0.005)
        flag = " ^" if r.get("rate_not_sustained") else ""
        lines.append("| %s | %s | %s | %s | %d%s | %s |" % (
            s, " | ".join(per[g] for g in groups), per["others"], per["total"], r["requests"], flag, top or "-"))
    lines.append("")
    return "\n".join(lines)
