#!/usr/bin/env python3
"""An origin that answers 101 Switching Protocols to a request certgate did not forward as an upgrade (an h2c
offer, which is not in [upstream] upgrade, or no offer at all) gets the client a 502: never the 101, never a
tunnel, none of the bytes the origin sends after it."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin

H2C = ["Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"]
# What an h2c server sends after its 101: the connection preface (an empty SETTINGS frame) and a marker.
AFTER_101 = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00" + b"TUNNELLED-BYTES"


def switch_anyway(ex):
    ex.send(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" + AFTER_101)
    return False


def main():
    p = pki()
    with ScriptedOrigin(switch_anyway) as origin, Gateway(base_config(p, origin.url)) as gw:
        for path, headers in (("/h2c-offer", H2C), ("/no-offer", [])):
            with HttpConnection(gw.port, cert="edge") as conn:
                r = conn.request("GET", path, headers=headers)
                check_eq(r.status, 502, "an unasked-for 101 from the origin (%s)" % path, r)
                check("switched" in r.text, "the reason should say that the origin switched protocols", r)
                check_eq(conn.wait_closed(), "closed", "the connection after the 502")
                check(b"TUNNELLED-BYTES" not in conn.buf and b"TUNNELLED-BYTES" not in r.raw,
                      "bytes after the origin's 101 must not reach the client", r)
                check(b" 101 " not in r.raw, "the client must not see the 101", r)
            check_eq(gw.log_for_path(path).get("status"), 502, "status logged for %s" % path)
        check_eq(len(origin.requests), 2, "requests that reached the origin")
        check_eq(origin.requests[0].header_values("Upgrade"), [], "Upgrade forwarded to the origin")


if __name__ == "__main__":
    run_test(main)
