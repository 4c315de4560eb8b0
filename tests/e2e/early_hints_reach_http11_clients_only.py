#!/usr/bin/env python3
"""A 103 Early Hints from the origin reaches an HTTP/1.1 client before the final response (curl shows both heads,
the Link of the 103 included), and does not reach an HTTP/1.0 client, which cannot read interim responses (RFC
9110 15.2): it gets the final response alone."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin, response

LINK = "</style.css>; rel=preload; as=style"


def hints_then_answer(ex):
    ex.send("HTTP/1.1 103 Early Hints\r\nLink: %s\r\n\r\n" % LINK)
    ex.send(response(200, "OK", ["Content-Type: text/plain"], b"final body"))
    return True


def main():
    p = pki()
    with ScriptedOrigin(hints_then_answer) as origin, Gateway(base_config(p, origin.url)) as gw:
        r = request(gw, "/hints-1.1", cert="edge")
        check_eq(r.exit_code, 0, "curl exit code", r)
        check_eq([status for status, _ in r.blocks], [103, 200], "heads curl received", r)
        hint_headers = r.blocks[0][1]
        check_eq([v for k, v in hint_headers if k.lower() == "link"], [LINK], "Link of the 103", r)
        check_eq(r.body, b"final body", "final body", r)

        with HttpConnection(gw.port, cert="edge") as conn:
            conn.send("GET /hints-1.0 HTTP/1.0\r\nHost: localhost\r\n\r\n")
            r10 = conn.read_response()
            check_eq(r10.status, 200, "final status for an HTTP/1.0 client", r10)
            check_eq(r10.interim, [], "interim responses sent to an HTTP/1.0 client", r10)
            check(b"Early Hints" not in r10.raw and b"</style.css>" not in r10.raw, "no 103 for an HTTP/1.0 client",
                  r10)
            check_eq(r10.body, b"final body", "final body for an HTTP/1.0 client", r10)
        check_eq(len(origin.requests), 2, "requests that reached the origin")


if __name__ == "__main__":
    run_test(main)
