#!/usr/bin/env python3
"""An upstream that refuses connections: the admitted request is answered 502, and /metrics counts it in
certgate_upstream_errors_total{kind="refused"} and certgate_requests_total{status="502"}."""
import os
import socket
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, value, wait_admin
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port


def main():
    p = pki()
    # A port that was just free and that nothing listens on: connecting to it is refused.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    upstream_port = closed.getsockname()[1]
    try:
        cfg = base_config(p, "http://127.0.0.1:%d" % upstream_port)
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            r = request(gw, "/nowhere")
            check_eq(r.status, 502, "an upstream that refuses: 502", r)
            status, _, text = admin_get(port, "/metrics")
            check_eq(status, 200, "/metrics")
            check_eq(value(text, "certgate_upstream_errors_total", kind="refused"), 1, "refused upstream connections")
            check_eq(value(text, "certgate_requests_total", status=502, substatus=0, host_block="default"), 1,
                     "502 answers")
            check_eq(value(text, "certgate_upstream_response_seconds_count"), 0, "no upstream response timed")
    finally:
        closed.close()


if __name__ == "__main__":
    run_test(main)
