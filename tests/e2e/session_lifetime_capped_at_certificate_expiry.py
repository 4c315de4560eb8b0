#!/usr/bin/env python3
"""A TLS session never outlives the client certificate it was made with: the ticket lifetime the gateway
announces (and the time it keeps the session) is capped at the certificate's notAfter, on the full handshake
and again on every ticket issued by a resumption. A long-lived certificate gets the normal lifetime (3600 s)."""
import datetime
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def seconds_left(cert_path):
    out = subprocess.run(["openssl", "x509", "-in", cert_path, "-noout", "-enddate"], capture_output=True,
                         text=True, check=True).stdout
    end = datetime.datetime.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    return (end.replace(tzinfo=datetime.timezone.utc) - datetime.datetime.now(datetime.timezone.utc)).total_seconds()


def lifetime_hints(s):
    return [int(v) for v in re.findall(r"TLS session ticket lifetime hint: (\d+)", s.stdout)]


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        # Control: a certificate valid for 30 days gets the configured session lifetime.
        normal = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"), key=p.key("edge"),
                          request=http_get("localhost", "/long"), extra=["-tls1_3"])
        check_eq(normal.status, 200, "edge certificate admitted", normal)
        check_eq(lifetime_hints(normal), [3600], "one ticket with the normal lifetime", normal)

        left = seconds_left(p.pem("shortlived"))
        check(60 < left < 3600, "the shortlived certificate should expire within the hour (%d s left)" % left)
        sess = os.path.join(workdir(), "shortlived-0.pem")
        first = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("shortlived"),
                         key=p.key("shortlived"), sess_out=sess, request=http_get("localhost", "/short"),
                         extra=["-tls1_3"])
        check_eq(first.status, 200, "shortlived certificate admitted", first)
        hints = lifetime_hints(first)
        check(len(hints) == 1 and 0 < hints[0] <= left + 2,
              "the ticket lifetime must end with the certificate (%d s left): %s" % (left, hints), first)

        for n in range(1, 3):
            # A resumption restarts the session's clock: without a new cap its ticket would outlive the
            # certificate by the time that passed since the previous ticket (made visible by the pause).
            time.sleep(3)
            nxt = os.path.join(workdir(), "shortlived-%d.pem" % n)
            left = seconds_left(p.pem("shortlived"))
            again = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), sess_in=sess, sess_out=nxt,
                             request=http_get("localhost", "/short-resumed-%d" % n), extra=["-tls1_3"])
            check(again.reused, "resumption #%d should reuse the session" % n, again)
            check_eq(again.status, 200, "resumed session admitted", again)
            hints = lifetime_hints(again)
            check(len(hints) == 1 and 0 < hints[0] <= left + 2,
                  "a ticket issued on resumption is capped too (%d s left): %s" % (left, hints), again)
            sess = nxt


if __name__ == "__main__":
    run_test(main)
