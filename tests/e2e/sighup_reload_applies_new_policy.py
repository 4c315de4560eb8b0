#!/usr/bin/env python3
"""SIGHUP reloads the configuration file: new connections are judged by the new policy, a session made under the
old policy is not resumed (its session id context belongs to the old generation), and a broken file is refused
whole while the running policy stays in force."""
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config, to_toml
from harness.upstream import Upstream

DENY_EDGE = [{"name": "no-edge", "permission": "deny",
              "rules": [{"field": "subject", "subfield": "CN", "match": "edge.example.com"}]}]


def rewrite(gw, cfg):
    cfg = dict(cfg)
    server = dict(cfg.get("server", {}))
    server.update({"listen": [gw.address()], "access_log": gw.access_log_path, "log_format": "json"})
    cfg["server"] = server
    with open(gw.config_path, "w") as f:
        f.write(to_toml(cfg))


def wait_for_log(gw, text, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in gw.stderr_text():
            return True
        time.sleep(0.05)
    return False


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"] = {"workers": 1}
        with Gateway(cfg) as gw:
            sess = os.path.join(workdir(), "before-reload.pem")
            first = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"),
                             key=p.key("edge"), sess_out=sess, request=http_get("localhost", "/before"))
            check_eq(first.status, 200, "edge admitted before the reload", first)

            # A broken file: refused, the running policy stays.
            with open(gw.config_path, "a") as f:
                f.write("\n[server]\nlisten = 'not an address'\n")
            gw.signal(signal.SIGHUP)
            check(wait_for_log(gw, "reload refused"), "a broken configuration must be refused on SIGHUP")
            still = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"),
                             key=p.key("edge"), request=http_get("localhost", "/after-bad-reload"))
            check_eq(still.status, 200, "the old policy still admits edge after a refused reload", still)

            # A valid new policy that denies edge.
            new_cfg = base_config(p, up.url, mappings=DENY_EDGE)
            new_cfg["server"] = {"workers": 1}
            rewrite(gw, new_cfg)
            gw.signal(signal.SIGHUP)
            check(wait_for_log(gw, "configuration reloaded"), "the reload must be logged")
            denied = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"),
                              key=p.key("edge"), request=http_get("localhost", "/after-reload"))
            check_eq(denied.status, 403, "edge refused by the new deny mapping", denied)
            check_eq(gw.log_for_path("/after-reload").get("substatus"), 12, "403.12 after the reload", denied)

            # The old session must not carry the old decision across the reload.
            resumed = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), sess_in=sess,
                               request=http_get("localhost", "/old-session"))
            check(not resumed.reused, "a session from before the reload must not be resumed", resumed)
            check_eq(resumed.status, 403, "without a certificate the new connection is refused", resumed)
            check(not up.requests_for("/old-session"), "must not reach the upstream", resumed)


if __name__ == "__main__":
    run_test(main)
