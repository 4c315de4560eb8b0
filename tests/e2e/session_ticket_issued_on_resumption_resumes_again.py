#!/usr/bin/env python3
"""With [tls] session_ticket_keys, every resumption hands the client a fresh ticket that resumes in its turn, in
TLS 1.3 as in TLS 1.2. TLS 1.3 clients use a ticket once (RFC 8446 C.4; OpenSSL's client, browsers, CDN edges):
without a new ticket on each resumed connection, every other connection would be a full handshake. The load
generator keeps only the newest ticket of each connection, as such a client does."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.loadgen import check_clean, loadgen
from harness.upstream import Upstream


def main():
    p = pki()
    key = os.path.join(subdir("ticket-keys"), "ticket.key")
    with open(key, "wb") as f:
        f.write(os.urandom(80))
    os.chmod(key, 0o600)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"]["workers"] = 1
        cfg["tls"]["session_ticket_keys"] = [key]
        with Gateway(cfg) as gw:
            for version in ([], ["--tls12"]):
                what = "TLS 1.2" if version else "TLS 1.3"
                run = loadgen(gw, "resume", "--connections", "1", "--duration", "1", "--path", "/chain", *version)
                check_clean(run, what)
                r = run.report
                check_eq(r["resume_misses"], 0, "%s: resumptions refused" % what, run)
                check_eq(r["handshakes_full"], 1, "%s: full handshakes (the first connection only)" % what, run)


if __name__ == "__main__":
    run_test(main)
