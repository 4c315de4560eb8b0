#!/usr/bin/env python3
"""[limits] max_response_header_bytes (default 64KiB): an origin response with a 20 KiB set of Set-Cookie fields
is relayed whole by default, and is a 502 with a reason naming the limit when the limit is set lower (16KiB)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin, response

COOKIES = ["Set-Cookie: c%02d=%s; Path=/; Secure; HttpOnly" % (i, chr(ord("a") + i % 26) * 1000) for i in range(20)]


def big_head(ex):
    ex.send(response(200, "OK", COOKIES, b"cookie jar"))
    return True


def main():
    p = pki()
    head_size = sum(len(c) + 2 for c in COOKIES)
    check(head_size > 20 * 1024, "the test head should exceed 20 KiB (is %d bytes)" % head_size)
    with ScriptedOrigin(big_head) as origin:
        with Gateway(base_config(p, origin.url), name="default-limit") as gw, HttpConnection(gw.port) as conn:
            r = conn.request("GET", "/cookies")
            check_eq(r.status, 200, "a 20 KiB response head under the default limit", r)
            expected = [c.split(": ", 1)[1] for c in COOKIES]
            check_eq(r.header_values("Set-Cookie"), expected, "Set-Cookie fields relayed", r)
            check_eq(r.body, b"cookie jar", "body", r)

        cfg = base_config(p, origin.url)
        cfg["limits"] = {"max_response_header_bytes": "16KiB"}
        with Gateway(cfg, name="low-limit") as gw, HttpConnection(gw.port) as conn:
            r = conn.request("GET", "/cookies-low")
            check_eq(r.status, 502, "a 20 KiB response head over a 16KiB limit", r)
            check("max_response_header_bytes" in r.text, "the reason should name the limit", r)
            check_eq(r.header_values("Set-Cookie"), [], "no Set-Cookie from a refused response", r)
            entry = gw.log_for_path("/cookies-low")
            check_eq(entry.get("status"), 502, "status logged", r)
            check("max_response_header_bytes" in entry.get("reason", ""), "logged reason: %r" % entry, r)


if __name__ == "__main__":
    run_test(main)
