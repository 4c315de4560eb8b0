#!/usr/bin/env python3
"""The access log is a FIFO that nobody reads: requests are still answered; lines that do not fit the queue
are dropped and counted; when reading resumes, the queued lines, an "event":"lines_dropped" line with the
count, and the later lines appear, and the server log says how many were dropped."""
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import common
from harness.client import exchange_on, request, tls_socket
from harness.common import check, check_eq, pki, run_test
from harness.fifo import StalledFifo
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

PAD = "p" * 60000      # ~60 KB per line: the 8 MiB queue is full after ~140 requests
MAX_REQUESTS = 1000     # bound: the queue must have been reported full well before
AFTER_FULL = 25         # requests answered while lines are being dropped


def stalled_path(i):
    return "/stalled/%d/%s" % (i, PAD)


def parse_lines(fifo):
    entries = []
    for line in fifo.lines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            common.fail("access log line is not JSON: %r" % line[:300])
    return entries


def main():
    p = pki()
    fifo = StalledFifo(os.path.join(common.subdir("fifo"), "access.fifo"))
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"] = {"log_format": "json", "access_log": fifo.path, "workers": 1}
        cfg["limits"] = {"max_header_bytes": "256KiB"}  # room for PAD in the request line
        with Gateway(cfg) as gw:
            r = request(gw, "/before")
            check_eq(r.status, 200, "status before the stall", r)
            fifo.read_until(lambda d: b'"/before"' in d, what="the line of the first request")

            # Nobody reads the FIFO from here on. Every request is still answered.
            sock = tls_socket(gw.port, cert="edge")
            sent = 0
            full_at = None
            while sent < MAX_REQUESTS and (full_at is None or sent < full_at + AFTER_FULL):
                req = ("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % stalled_path(sent)).encode()
                status, _, body = exchange_on(sock, req)
                check_eq(status, 200, "status of request %d while the log is stalled" % sent)
                sent += 1
                if full_at is None and sent % 5 == 0 and "access log: queue full" in gw.stderr_text():
                    full_at = sent
            sock.close()
            check(full_at is not None, "no 'queue full' warning after %d requests" % sent)

            # Reading resumes: every stalled request is there or counted by a marker.
            def accounted(data):  # cheap: it runs on every read; the lines are parsed as JSON below
                logged = data.count(b'"path":"/stalled/')
                dropped = sum(int(n) for n in re.findall(rb'"event":"lines_dropped","dropped":(\d+)', data))
                return logged + dropped >= sent
            fifo.widen()
            fifo.read_until(accounted, what="every stalled request, logged or counted")
            r = request(gw, "/after")
            check_eq(r.status, 200, "status after the stall", r)
            fifo.read_until(lambda d: b'"/after"' in d, what="the line of a request after the stall")

            entries = parse_lines(fifo)
            check_eq(entries[0].get("path"), "/before", "first line")
            check_eq(entries[-1].get("path"), "/after", "last line")
            # In order; each marker stands where the lines it counts are missing.
            expected, dropped = 0, 0
            for e in entries[1:-1]:
                if e.get("event") == "lines_dropped":
                    check(isinstance(e.get("dropped"), int) and e["dropped"] > 0 and "time" in e, "marker %r" % e)
                    expected += e["dropped"]
                    dropped += e["dropped"]
                    continue
                check_eq(e.get("path"), stalled_path(expected), "line after %d stalled requests" % expected)
                check_eq(e.get("status"), 200, "status logged")
                expected += 1
            check_eq(expected, sent, "stalled requests logged or counted as dropped")
            check(dropped > 0, "some lines must have been dropped")

            # The server log says so too (once writing resumed).
            deadline = time.monotonic() + 10
            reported = []
            while time.monotonic() < deadline:
                reported = [int(n) for n in re.findall(r"access log: (\d+) line\(s\) dropped", gw.stderr_text())]
                if sum(reported) >= dropped:
                    break
                time.sleep(0.05)
            check_eq(sum(reported), dropped, "dropped lines reported in the server log", gw.stderr_text()[-2000:])


if __name__ == "__main__":
    run_test(main)
