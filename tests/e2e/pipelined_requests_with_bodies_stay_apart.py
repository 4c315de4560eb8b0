#!/usr/bin/env python3
"""Requests with bodies sent back to back in one write (pipelined) reach the upstream as separate requests
with their own bodies, and their responses come back in order: a body is relayed up to its Content-Length
and never beyond."""
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import raw_exchange
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def post(path, body):
    return b"POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n%s" % (path, len(body), body)


def main():
    p = pki()
    bodies = [b"a" * 10, b"GET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n", b"c" * 70000]
    req = b"".join(post(b"/p%d" % i, body) for i, body in enumerate(bodies))
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        data, _ = raw_exchange(gw.port, req, timeout=3)
        # Each response: head, then a JSON body of the length its head says.
        answers = []
        rest = data
        while rest:
            head, sep, rest = rest.partition(b"\r\n\r\n")
            check(sep, "a complete response head: %r" % head[:200])
            length = int([l.split(b":", 1)[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0])
            answers.append(json.loads(rest[:length]))
            rest = rest[length:]
        check_eq([a["path"] for a in answers], ["/p0", "/p1", "/p2"], "responses in order")
        check_eq([a["body_length"] for a in answers], [len(b) for b in bodies], "body lengths at the upstream")
        check_eq(up.requests_for("/smuggled"), [], "a body is never read as a request")


if __name__ == "__main__":
    run_test(main)
