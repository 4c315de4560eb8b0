#!/usr/bin/env python3
"""Standard error is a FIFO that nobody reads while the server logs a line per connection (log_level debug):
connections are still served and requests answered; server log lines that do not fit are dropped and
counted; when reading resumes, a warning says how many, and later lines (a SIGHUP reload) appear whole."""
import os
import re
import signal
import socket
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import common
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.fifo import StalledFifo
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

JUNK = 3000  # connections that fail the handshake: ~95 bytes of debug line each, ~280 KB in all
LINE = re.compile(rb"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} (trace|debug|info|warning|error|critical) ")
MARKER = re.compile(rb" warning server log: (\d+) line\(s\) dropped")


def junk_connection(port):
    """Plain HTTP on the TLS port: the gateway fails the handshake, logs it (debug) and closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        try:
            while s.recv(4096):
                pass
        except socket.timeout:
            return False
    return True


def main():
    p = pki()
    fifo = StalledFifo(os.path.join(common.subdir("fifo"), "stderr.fifo"))
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"] = {"log_format": "json", "log_level": "debug", "workers": 1}
        with Gateway(cfg, stderr_path=fifo.path) as gw:
            fifo.read_until(lambda d: b"listening on" in d, what="the startup lines")

            # Nobody reads standard error from here on: the FIFO fills, then the queue.
            for i in range(JUNK):
                check(junk_connection(gw.port), "junk connection %d was not closed by the gateway" % i)
            for i in range(10):
                r = request(gw, "/while-stderr-stalls/%d" % i)
                check_eq(r.status, 200, "status while standard error stalls", r)

            # Reading resumes: the drop warning, then a later line.
            fifo.read_until(lambda d: MARKER.search(d), what="the server log's drop warning")
            gw.signal(signal.SIGHUP)
            fifo.read_until(lambda d: b"configuration reloaded (generation 2)" in d, what="the reload line")

            lines = fifo.lines()
            for line in lines:
                check(LINE.match(line), "not a whole server log line: %r" % line[:200])
            dropped = sum(int(m.group(1)) for m in MARKER.finditer(fifo.data))
            logged = sum(1 for line in lines if b"TLS handshake failed" in line)
            check(dropped > 0, "lines must have been dropped")
            check(logged < JUNK, "%d of %d handshake failures logged with nobody reading" % (logged, JUNK))
            check(logged + dropped >= JUNK, "%d logged + %d dropped < %d junk connections" % (logged, dropped, JUNK))
            last_marker = max(i for i, line in enumerate(lines) if MARKER.search(line))
            reload_at = next(i for i, line in enumerate(lines) if b"configuration reloaded" in line)
            check(last_marker < reload_at, "the drop warning comes before the later lines")


if __name__ == "__main__":
    run_test(main)
