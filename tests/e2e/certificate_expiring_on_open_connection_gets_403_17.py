#!/usr/bin/env python3
"""A decision does not outlive the certificate it was taken for: a client certificate valid for a few seconds
(made now with the openssl CLI) is admitted on a kept-alive connection, and once its notAfter has passed, the
next request on the same TLS connection gets 403.17 and is not proxied."""
import datetime
import os
import shutil
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import make_pki
from harness.common import Pki, check, check_eq, fail, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection, check_one_connection
from harness.upstream import Upstream


def short_lived(directory, seconds):
    """A client certificate like edge's, issued by the CA of `directory`, valid until `seconds` from now.
    Returns its notAfter (a POSIX time)."""
    local = make_pki.Pki(directory)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    not_after = now + datetime.timedelta(seconds=seconds)
    local.issue("brief", make_pki.EDGE, "brief_ca", start=make_pki.openssl_time(now - datetime.timedelta(hours=1)),
                end=make_pki.openssl_time(not_after))
    return not_after.timestamp()


def main():
    p = pki()
    directory = subdir("brief-pki")
    make_pki.Pki(directory).root("brief_ca", "/O=Example/CN=certgate e2e brief CA")
    # The client checks the gateway's certificate against the test CA: the same file under this directory.
    shutil.copy(p.pem("ca"), os.path.join(directory, "ca.pem"))
    local = Pki(directory)

    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["client_ca"] = [local.pem("brief_ca")]
        with Gateway(cfg) as gw:
            # A slow machine may take longer than the validity to get the first request through: then try again
            # with a longer one.
            for attempt, seconds in enumerate((4, 8, 16)):
                not_after = short_lived(directory, seconds)
                conn = HttpConnection(gw.port, cert="brief", pki=local)
                first = "/while-valid-%d" % attempt
                r = conn.request("GET", first)
                if r.status == 200:
                    break
                conn.close()
            else:
                fail("the certificate was never admitted while it was valid (last answer %d)" % r.status, r)

            # Bounded wait until notAfter has passed (the certificate is valid through its notAfter second).
            deadline = not_after + 30
            while time.time() <= not_after + 1:
                check(time.time() < deadline, "the clock did not pass notAfter")
                time.sleep(0.2)

            r = conn.request("GET", "/after-expiry")
            check_eq(r.status, 403, "the same connection after notAfter", r)
            check(r.text.startswith("403.17 "), "body should start with '403.17 '", r)
            check(not up.requests_for("/after-expiry"), "a refused request must not reach the upstream", r)
            check_eq(conn.wait_closed(), "closed", "how the connection ended after the refusal")
            _, after = check_one_connection(gw, conn, [first, "/after-expiry"])
            check_eq((after.get("status"), after.get("substatus")), (403, 17), "status logged after expiry")
            conn.close()


if __name__ == "__main__":
    run_test(main)
