#!/usr/bin/env python3
"""SETTINGS flood: thousands of SETTINGS frames on one connection exhaust the control-frame bucket
(h2_control_burst 100, h2_control_rate 10/s by default): GOAWAY ENHANCE_YOUR_CALM and the connection closes; the
gateway stays up and serves a good client."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import ENHANCE_YOUR_CALM, SETTINGS, check_serves_good_client, code_name, connect, frame
from harness.upstream import Upstream

N = 5000


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        c = connect(gw, timeout=5)
        one = frame(SETTINGS, 0, 0, b"")
        sent = 0
        while sent < N and not c.closed and c.goaway is None:
            if not c.send(one * 100):
                break
            sent += 100
            c.pump(0.02)  # read what came back: a GOAWAY ends the flood (sending on would reset the connection)
        c.wait_closed(10)
        check(c.goaway is not None, "GOAWAY after %d SETTINGS frames (%s)" % (sent, c.close_reason), c)
        check_eq(code_name(c.goaway_code), code_name(ENHANCE_YOUR_CALM), "GOAWAY error code", c)
        check(c.closed, "the gateway closes the connection after its GOAWAY", c)
        check_serves_good_client(gw, "/after-settings-flood")


if __name__ == "__main__":
    run_test(main)
