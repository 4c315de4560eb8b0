#!/usr/bin/env python3
"""packaging/logrotate/certgate passes `logrotate -d`, and rotating a running certgate's access log with it
(its path and postrotate signal pointed at this test's process) moves earlier lines to access.log.1 and later
ones to a new access.log. Skipped when logrotate is not installed (Debian package logrotate)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, fail, pki, run_test, skip, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

SNIPPET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "logrotate", "certgate")


def paths_in(path):
    with open(path, "rb") as f:
        return [json.loads(l)["path"] for l in f.read().decode("utf-8").splitlines() if l.strip()]


def main():
    logrotate = shutil.which("logrotate") or ("/usr/sbin/logrotate" if os.path.exists("/usr/sbin/logrotate") else None)
    if not logrotate:
        skip("logrotate is not installed (Debian package logrotate)")
    with open(SNIPPET) as f:
        snippet = f.read()
    check("postrotate" in snippet and "USR1" in snippet, "the snippet's postrotate sends SIGUSR1")
    state = os.path.join(workdir(), "logrotate.state")
    d = subprocess.run([logrotate, "-d", "-s", state, SNIPPET], capture_output=True, text=True, timeout=30)
    check_eq(d.returncode, 0, "logrotate -d exit code (%s)" % (d.stdout + d.stderr)[-1500:])
    check("error" not in (d.stdout + d.stderr).lower(), "logrotate -d reports an error: %s" % (d.stdout + d.stderr))

    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        check_eq(request(gw, "/rot-before", cert="edge").status, 200, "status")
        gw.wait_log(lambda e: e.get("path") == "/rot-before")
        # The same stanza, for this test's file and process.
        conf_text = snippet.replace("/var/log/certgate/access.log", gw.access_log_path)
        conf_text = re.sub(r"systemctl kill [^\n]*", "kill -USR1 %d" % gw.proc.pid, conf_text)
        check(str(gw.proc.pid) in conf_text, "postrotate rewritten for the test")
        conf = os.path.join(workdir(), "logrotate.conf")
        with open(conf, "w") as f:
            f.write(conf_text)
        os.chmod(conf, 0o644)
        r = subprocess.run([logrotate, "-f", "-s", state, conf], capture_output=True, text=True, timeout=30)
        check_eq(r.returncode, 0, "logrotate -f exit code (%s)" % (r.stdout + r.stderr)[-1500:])
        rotated = gw.access_log_path + ".1"
        check(os.path.exists(rotated), "access.log.1 after rotation (delaycompress keeps it uncompressed)")
        deadline = time.monotonic() + 10
        while not os.path.exists(gw.access_log_path):
            if time.monotonic() > deadline:
                fail("certgate did not reopen access.log within 10 s of logrotate's postrotate")
            time.sleep(0.05)
        check_eq(request(gw, "/rot-after", cert="edge").status, 200, "status after rotation")
        gw.wait_log(lambda e: e.get("path") == "/rot-after")
        check_eq(paths_in(rotated), ["/rot-before"], "lines in access.log.1")
        check_eq(paths_in(gw.access_log_path), ["/rot-after"], "lines in the new access.log")


if __name__ == "__main__":
    run_test(main)
