#!/usr/bin/env python3
"""A 50 MB response streams through the gateway intact (size and sha256)."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream, pattern_sha256

SIZE = 50 * 1000 * 1000 + 7


def main():
    p = pki()
    out = os.path.join(workdir(), "download.bin")
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/bytes/%d" % SIZE, cert="edge", output=out, timeout=60)
        check_eq(r.exit_code, 0, "curl exit code", r)
        check_eq(r.status, 200, "status", r)
        check_eq(os.path.getsize(out), SIZE, "downloaded size", r)
        h = hashlib.sha256()
        with open(out, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        check_eq(h.hexdigest(), pattern_sha256(SIZE), "downloaded sha256", r)
        entry = gw.log_for_path("/bytes/%d" % SIZE)
        check(int(entry.get("bytes_sent") or 0) >= SIZE, "access log bytes_sent >= %d: %r" % (SIZE, entry), r)


if __name__ == "__main__":
    run_test(main)
