#!/usr/bin/env python3
"""100 requests sent at once on one HTTP/2 connection (all HEADERS written before any response is read): each is
answered 200 with its own echo, each reaches the origin once with the identity, each is logged with its stream."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import connect
from harness.upstream import Upstream, header_values

N = 100


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        c = connect(gw, timeout=20)
        check(c.wait(lambda: c.server_settings, 5), "the gateway's SETTINGS", c)
        check(c.server_settings.get(3, 1 << 31) >= N,
              "SETTINGS_MAX_CONCURRENT_STREAMS should allow %d streams: %r" % (N, c.server_settings), c)
        blob = b"".join(c.headers(c.new_stream_id(), [(":method", "GET"), (":scheme", "https"),
                                                    (":authority", "localhost"), (":path", "/c/%d" % i)],
                                  send=False) for i in range(N))
        c.send(blob)  # one write: the gateway has all 100 streams open at once
        ids = sorted(c.streams)
        check_eq(len(ids), N, "streams opened")
        for i, sid in enumerate(ids):
            r = c.response(sid, timeout=20)
            path = "/c/%d" % i
            check(r.done and r.reset is None, "stream %d (%s) should complete" % (sid, path), r)
            check_eq(r.status, 200, "status of %s" % path, r)
            check_eq(r.json().get("path"), path, "the echo on stream %d is its own request's" % sid, r)
            check_eq(r.upstream_header("X-Client-Identity"), ["edge-user"], "identity of %s at the origin" % path, r)
        check(not c.closed, "the connection stays open after 100 streams: %s" % c.close_reason, c)
        for i, sid in enumerate(ids):
            path = "/c/%d" % i
            seen = up.requests_for(path)
            check_eq(len(seen), 1, "requests for %s at the origin" % path)
            check_eq(header_values(seen[0]["headers"], "X-Client-Identity"), ["edge-user"],
                     "X-Client-Identity of %s at the origin" % path)
            entry = gw.log_for_path(path)
            check_eq((entry.get("proto"), entry.get("stream")), ("h2", sid), "access log proto/stream of %s" % path)


if __name__ == "__main__":
    run_test(main)
