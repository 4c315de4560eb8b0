#!/usr/bin/env python3
"""A 50 MiB response streams through the gateway to an HTTP/2 client intact (size and sha256), the client giving
the window back as it reads (flow control both ways), with the connection still usable afterwards."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import connect
from harness.upstream import Upstream, pattern_sha256

SIZE = 50 * 1024 * 1024 + 7


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        # The default 64 KiB windows of HTTP/2 (no larger SETTINGS, no connection WINDOW_UPDATE up front):
        # the download only completes if the gateway honours the windows the client opens as it reads.
        c = connect(gw, timeout=60, settings={}, connection_window=0)
        path = "/bytes/%d" % SIZE
        sid = c.request("GET", path, keep_body=False)
        r = c.streams[sid]
        deadline = time.monotonic() + 60
        while not r.done and not c.closed and time.monotonic() < deadline:
            before = r.body_length
            c.wait(lambda: r.done or r.body_length > before, timeout=5)
            check(r.done or r.body_length > before, "the download stalled at %d of %d bytes (no DATA for 5 s, the "
                  "client giving every byte back with WINDOW_UPDATE)" % (r.body_length, SIZE), c)
        check(r.ended and r.reset is None, "the download should end normally", r)
        check_eq(r.status, 200, "status", r)
        check_eq(r.header("content-length"), str(SIZE), "content-length", r)
        check_eq(r.body_length, SIZE, "downloaded size", r)
        check_eq(r.body_sha256, pattern_sha256(SIZE), "downloaded sha256", r)
        check(all(l <= 16384 for t, _, s, l in c.frames_in if s == sid and t == 0),
              "DATA frames no larger than the default SETTINGS_MAX_FRAME_SIZE", c)
        entry = gw.log_for_path(path)
        check(int(entry.get("bytes_sent") or 0) >= SIZE, "access log bytes_sent >= %d: %r" % (SIZE, entry), r)
        r2 = c.response(c.request("GET", "/after"))
        check_eq(r2.status, 200, "a request after the download on the same connection", r2)


if __name__ == "__main__":
    run_test(main)
