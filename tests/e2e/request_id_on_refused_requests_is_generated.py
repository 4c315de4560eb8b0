#!/usr/bin/env python3
"""A refused request's log line has a request id too, always a generated one: a CF-Ray from a connection whose
certificate did not verify (403.16) or that presented none (403.7) is never taken, nor from a head that could
not be parsed (400)."""
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import raw_exchange, request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

GENERATED = re.compile(r"[0-9a-f]{32}")


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        # Refused with 403.16, or (as the base build does) by aborting the handshake: either way one line.
        r = request(gw, "/refused-rogue", cert="rogue", headers=["CF-Ray: rogue-ray-1"])
        check(r.status in (0, 403), "status %d" % r.status, r)
        e = gw.wait_log(lambda x: x.get("substatus") == 16, what="the 403.16 line")
        check(GENERATED.fullmatch(e["request_id"]), "403.16 line: generated id, got %r" % e["request_id"])

        r = request(gw, "/refused-none", cert=None, headers=["CF-Ray: none-ray-1"])
        check_eq(r.status, 403, "status", r)
        e = gw.log_for_path("/refused-none")
        check_eq(e["substatus"], 7, "substatus")
        check(GENERATED.fullmatch(e["request_id"]), "403.7 line: generated id, got %r" % e["request_id"])

        before = len(gw.log_entries())
        data, _ = raw_exchange(gw.port, b"GET /malformed HTTP/1.1\r\nHost: localhost\r\nCF-Ray: bad-ray-1\r\n"
                                        b"No colon here\r\n\r\n", timeout=5)
        check(data.startswith(b"HTTP/1.1 400"), "a malformed head gets 400: %r" % data[:80])
        e = gw.wait_log(lambda x: x.get("status") == 400, what="the 400 line")
        check(GENERATED.fullmatch(e["request_id"]), "400 line: generated id, got %r" % e["request_id"])
        check(len(gw.log_entries()) > before, "the 400 was logged")

        ids = [x["request_id"] for x in gw.log_entries()]
        check_eq(len(set(ids)), len(ids), "distinct ids on refused lines")
        for x in gw.log_entries():
            check("ray" not in x["request_id"], "a CF-Ray was taken from a refused request: %r" % x)


if __name__ == "__main__":
    run_test(main)
