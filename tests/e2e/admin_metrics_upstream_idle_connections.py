#!/usr/bin/env python3
"""/metrics has the upstream pool size: certgate_upstream_idle_connections{upstream, server} counts the idle
keep-alive connections pooled for each server (one after a request to each of two servers; none for a server
that was never used), certgate_upstream_server_up says each server takes requests, and promtool accepts the
scrape."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, check_promtool, value, wait_admin
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as one, Upstream() as two, Upstream() as unused:
        cfg = base_config(p, one.url)
        cfg["server"]["workers"] = 1
        cfg["upstream"] = {"servers": [one.url, two.url]}
        cfg["upstreams"] = {"spare": {"servers": [unused.url]}}
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            for i in range(2):
                check_eq(request(gw, "/pooled-%d" % i).status, 200, "status")
            status, _, text = admin_get(port, "/metrics")
            check_eq(status, 200, "/metrics")
            for up in (one, two):
                server = "127.0.0.1:%d" % up.port
                check_eq(value(text, "certgate_upstream_idle_connections", upstream="default", server=server), 1,
                         "idle connections pooled for %s" % server)
                check_eq(value(text, "certgate_upstream_server_up", upstream="default", server=server), 1,
                         "%s is up" % server)
            spare = "127.0.0.1:%d" % unused.port
            check_eq(value(text, "certgate_upstream_idle_connections", upstream="spare", server=spare), 0,
                     "nothing pooled for an unused server")
            check_eq(value(text, "certgate_upstream_server_up", upstream="spare", server=spare), 1, "spare is up")

            check_promtool(text)


if __name__ == "__main__":
    run_test(main)
