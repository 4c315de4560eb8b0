#!/usr/bin/env python3
"""A chunked request body (Transfer-Encoding: chunked) of 8 MiB arrives at the upstream intact."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

SIZE = 8 * 1024 * 1024 + 12345


def main():
    p = pki()
    data = os.urandom(SIZE)
    path = os.path.join(workdir(), "upload.bin")
    with open(path, "wb") as f:
        f.write(data)
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/upload", cert="edge", data_file=path, headers=["Transfer-Encoding: chunked"])
        check_eq(r.status, 200, "status", r)
        echo = r.json()
        check_eq(echo["body_length"], SIZE, "body length at the upstream", r)
        check_eq(echo["body_sha256"], hashlib.sha256(data).hexdigest(), "body sha256 at the upstream", r)
        check_eq(r.upstream_header("X-Client-Identity"), ["edge-user"], "identity", r)


if __name__ == "__main__":
    run_test(main)
