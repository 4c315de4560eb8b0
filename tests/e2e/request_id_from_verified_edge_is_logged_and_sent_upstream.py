#!/usr/bin/env python3
"""On a verified, admitted connection the edge's CF-Ray is the request id: it is in the access log (JSON and
text) and reaches the origin as X-Request-Id; [headers] request_id_from and request_id rename both ends."""
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

RAY = "8f1e2d3c4b5a6978-FRA"


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url), name="json") as gw:
            r = request(gw, "/ray", cert="edge", headers=["CF-Ray: " + RAY])
            check_eq(r.status, 200, "status", r)
            check_eq(r.upstream_header("X-Request-Id"), [RAY], "X-Request-Id at the origin", r)
            check_eq(gw.log_for_path("/ray")["request_id"], RAY, "request_id in the JSON log")

        cfg = base_config(p, up.url)
        cfg["server"]["log_format"] = "text"
        with Gateway(cfg, name="text") as gw:
            r = request(gw, "/ray-text", cert="edge", headers=["CF-Ray: " + RAY])
            check_eq(r.status, 200, "status", r)
            line = None
            for _ in range(100):
                line = next((l for l in gw.access_log_lines() if "/ray-text" in l), None)
                if line:
                    break
                __import__("time").sleep(0.05)
            check(line is not None, "a text log line for /ray-text")
            check(re.search(r" proto=h1 request_id=%s " % re.escape(RAY), line), "proto and request_id in the text line: %r" % line)

        cfg = base_config(p, up.url)
        cfg["headers"] = {"request_id_from": "X-Edge-Ray", "request_id": "X-Correlation-Id"}
        with Gateway(cfg, name="renamed") as gw:
            r = request(gw, "/renamed", cert="edge", headers=["X-Edge-Ray: edge.42", "CF-Ray: " + RAY])
            check_eq(r.status, 200, "status", r)
            check_eq(r.upstream_header("X-Correlation-Id"), ["edge.42"], "the renamed id header at the origin", r)
            check_eq(r.upstream_header("X-Request-Id"), [], "no X-Request-Id under its default name", r)
            check_eq(gw.log_for_path("/renamed")["request_id"], "edge.42", "request_id taken from request_id_from")

        cfg = base_config(p, up.url)
        cfg["headers"] = {"request_id_from": "", "request_id": ""}
        with Gateway(cfg, name="off") as gw:
            r = request(gw, "/off", cert="edge", headers=["CF-Ray: " + RAY, "X-Request-Id: forged"])
            check_eq(r.status, 200, "status", r)
            check_eq(r.upstream_header("X-Request-Id"), [], "request_id = \"\" sends none (and strips the client's)", r)
            rid = gw.log_for_path("/off")["request_id"]
            check(re.fullmatch(r"[0-9a-f]{32}", rid), "request_id_from = \"\" always generates: %r" % rid)


if __name__ == "__main__":
    run_test(main)
