#!/usr/bin/env python3
"""A chain is served from the verified-chain cache only while its certificates are valid: a client certificate
valid for a few seconds (made now with the openssl CLI) is admitted by two full handshakes (the second one from
the cache), and once its notAfter has passed the next full handshake gets 403.17 from its own verification: the
server does not log it as a connection admitted and then refused when its decision expired, as it does for the
second connection, kept open across notAfter (the control). Resumption is off ([limits] session_cache = 0), so every
handshake is a full one."""
import datetime
import os
import shutil
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import make_pki
from harness.checks import check_rejected
from harness.client import request
from harness.common import Pki, check, check_eq, fail, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
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


# What the server log (debug) says of a connection admitted before its decision expired and refused after.
DECIDED_AGAIN = "connection decided again (expiry): admitted -> refused"


def main():
    p = pki()
    directory = subdir("brief-pki")
    make_pki.Pki(directory).root("brief_ca", "/O=Example/CN=certgate e2e brief CA")
    # The client checks the gateway's certificate against the test CA: the same file under this directory.
    shutil.copy(p.pem("ca"), os.path.join(directory, "ca.pem"))
    local = Pki(directory)

    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"]["log_level"] = "debug"  # logs each connection decided again because its decision expired
        cfg["tls"]["client_ca"] = [local.pem("brief_ca")]
        cfg["limits"] = {"session_cache": 0}
        with Gateway(cfg) as gw:
            # A slow machine may take longer than the validity to get both handshakes through: then try again with
            # a longer one (a new certificate, so a new chain). The second connection stays open.
            for attempt, seconds in enumerate((5, 10, 20)):
                not_after = short_lived(directory, seconds)
                first = "/while-valid-%d" % attempt
                r = request(gw, first, cert="brief", pki=local)
                if r.status != 200:
                    continue
                conn = HttpConnection(gw.port, cert="brief", pki=local)
                second = "/while-valid-kept-alive-%d" % attempt
                r = conn.request("GET", second)
                if r.status == 200:
                    break
                conn.close()
            else:
                fail("the certificate was never admitted twice while it was valid (last answer %d)" % r.status, r)
            entries = [gw.log_for_path(first), gw.log_for_path(second)]
            check_eq([(e.get("resumed"), e.get("chain_cached")) for e in entries], [(False, False), (False, True)],
                     "two full handshakes while valid, the second from the cache: (resumed, chain_cached)")

            # Bounded wait until notAfter has passed (the certificate is valid through its notAfter second).
            deadline = not_after + 30
            while time.time() <= not_after + 1:
                check(time.time() < deadline, "the clock did not pass notAfter")
                time.sleep(0.2)

            entry = check_rejected(gw, up, request(gw, "/after-expiry", cert="brief", pki=local), "/after-expiry", 403, 17)
            check_eq((entry.get("resumed"), entry.get("chain_cached")), (False, False),
                     "after notAfter: verified again, (resumed, chain_cached)")

            # The control: the connection admitted before notAfter is decided again on its next request, and the
            # server logs it as admitted, then refused. The new handshake above must not be one: its own
            # verification refused it.
            r = conn.request("GET", "/after-expiry-kept-alive")
            check_eq(r.status, 403, "the kept-alive connection after notAfter", r)
            check(r.text.startswith("403.17 "), "body should start with '403.17 '", r)
            conn.close()
            give_up = time.monotonic() + 10
            while DECIDED_AGAIN not in gw.stderr_text():
                check(time.monotonic() < give_up, "the kept-alive connection was not logged as admitted, then refused")
                time.sleep(0.05)
            check_eq(gw.stderr_text().count(DECIDED_AGAIN), 1,
                     "connections admitted, then refused at expiry (only the kept-alive one; a new handshake after "
                     "notAfter is refused by its own verification, not admitted from the cache and corrected later)")


if __name__ == "__main__":
    run_test(main)
