#!/usr/bin/env python3
"""A client that advertises an initial stream window of 0 (SETTINGS_INITIAL_WINDOW_SIZE), asks for a large
response and never opens the window: the stream is reset after body_timeout (1 s here), while the gateway, and the
same connection for a stream whose window the client does open, keep serving."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import ENABLE_PUSH, INITIAL_WINDOW_SIZE, check_serves_good_client, connect
from harness.upstream import Upstream

SIZE = 4 * 1024 * 1024


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"body_timeout": "1s"}
        with Gateway(cfg) as gw:
            c = connect(gw, timeout=5, settings={INITIAL_WINDOW_SIZE: 0, ENABLE_PUSH: 0}, auto_window=False)
            stalled = c.request("GET", "/bytes/%d" % SIZE, keep_body=False)
            check(up.wait_for("/bytes/%d" % SIZE) is not None, "the stalled request reaches the origin", c)

            # While the stream is stalled: another connection is served, and so is another stream of this
            # connection once the client gives that stream a window.
            check_serves_good_client(gw, "/during-stall")
            other = c.request("GET", "/same-connection")
            c.window_update(other, 1 << 20)
            r = c.response(other)
            check_eq(r.status, 200, "a stream with an open window on the stalled connection", r)
            check(r.ended, "that stream's response ends", r)

            s = c.response(stalled, timeout=10)
            check(s.reset is not None, "the stalled stream should be reset after body_timeout", s)
            check_eq(s.body_length, 0, "no DATA without window", s)
            check(not c.closed and c.goaway is None,
                  "the connection stays open after the stalled stream's reset: %s" % c.close_reason, c)
            after = c.request("GET", "/after-stall")
            c.window_update(after, 1 << 20)
            r = c.response(after)
            check_eq(r.status, 200, "the same connection after the reset", r)
            gw.log_for_path("/bytes/%d" % SIZE)
            check_serves_good_client(gw, "/after-stall-new-connection")


if __name__ == "__main__":
    run_test(main)
