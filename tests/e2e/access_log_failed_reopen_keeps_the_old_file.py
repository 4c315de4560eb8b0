#!/usr/bin/env python3
"""When SIGUSR1 cannot reopen the access log (here a directory stands where the file was), certgate says so on
its error log and keeps writing to the file it had open: no line is lost, it goes on serving."""
import json
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, fail, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def paths_in(path):
    with open(path, "rb") as f:
        return [json.loads(l)["path"] for l in f.read().decode("utf-8").splitlines() if l.strip()]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        check_eq(request(gw, "/first", cert="edge").status, 200, "status")
        gw.wait_log(lambda e: e.get("path") == "/first")
        rotated = gw.access_log_path + ".1"
        os.rename(gw.access_log_path, rotated)
        os.mkdir(gw.access_log_path)  # open(O_WRONLY) of a directory fails with EISDIR
        gw.signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while "cannot reopen" not in gw.stderr_text():
            if time.monotonic() > deadline:
                fail("no reopen error on the error log within 10 s: %r" % gw.stderr_text()[-500:])
            time.sleep(0.05)
        check_eq(request(gw, "/second", cert="edge").status, 200, "status after the failed reopen")
        deadline = time.monotonic() + 10
        while "/second" not in paths_in(rotated):
            if time.monotonic() > deadline:
                fail("the line after a failed reopen is not in the file open before: %r" % paths_in(rotated))
            time.sleep(0.05)
        check_eq(paths_in(rotated), ["/first", "/second"], "lines in the file open before")
        check(gw.alive(), "certgate still runs")
        os.rmdir(gw.access_log_path)


if __name__ == "__main__":
    run_test(main)
