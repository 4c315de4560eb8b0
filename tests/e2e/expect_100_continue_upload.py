#!/usr/bin/env python3
"""An upload with Expect: 100-continue gets its 100 promptly and arrives intact; a refused client gets the
refusal without having to send the body."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

SIZE = 2 * 1024 * 1024 + 3


def main():
    p = pki()
    data = os.urandom(SIZE)
    path = os.path.join(workdir(), "upload.bin")
    with open(path, "wb") as f:
        f.write(data)
    # curl waits this long for the 100 before sending the body anyway: a gateway that never sends it shows
    # up as a slow request.
    wait = ["--expect100-timeout", "10"]
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        r = request(gw, "/upload-expect", cert="edge", data_file=path, headers=["Expect: 100-continue"],
                    extra=wait)
        check_eq(r.status, 200, "status", r)
        check(any(status == 100 for status, _ in r.blocks), "a 100 Continue should precede the response", r)
        check(r.elapsed < 5, "the 100 should come promptly (took %.1f s)" % r.elapsed, r)
        echo = r.json()
        check_eq(echo["body_length"], SIZE, "body length at the upstream", r)
        check_eq(echo["body_sha256"], hashlib.sha256(data).hexdigest(), "body sha256 at the upstream", r)

        r = request(gw, "/upload-expect-rogue", cert="rogue", data_file=path, headers=["Expect: 100-continue"],
                    extra=wait)
        check_eq(r.status, 403, "status of a refused client", r)
        check(r.elapsed < 5, "the refusal should come without waiting (took %.1f s)" % r.elapsed, r)
        check(not up.requests_for("/upload-expect-rogue"), "must not reach the upstream", r)


if __name__ == "__main__":
    run_test(main)
