#!/usr/bin/env python3
"""log_format = "text": a request over HTTP/2 is logged with ` proto=h2 stream=N` (its own stream id) just before
` request_id=`; a request over HTTP/1.1 on the same gateway with ` proto=h1` and no stream."""
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, fail, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import connect
from harness.upstream import Upstream


def line_for(gw, path, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in gw.access_log_lines():
            if ('"GET %s"' % path) in line:
                return line
        time.sleep(0.05)
    fail("no access log line for %s within %.0f s" % (path, timeout))


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"]["log_format"] = "text"
        with Gateway(cfg) as gw:
            c = connect(gw)
            ids = []
            for path in ("/text-one", "/text-two", "/text-three"):
                sid = c.request("GET", path)
                check_eq(c.response(sid).status, 200, "status of %s" % path, c.streams[sid])
                ids.append(sid)
            for path, sid in zip(("/text-one", "/text-two", "/text-three"), ids):
                line = line_for(gw, path)
                check(re.search(r" proto=h2 stream=%d request_id=" % sid, line) is not None,
                      "the text line of %s should carry ' proto=h2 stream=%d' before ' request_id=': %r"
                      % (path, sid, line))
            r = request(gw, "/text-h1")
            check_eq(r.status, 200, "HTTP/1.1 status", r)
            line = line_for(gw, "/text-h1")
            check(" proto=h1 request_id=" in line and " stream=" not in line,
                  "an HTTP/1.1 line has ' proto=h1' and no stream: %r" % line, r)


if __name__ == "__main__":
    run_test(main)
