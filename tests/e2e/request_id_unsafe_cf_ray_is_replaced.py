#!/usr/bin/env python3
"""A CF-Ray that is not a short token of [A-Za-z0-9-_.:] (a space, a tab, a quote, a CR or LF inside, non-ASCII,
over 128 bytes) is not used: the request gets a generated id, and the raw value reaches neither the log nor
the origin as X-Request-Id."""
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import exchange_on, tls_socket
from harness.common import check, check_eq, fail, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

GENERATED = re.compile(r"[0-9a-f]{32}")
VALUES = [
    b"abc def",
    b"abc\tdef",
    b"abc\"def",
    b"abc\rX-Injected: 1",
    b"abc\r\n X-Injected: folded",
    b"caf\xc3\xa9",
    b"x" * 129,
    b"a/b",
]


def nth_entry(gw, n, value):
    deadline = time.monotonic() + 10
    while True:
        entries = gw.log_entries()
        if len(entries) > n:
            return entries[n]
        if time.monotonic() > deadline:
            fail("value %r: no access log line within 10 s" % value)
        time.sleep(0.05)


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        seen = []
        for i, value in enumerate(VALUES):
            path = "/unsafe-%d" % i
            sock = tls_socket(gw.port, cert="edge")
            try:
                req = (b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\nCF-Ray: " + value +
                       b"\r\nConnection: close\r\n\r\n")
                status, _, body = exchange_on(sock, req)
            finally:
                sock.close()
            check(status in (200, 400), "value %r: status %d" % (value, status))
            # A head that does not parse (400) is logged without its path: the line is the next one.
            entry = nth_entry(gw, len(seen), value)
            seen.append(entry)
            check_eq(entry["status"], status, "value %r: logged status" % value)
            rid = entry["request_id"]
            check(GENERATED.fullmatch(rid), "value %r: logged id %r is not a generated one" % (value, rid))
            if status == 200:
                headers = json.loads(body)["headers"]
                ids = [v for k, v in headers if k.lower() == "x-request-id"]
                check_eq(ids, [rid], "value %r: X-Request-Id at the origin" % value)
                check(not any(k.lower() == "x-injected" for k, _ in headers), "value %r: injected a header" % value)
        # The raw values are in no log line (the JSON log escapes what it writes; none may appear at all).
        text = "\n".join(gw.access_log_lines())
        for value in VALUES:
            v = value.decode("latin-1")
            check(v not in text, "raw value %r is in the access log" % v)


if __name__ == "__main__":
    run_test(main)
