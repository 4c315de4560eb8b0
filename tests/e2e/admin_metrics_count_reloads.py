#!/usr/bin/env python3
"""SIGHUP: a reload that takes effect increments certgate_reloads_total{result="success"} and moves the last
success time; a refused one increments {result="failure"} and leaves the time alone."""
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.admin import admin_get, value, wait_admin
from harness.common import check, check_eq, fail, pki, run_test
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream


def scrape(port):
    status, _, text = admin_get(port, "/metrics")
    check_eq(status, 200, "/metrics")
    return text


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        port = free_port()
        cfg["admin"] = {"listen": "127.0.0.1:%d" % port}
        with Gateway(cfg) as gw:
            wait_admin(gw, port)
            before = scrape(port)
            check_eq(value(before, "certgate_reloads_total", result="success"), 0, "reloads before SIGHUP")
            started = value(before, "certgate_last_reload_success_timestamp_seconds")

            time.sleep(1.1)  # the timestamp has one-second resolution: let it be able to move
            gw.reload(cfg)
            after = scrape(port)
            check_eq(value(after, "certgate_reloads_total", result="success"), 1, "reloads after one SIGHUP")
            check_eq(value(after, "certgate_reloads_total", result="failure"), 0, "failed reloads")
            reloaded = value(after, "certgate_last_reload_success_timestamp_seconds")
            check(reloaded > started, "the last success time moves: %r -> %r" % (started, reloaded))

            with open(gw.config_path, "a") as f:
                f.write("\n[admin]\nlisten = 'nowhere'\n")
            gw.signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "reload refused" not in gw.stderr_text():
                if time.monotonic() > deadline:
                    fail("the broken configuration was not refused:\n" + gw.stderr_text())
                time.sleep(0.05)
            refused = scrape(port)
            check_eq(value(refused, "certgate_reloads_total", result="failure"), 1, "failed reloads")
            check_eq(value(refused, "certgate_reloads_total", result="success"), 1, "successful reloads")
            check_eq(value(refused, "certgate_last_reload_success_timestamp_seconds"), reloaded,
                     "a refused reload leaves the last success time")


if __name__ == "__main__":
    run_test(main)
