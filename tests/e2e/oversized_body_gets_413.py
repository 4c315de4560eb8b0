#!/usr/bin/env python3
"""A request body over max_body_bytes announced by Content-Length: 413, not proxied; one under it passes."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def write(name, size):
    path = os.path.join(workdir(), name)
    with open(path, "wb") as f:
        f.write(b"b" * size)
    return path


def main():
    p = pki()
    big = write("big.bin", 4096)
    small = write("small.bin", 1000)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"max_body_bytes": "1KiB"}
        with Gateway(cfg) as gw:
            r = request(gw, "/big-body", cert="edge", data_file=big)
            check_eq(r.status, 413, "status of a 4096-byte body over a 1 KiB limit", r)
            check(not up.requests_for("/big-body"), "must not reach the upstream", r)
            check_eq(gw.log_for_path("/big-body").get("status"), 413, "access log status", r)

            r = request(gw, "/small-body", cert="edge", data_file=small)
            check_eq(r.status, 200, "status of a 1000-byte body", r)
            check_eq(r.json()["body_length"], 1000, "body length at the upstream", r)


if __name__ == "__main__":
    run_test(main)
