#!/usr/bin/env python3
"""SIGTERM while the access log is a FIFO that nobody reads and lines are queued: certgate still exits 0
(it writes what it can for a bounded time, then gives up on the rest and says how many lines were lost),
and what did reach the FIFO is whole JSON lines."""
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import common
from harness.client import exchange_on, tls_socket
from harness.common import check, check_eq, pki, run_test
from harness.fifo import StalledFifo
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

REQUESTS = 100  # ~2 KB lines: far more than the FIFO's 4 KiB, so lines are still queued at SIGTERM


def main():
    p = pki()
    fifo = StalledFifo(os.path.join(common.subdir("fifo"), "access.fifo"))
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"] = {"log_format": "json", "access_log": fifo.path, "workers": 1}
        gw = Gateway(cfg)
        sock = tls_socket(gw.port, cert="edge")
        for i in range(REQUESTS):
            req = ("GET /queued/%d/%s HTTP/1.1\r\nHost: localhost\r\n\r\n" % (i, "q" * 1500)).encode()
            status, _, _ = exchange_on(sock, req)
            check_eq(status, 200, "status of request %d" % i)
        sock.close()

        # Nobody reads the FIFO; SIGTERM must still end the process (the harness allows 15 s).
        gw.stop(expect=0)
        err = gw.stderr_text()
        m = re.search(r"access log: (\d+) queued line\(s\) not written at shutdown", err)
        check(m is not None, "the lines lost at shutdown are reported", err[-2000:])
        lost = int(m.group(1))
        check(lost > 0, "lines not written at shutdown: %d" % lost)

        # What reached the FIFO: complete lines, in order (a line cut at the deadline has no newline).
        fifo.read_now()
        lines = fifo.lines()
        for i, line in enumerate(lines):
            try:
                entry = json.loads(line)
            except ValueError:
                common.fail("line %d in the FIFO is not JSON: %r" % (i, line[:200]))
            check(str(entry.get("path", "")).startswith("/queued/%d/" % i), "line %d: %r" % (i, entry.get("path", "")[:40]))
        check(lines, "the lines that fit the FIFO were written")
        check_eq(len(lines) + lost, REQUESTS, "lines in the FIFO + lines reported lost")


if __name__ == "__main__":
    run_test(main)
