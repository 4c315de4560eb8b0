#!/usr/bin/env python3
"""balance = "least_conn": while one server holds a slow request, every other request goes to the idle one; once the
slow request is answered, both take requests again."""
import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as one, Upstream() as two:
        cfg = base_config(p, one.url)
        cfg["upstream"] = {"servers": [one.url, two.url], "balance": "least_conn"}
        with Gateway(cfg) as gw:
            slow = {}
            t = threading.Thread(target=lambda: slow.update(r=request(gw, "/slow/3")), daemon=True)
            t.start()
            busy = None
            deadline = time.monotonic() + 5
            while busy is None and time.monotonic() < deadline:
                busy = next((up for up in (one, two) if up.requests_for("/slow/3")), None)
                time.sleep(0.02)
            check(busy is not None, "the slow request reached a server")
            idle = two if busy is one else one
            for i in range(5):
                r = request(gw, "/quick-%d" % i)
                check_eq(r.status, 200, "status", r)
            check_eq(len([x for x in idle.requests if x["path"].startswith("/quick-")]), 5,
                     "every quick request at the idle server")
            check_eq([x["path"] for x in busy.requests if x["path"].startswith("/quick-")], [],
                     "no quick request at the busy server")
            check(t.is_alive(), "the quick requests were sent while the slow one was in flight")
            t.join(10)
            check_eq(slow["r"].status, 200, "the slow request", slow["r"])
            # Both idle again: ties are taken in turn.
            for i in range(4):
                request(gw, "/after-%d" % i)
            check_eq(len([x for x in busy.requests if x["path"].startswith("/after-")]), 2,
                     "the formerly busy server takes requests again")


if __name__ == "__main__":
    run_test(main)
