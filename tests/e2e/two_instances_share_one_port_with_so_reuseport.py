#!/usr/bin/env python3
"""Several instances on one host can listen on one address and port (SO_REUSEPORT), as docs/deploy.md describes
for certgate@.service: a second instance starts on the first one's port, the kernel gives new connections to
both (each access log gets requests), and with a shared session ticket key a session resumes whichever instance
the connection reaches."""
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, fail, pki, run_test, workdir
from harness.gateway import Gateway
from harness.tickets import new_key_file, ticket_config
from harness.upstream import Upstream

CONNECTIONS = 60  # P(all on one of two instances) = 2 * 2**-60, were the kernel's choice random


def main():
    p = pki()
    key = new_key_file("ticket.key")
    with Upstream() as up:
        cfg = ticket_config(p, up.url, [key])
        with Gateway(cfg, name="a") as a:
            b = Gateway(cfg, name="b", start=False)
            b.port = a.port
            b._render()
            b.start()  # the port already answers (A): the requests below show that B serves too
            with b:
                sess = os.path.join(workdir(), "first.sess")
                first = s_client(a.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"),
                                 key=p.key("edge"), sess_out=sess, request=http_get("localhost", "/first"))
                check_eq(first.status, 200, "the first connection is admitted", first)
                for n in range(CONNECTIONS):
                    r = s_client(a.port, servername="localhost", cacert=p.pem("ca"), sess_in=sess,
                                 request=http_get("localhost", "/resumed/%d" % n))
                    check(r.reused, "connection %d resumes the session, whichever instance serves it" % n, r)
                    check_eq(r.status, 200, "connection %d is admitted" % n, r)
                check(a.alive() and b.alive(), "both instances still run")
                deadline = time.monotonic() + 5  # the access logs are written behind the responses
                while True:
                    served = {name: [e for e in gw.log_entries() if e.get("path", "").startswith("/resumed/")]
                              for name, gw in (("A", a), ("B", b))}
                    if len(served["A"]) + len(served["B"]) >= CONNECTIONS or time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                if not served["A"] or not served["B"]:
                    fail("both instances should have served some of %d connections: A %d, B %d"
                         % (CONNECTIONS, len(served["A"]), len(served["B"])), b)
                check_eq(len(served["A"]) + len(served["B"]), CONNECTIONS, "every connection is logged once")


if __name__ == "__main__":
    run_test(main)
