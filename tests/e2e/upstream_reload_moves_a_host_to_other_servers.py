#!/usr/bin/env python3
"""A reload that gives a named upstream other servers moves its host block's requests to them at once (idle
connections pooled under the old configuration are not reused), while the default block stays on [upstream];
a reload naming an unknown upstream is refused and the running configuration kept."""
import copy
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as a_up, Upstream() as old, Upstream() as new:
        cfg = two_host_config(p, a_up.url)
        cfg["server"]["workers"] = 1
        cfg["upstreams"] = {"bsite": {"servers": [old.url]}}
        cfg["host"][0]["upstream"] = "bsite"
        with Gateway(cfg) as gw:
            check_eq(request(gw, "/before", cert="bclient", name="b.test").status, 200, "before the reload")
            check_eq(len(old.requests_for("/before")), 1, "b.test at its first server")
            moved = copy.deepcopy(cfg)
            moved["upstreams"]["bsite"]["servers"] = [new.url]
            gw.reload(moved)
            check_eq(request(gw, "/after", cert="bclient", name="b.test").status, 200, "after the reload")
            check_eq(len(new.requests_for("/after")), 1, "b.test at the new server")
            check_eq(old.requests_for("/after"), [], "nothing at the old server")
            check_eq(request(gw, "/a-after", cert="edge", name="a.test").status, 200, "a.test after the reload")
            check_eq(len(a_up.requests_for("/a-after")), 1, "a.test still at [upstream]")

            bad = copy.deepcopy(moved)
            bad["host"][0]["upstream"] = "nosuch"
            gw.rewrite_config(bad)
            gw.signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "reload refused" not in gw.stderr_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            check("unknown upstream 'nosuch'" in gw.stderr_text(), "the refused reload names the upstream")
            check_eq(request(gw, "/kept", cert="bclient", name="b.test").status, 200, "the running configuration")
            check_eq(len(new.requests_for("/kept")), 1, "still at the new server")


if __name__ == "__main__":
    run_test(main)
