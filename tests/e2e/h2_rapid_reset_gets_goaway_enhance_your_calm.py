#!/usr/bin/env python3
"""Rapid reset (CVE-2023-44487): a client that opens streams and cancels each at once (HEADERS then RST_STREAM,
1000 times, as fast as it can) exhausts the reset bucket (h2_reset_burst 200, h2_reset_rate 50/s by default) and
the connection is closed with GOAWAY ENHANCE_YOUR_CALM; the gateway stays up and serves a good client."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import CANCEL, ENHANCE_YOUR_CALM, RST_STREAM, code_name, check_serves_good_client, connect, frame
from harness.upstream import Upstream

N = 1000


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        c = connect(gw, timeout=5)
        sent = 0
        while sent < N and not c.closed and c.goaway is None:
            batch = b""
            for _ in range(50):
                sid = c.new_stream_id()
                batch += c.headers(sid, [(":method", "GET"), (":scheme", "https"), (":authority", "localhost"),
                                         (":path", "/reset/%d" % sid)], send=False)
                batch += frame(RST_STREAM, 0, sid, CANCEL.to_bytes(4, "big"))
            if not c.send(batch):
                break
            sent += 50
            c.pump(0.02)  # read what came back: a GOAWAY ends the flood (sending on would reset the connection)
        c.wait_closed(10)
        check(c.goaway is not None, "GOAWAY after %d opened-and-reset streams (%s)" % (sent, c.close_reason), c)
        check_eq(code_name(c.goaway_code), code_name(ENHANCE_YOUR_CALM), "GOAWAY error code", c)
        check(c.closed, "the gateway closes the connection after its GOAWAY", c)
        check_serves_good_client(gw, "/after-rapid-reset")


if __name__ == "__main__":
    run_test(main)
