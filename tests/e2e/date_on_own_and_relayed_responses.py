#!/usr/bin/env python3
"""Every response the client gets has a Date (RFC 9110 6.6.1): certgate's own (a refusal) in IMF-fixdate, one
added to an origin response that has none, and the origin's own Date kept as it is (not replaced, not doubled)."""
import email.utils
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin, response

ORIGIN_DATE = "Sun, 06 Nov 1994 08:49:37 GMT"


def answer(ex):
    headers = ["Date: " + ORIGIN_DATE] if ex.target == "/dated" else []
    ex.send(response(200, "OK", headers, b"ok"))
    return True


def check_now(r, what):
    values = r.header_values("Date")
    check_eq(len(values), 1, "Date fields in %s" % what, r)
    check(values[0].endswith(" GMT"), "Date of %s should be IMF-fixdate: %r" % (what, values[0]), r)
    when = email.utils.parsedate_to_datetime(values[0]).timestamp()
    check(abs(when - time.time()) < 300, "Date of %s should be the current time: %r" % (what, values[0]), r)


def main():
    p = pki()
    with ScriptedOrigin(answer) as origin, Gateway(base_config(p, origin.url)) as gw:
        with HttpConnection(gw.port, cert="edge") as conn:
            r = conn.request("GET", "/undated")
            check_eq(r.status, 200, "status", r)
            check_now(r, "an origin response without Date")
            r = conn.request("GET", "/dated")
            check_eq(r.status, 200, "status", r)
            check_eq(r.header_values("Date"), [ORIGIN_DATE], "Date of an origin response that has one", r)

        with HttpConnection(gw.port, cert="unmapped") as conn:
            r = conn.request("GET", "/refused")
            check_eq(r.status, 401, "status of an unmapped certificate", r)
            check_now(r, "a refusal")
        check_eq(len(origin.requests), 2, "requests that reached the origin")


if __name__ == "__main__":
    run_test(main)
