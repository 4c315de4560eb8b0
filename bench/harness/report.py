"""Cells (median of the runs that counted, with their min-max spread), the markdown tables with the
certgate/nginx and certgate/HAProxy ratios, and the targets of issue 4."""
import statistics

SERVER_ORDER = ["certgate", "nginx", "HAProxy"]

# key: (title, unit, better, target text)
METRICS = {
    "full_ecdsa": ("full handshakes/s, ECDSA P-256", "/s", "higher", ">= 1.0x both; >= 70% of ceiling"),
    "full_rsa": ("full handshakes/s, RSA-2048", "/s", "higher", ">= 1.0x both"),
    "resumed": ("resumed handshakes/s", "/s", "higher", ">= 1.0x both"),
    "keepalive_1k": ("keep-alive requests/s, 1 KiB", "/s", "higher", ">= 1.0x both"),
    "keepalive_1k_all_headers": ("keep-alive requests/s, 1 KiB, certgate's 8 default identity headers", "/s",
                                 "higher", "(shown against the peers' 1 KiB row)"),
    "keepalive_64k": ("keep-alive requests/s, 64 KiB", "/s", "higher", ">= 1.0x both"),
    "p99_ms": ("p99 latency at a fixed rate (ms)", "ms", "lower", "<= both"),
    "idle_kib_per_conn": ("memory per idle mTLS connection (KiB)", "KiB", "lower", "<= nginx"),
    "cpu_ms_per_1000": ("server CPU per 1000 requests at the fixed rate (ms)", "ms", "lower", "(lower is better)"),
}


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
    if c["median"] is None:
        return "FAILED (%d run(s) with errors)" % c["failed_runs"]
    text = "%s (%s-%s)" % (_num(c["median"]), _num(c["min"]), _num(c["max"]))
    if c["failed_runs"]:
        text += " [%d run(s) failed]" % c["failed_runs"]
    if "client-bound" in c["flags"]:
        text += " *"
    if "rate-not-sustained" in c["flags"]:
        text += " ^"
    return text


# Rows that only certgate has, compared with the peers' values of another row.
COMPARED_WITH = {"keepalive_1k_all_headers": "keepalive_1k"}


def ratio(cells, key, other):
    a, b = cells.get("certgate", {}).get(key), cells.get(other, {}).get(COMPARED_WITH.get(key, key))
    if not a or not b or a["median"] is None or b["median"] is None or b["median"] == 0:
        return None
    return a["median"] / b["median"]


def target_met(key, better, cells, ceilings):
    r_n, r_h = ratio(cells, key, "nginx"), ratio(cells, key, "HAProxy")
    if key == "cpu_ms_per_1000" or key in COMPARED_WITH:
        return "-"
    if key == "idle_kib_per_conn":
        return "-" if r_n is None else ("yes" if r_n <= 1.0 else "no")
    if r_n is None or r_h is None:
        return "-"
    ok = (r_n >= 1.0 and r_h >= 1.0) if better == "higher" else (r_n <= 1.0 and r_h <= 1.0)
    if key == "full_ecdsa" and ceilings:
        c = cells["certgate"][key]["median"]
        ok = ok and c >= 0.7 * ceilings["ecdsa_full_handshakes_per_s"]
    return "yes" if ok else "no"


def table(title, cells, keys, ceilings=None):
    lines = ["### " + title, "",
             "| metric | certgate | nginx | HAProxy | certgate/nginx | certgate/HAProxy | target | met |",
             "|---|---|---|---|---|---|---|---|"]
    for key in keys:
        name, _unit, better, target = METRICS[key]
        row = [name] + [fmt_cell(cells.get(s, {}).get(key)) for s in SERVER_ORDER]
        for other in ("nginx", "HAProxy"):
            r = ratio(cells, key, other)
            row.append("-" if r is None else "%.2fx" % r)
        row.append(target)
        row.append(target_met(key, better, cells, ceilings))
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
    for k, label, metric in (("ecdsa_full_handshakes_per_s", "full, ECDSA P-256 + X25519", "full_ecdsa"),
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
