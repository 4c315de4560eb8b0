#!/usr/bin/env python3
"""CONTINUATION flood: a header block that never ends (HEADERS without END_HEADERS, then CONTINUATION frames
without END_HEADERS, each with a small field or empty) is cut off after h2_max_continuations (8 by default):
the connection is closed with GOAWAY, nothing reaches the origin, and the gateway serves a good client."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import CONTINUATION, check_serves_good_client, connect, frame
from harness.upstream import Upstream

N = 2000


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        for kind in ("fields", "empty"):
            path = "/continuation-flood-" + kind
            c = connect(gw, timeout=5)
            sid = c.new_stream_id()
            c.headers(sid, [(":method", "GET"), (":scheme", "https"), (":authority", "localhost"), (":path", path)],
                      end_headers=False)
            sent = 0
            while sent < N and not c.closed and c.goaway is None:
                batch = b""
                for i in range(sent, sent + 4):
                    piece = c.header_block([("x-flood-%d" % i, "v" * 40)]) if kind == "fields" else b""
                    batch += frame(CONTINUATION, 0, sid, piece)
                if not c.send(batch):
                    break
                sent += 4
                c.pump(0.02)  # read what came back: a GOAWAY ends the flood (sending on would reset the connection)
            c.wait_closed(10)
            check(c.goaway is not None, "GOAWAY for a CONTINUATION flood (%s, %d frames sent)" % (kind, sent), c)
            check(c.closed, "the connection is closed after a CONTINUATION flood (%s)" % kind, c)
            check(not up.requests_for(path), "a header block that never ended must not reach the origin", c)
            check_serves_good_client(gw, "/after-" + kind)


if __name__ == "__main__":
    run_test(main)
