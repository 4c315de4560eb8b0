#!/usr/bin/env python3
"""The statuses certgate answers for the request itself (docs/decisions.md) are the same over HTTP/2 as over
HTTP/1.1, on the stream, with the connection serving on: 413 (content-length over max_body_bytes, and a body
without one that grows past it), 417 (an expectation other than 100-continue), 431 (a header list over
max_header_bytes), 501 (CONNECT), 408 (a body that stops for body_timeout), 502 (the upstream refuses the
connection), 504 (the upstream is slower than upstream_response_timeout). Each is logged with proto h2 and its
stream, and only the 504's request reached the origin."""
import os
import socket
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import connect
from harness.upstream import Upstream


def refused_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check_logged(gw, path, status):
    entry = gw.log_for_path(path)
    check(entry is not None, "a log line for %s" % path)
    check_eq(entry.get("status"), status, "access log status of %s" % path)
    check_eq(entry.get("proto"), "h2", "access log proto of %s" % path)
    check(isinstance(entry.get("stream"), int) and entry["stream"] % 2 == 1, "stream id of %s" % path)


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"max_body_bytes": "1KiB", "max_header_bytes": "4KiB", "body_timeout": "1s",
                         "upstream_response_timeout": "1s"}
        with Gateway(cfg) as gw:
            c = connect(gw, timeout=15)
            cases = []

            sid = c.request("POST", "/s413-declared", body=b"x" * 2000, content_length=True)
            cases.append(("/s413-declared", sid, 413))
            sid = c.request("POST", "/s413-streamed", end_stream=False)
            c.data(sid, b"y" * 3000, end_stream=True)
            cases.append(("/s413-streamed", sid, 413))
            sid = c.request("GET", "/s417", headers=[("expect", "something-else")])
            cases.append(("/s417", sid, 417))
            sid = c.request("GET", "/s431", headers=[("x-big", "v" * 5000)])
            cases.append(("/s431", sid, 431))
            sid = c.request("GET", "/s408-upload", end_stream=False)
            c.data(sid, b"part of a body", end_stream=False)  # and nothing more
            cases.append(("/s408-upload", sid, 408))
            sid = c.request("GET", "/slow/5")
            cases.append(("/slow/5", sid, 504))
            for path, sid, status in cases:
                r = c.response(sid, timeout=10)
                check_eq(r.status, status, "status of %s over h2" % path, r)
                check_logged(gw, path, status)
            # CONNECT has no :scheme or :path.
            sid = c.new_stream_id()
            c.headers(sid, [(":method", "CONNECT"), (":authority", "localhost:443")], end_stream=True)
            r = c.response(sid, timeout=10)
            check(r.status == 501 or r.reset is not None, "CONNECT is refused (501, or reset by the session): %s"
                  % r.describe(), r)
            # The connection still serves.
            sid = c.request("GET", "/after")
            r = c.response(sid, timeout=10)
            check_eq(r.status, 200, "a good request on the same connection afterwards", r)
            for path, _, status in cases:
                reached = bool(up.requests_for(path))
                check_eq(reached, status == 504, "whether %s reached the origin" % path)

    cfg = base_config(p, "http://127.0.0.1:%d" % refused_port())
    with Gateway(cfg, name="down") as gw:
        c = connect(gw)
        sid = c.request("GET", "/s502")
        r = c.response(sid, timeout=10)
        check_eq(r.status, 502, "status over h2 when the upstream refuses the connection", r)
        check_logged(gw, "/s502", 502)


if __name__ == "__main__":
    run_test(main)
