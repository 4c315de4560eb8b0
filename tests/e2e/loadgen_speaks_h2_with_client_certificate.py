#!/usr/bin/env python3
"""The benchmark load generator's HTTP/2 mode (bench/loadgen --http2, the h2 keep-alive row of `make bench`)
against a real nginx with `listen ... ssl http2` and `ssl_verify_client on`: with the client certificate it
negotiates h2 by ALPN, keeps several streams in flight on each connection and counts every answer by status
(nginx's access log shows the requests as HTTP/2.0); without a certificate nginx's 400s are counted as such and
the run does not count; against a listener without h2 the report says "h2 not negotiated" instead of failing
in some other way. Only correctness is asserted here; speed is `make bench`'s business."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.loadgen import check_clean, loadgen, loadgen_with
from harness.origins import nginx


def access_log_lines(server, needle):
    with open(os.path.join(server.dir, "access.log"), errors="replace") as f:
        return [line for line in f if needle in line]


def main():
    p = pki()
    with nginx(p, "on", http2=True, name="nginx-h2") as h2:
        run = loadgen(h2, "keepalive", "--http2", "--streams", "5", "--connections", "2", "--duration", "1",
                      "--path", "/h2/with-cert")
        check_clean(run, "h2 with the client certificate")
        r = run.report
        check_eq((r["http2"], r["streams"], r["alpn"]), (True, 5, "h2"), "h2 mode, 5 streams, ALPN selected h2", run)
        check_eq(r["h2_not_negotiated"], 0, "h2 was negotiated on every connection", run)
        check(r["requests"] > 0, "some requests were answered", run)
        check_eq(r["statuses"], {"200": r["requests_total"]}, "every answer is 200", run)
        check(r["bytes_received"] > 0, "the bodies were received", run)
        check(0 < r["handshakes_full"] and r["requests"] > 5 * r["handshakes_full"],
              "many streams per connection (%d requests, %d handshakes)" % (r["requests"], r["handshakes_full"]), run)
        lines = access_log_lines(h2, "GET /h2/with-cert HTTP/2.0")
        check(len(lines) >= r["requests"], "nginx logged every counted request as HTTP/2.0 (%d < %d)" % (
            len(lines), r["requests"]), run)

        # No client certificate: nginx answers each stream 400 (no required SSL certificate was sent).
        bare = loadgen_with(h2, "keepalive", [], "--http2", "--streams", "3", "--connections", "1", "--duration",
                            "0.5", "--path", "/h2/without-cert")
        r = bare.report
        check(r["requests_total"] > 0, "without a certificate: answers were counted", bare)
        check_eq(r["statuses"], {"400": r["requests_total"]}, "without a certificate: every answer is 400", bare)
        check_eq(r["non_200"], r["requests_total"], "without a certificate: all counted as non-200", bare)
        check_eq(r["errors"], 0, "without a certificate: no transport errors %s" % r["error_kinds"], bare)
        check_eq((bare.code, r["ok"]), (1, False), "without a certificate: the run does not count", bare)

    with nginx(p, "on", name="nginx-h1-only") as h1:
        only = loadgen(h1, "keepalive", "--http2", "--connections", "2", "--duration", "0.5", "--path", "/h2/no")
        r = only.report
        check_eq(r["alpn"], "http/1.1", "a listener without h2 selects http/1.1", only)
        check_eq(r["h2_not_negotiated"], 2, "each connection reports h2 not negotiated, once", only)
        check_eq(r["error_kinds"], {"h2 not negotiated (ALPN selected: http/1.1)": 2}, "the error says so", only)
        check_eq((r["requests_total"], only.code, r["ok"]), (0, 1, False), "nothing sent; the run does not count",
                 only)
        check_eq(access_log_lines(h1, "/h2/no"), [], "no request reached the HTTP/1.1-only listener", only)


if __name__ == "__main__":
    run_test(main)
