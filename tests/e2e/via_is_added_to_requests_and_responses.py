#!/usr/bin/env python3
"""certgate says it is a proxy (RFC 9110 7.6.3): the forwarded request carries Via: 1.1 certgate, appended to the
client's Via in one list, and so does every relayed response, appended to the origin's."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin, response


def answer(ex):
    headers = ["Via: 1.1 origin-cache"] if ex.target == "/origin-via" else []
    ex.send(response(200, "OK", headers, b"ok"))
    return True


def main():
    p = pki()
    with ScriptedOrigin(answer) as origin, Gateway(base_config(p, origin.url)) as gw:
        with HttpConnection(gw.port, cert="edge") as conn:
            r = conn.request("GET", "/no-via")
            check_eq(r.status, 200, "status", r)
            check_eq(origin.requests[-1].header_values("Via"), ["1.1 certgate"], "Via at the origin, client sent none")
            check_eq(r.header_values("Via"), ["1.1 certgate"], "Via in the response, origin sent none", r)

            r = conn.request("GET", "/client-via", headers=["Via: 1.0 fred", "via: 1.1 p.example (Proxy/1)"])
            check_eq(r.status, 200, "status", r)
            check_eq(origin.requests[-1].header_values("Via"), ["1.0 fred, 1.1 p.example (Proxy/1), 1.1 certgate"],
                     "Via at the origin after the client's")

            r = conn.request("GET", "/origin-via")
            check_eq(r.status, 200, "status", r)
            check_eq(r.header_values("Via"), ["1.1 origin-cache, 1.1 certgate"], "Via in the response after the origin's",
                     r)


if __name__ == "__main__":
    run_test(main)
