#!/usr/bin/env python3
"""After admitted and refused requests, /metrics counts them by status, substatus and host block as the access
log has them, counts the decisions by mapping and result, the handshakes and the verification failure, and
Debian's promtool accepts the scrape (`promtool check metrics` on standard input)."""
import collections
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, check_promtool, samples, value, wait_admin
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            for i in range(3):
                r = request(gw, "/edge-%d" % i, cert="edge")
                check_eq(r.status, 200, "edge admitted", r)
            r = request(gw, "/unmapped", cert="unmapped")
            check_eq(r.status, 401, "a certificate no mapping names is refused (401.2)", r)
            r = request(gw, "/rogue", cert="rogue")
            check_eq(r.status, 403, "a certificate of an untrusted CA is refused", r)

            status, headers, text = admin_get(port, "/metrics")
            check_eq(status, 200, "/metrics")
            check(headers.get("content-type", "").startswith("text/plain; version=0.0.4"), "content type: %r" % headers)

            entries = gw.log_entries()
            check_eq(len(entries), 5, "access log lines")
            by_status = collections.Counter((e["status"], e.get("substatus", 0)) for e in entries)
            check(len(by_status) >= 3, "200 and two different refusals expected: %r" % by_status)
            for (st, sub), n in by_status.items():
                check_eq(value(text, "certgate_requests_total", status=st, substatus=sub, host_block="default"), n,
                         "certgate_requests_total for %d.%d" % (st, sub))

            check_eq(value(text, "certgate_decisions_total", mapping="edge", result="allow"), 3, "edge allowed")
            denied = sum(v for n, l, v in samples(text) if n == "certgate_decisions_total" and l["result"] == "deny")
            check_eq(denied, 2, "decisions that denied")
            check_eq(value(text, "certgate_tls_handshakes_total", kind="full"), 5, "full handshakes")
            check_eq(value(text, "certgate_verify_failures_total", reason="untrusted"), 1, "untrusted chains")
            cache = (value(text, "certgate_verified_chain_cache_total", result="hit") +
                     value(text, "certgate_verified_chain_cache_total", result="miss"))
            check_eq(cache, 5, "chain cache lookups (every full handshake with a certificate)")
            check_eq(value(text, "certgate_upstream_response_seconds_count"), 3, "upstream responses timed")
            check_eq(value(text, "certgate_reloads_total", result="success"), 0, "no reload yet")
            check(value(text, "certgate_last_reload_success_timestamp_seconds") > 0, "the start-up load is stamped")

            check_promtool(text)


if __name__ == "__main__":
    run_test(main)
