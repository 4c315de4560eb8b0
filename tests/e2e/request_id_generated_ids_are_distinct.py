#!/usr/bin/env python3
"""Requests without CF-Ray each get their own generated id (32 hex digits), on one keep-alive connection and
across connections and workers, logged and sent to the origin alike."""
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import exchange_on, tls_socket
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"]["workers"] = 2
        with Gateway(cfg) as gw:
            sent = {}
            for c in range(5):
                sock = tls_socket(gw.port, cert="edge")
                try:
                    for n in range(10):
                        path = "/gen-%d-%d" % (c, n)
                        status, _, body = exchange_on(sock, ("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode())
                        check_eq(status, 200, "status of %s" % path)
                        ids = [v for k, v in json.loads(body)["headers"] if k.lower() == "x-request-id"]
                        check_eq(len(ids), 1, "X-Request-Id values for %s" % path)
                        sent[path] = ids[0]
                finally:
                    sock.close()
            for path, rid in sent.items():
                check(re.fullmatch(r"[0-9a-f]{32}", rid), "%s: id %r" % (path, rid))
                check_eq(gw.log_for_path(path)["request_id"], rid, "logged id of %s" % path)
            check_eq(len(set(sent.values())), len(sent), "distinct ids")


if __name__ == "__main__":
    run_test(main)
