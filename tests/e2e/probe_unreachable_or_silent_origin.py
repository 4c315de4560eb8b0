#!/usr/bin/env python3
"""certgate probe against a port nobody listens on (unreachable: a visitor would see 521) and against a server
that accepts connections but never answers (timed out within --timeout: 522): NOT ENFORCED (exit 1), because
nothing shows that the origin refuses anything; the reasons say what happened."""
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import free_port
from harness.origins import check_scenario, probe


def main():
    pki()
    closed = free_port()
    r = probe(["https://127.0.0.1:%d/" % closed])
    check_eq(r.code, 1, "exit code for an unreachable origin", r.run)
    for sid in ("no_certificate", "edge_certificate", "impostor"):
        s = check_scenario(r, sid, "unreachable", cloudflare="521 Web server is down")
        check("refused" in s["tcp"]["error"].lower(), "TCP error: %s" % s["tcp"]["error"], r.run)
    check(any("could not connect" in reason for reason in r.report["reasons"]), "reason", r.run)

    # Listening, never accepting: the kernel completes the TCP handshake, the TLS handshake never does.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        started = time.monotonic()
        r = probe(["https://127.0.0.1:%d/" % silent.getsockname()[1], "--timeout", "300ms"])
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    check_eq(r.code, 1, "exit code for a silent origin", r.run)
    check_eq(r.report["timeout_ms"], 300, "timeout", r.run)
    for sid in ("no_certificate", "edge_certificate", "impostor"):
        check_scenario(r, sid, "timed_out", "TLS handshake timed out", "522 Connection timed out")
    check(any("timed out" in reason and "--timeout" in reason for reason in r.report["reasons"]), "reason", r.run)
    check(elapsed < 10, "three 300 ms timeouts took %.1f s" % elapsed, r.run)


if __name__ == "__main__":
    run_test(main)
