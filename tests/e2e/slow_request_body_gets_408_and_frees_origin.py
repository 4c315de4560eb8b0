#!/usr/bin/env python3
"""[limits] body_min_rate (bytes/s, after a first body_timeout): a client that sends its body one byte every
200 ms (5 B/s; every pause shorter than body_timeout = "1s") against body_min_rate = "100B" gets 408, and the
gateway closes the origin connection that was waiting for the body. A client that sends steadily above the rate
for longer than body_timeout is served."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin, response

TRICKLE = 60  # bytes, one per 200 ms: 12 s if never cut off
STEADY = 3000  # bytes, 150 per 100 ms: about 2 s at 1500 B/s


def read_all(ex):
    body = ex.read_body()
    if ex.ended:
        return False
    ex.send(response(200, "OK", [], b"got %d" % len(body)))
    return True


def paced(conn, path, total, piece, pause):
    """Sends a POST head, then the body `piece` bytes every `pause` seconds, stopping when the gateway answers.
    Returns the bytes of the body sent."""
    conn.send("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (path, total))
    sent = 0
    while sent < total:
        if conn.poll_data(pause):
            break
        try:
            conn.send(b"t" * min(piece, total - sent))
        except OSError:
            break
        sent += min(piece, total - sent)
    return sent


def main():
    p = pki()
    with ScriptedOrigin(read_all) as origin:
        cfg = base_config(p, origin.url)
        cfg["limits"] = {"body_timeout": "1s", "body_min_rate": "100B"}
        with Gateway(cfg) as gw:
            with HttpConnection(gw.port, cert="edge", timeout=20) as conn:
                sent = paced(conn, "/trickle", TRICKLE, 1, 0.2)
                r = conn.read_response()
                check(r is not None, "no response to the trickled body")
                check_eq(r.status, 408, "status of a body below body_min_rate (sent %d of %d bytes)" % (sent, TRICKLE), r)
                check(sent < TRICKLE, "the 408 should come before the body was complete", r)
                check_eq(conn.wait_closed(), "closed", "the client connection after the 408")
            exchanges = origin.wait_request(1)
            check(exchanges is not None, "the trickled request should have reached the origin")
            how = origin.wait_closed(exchanges[0].cid, timeout=10)
            check(how in ("closed by the gateway", "reset by the gateway"),
                  "the origin connection should be closed by the gateway after the 408, it was: %r" % how)
            check(exchanges[0].body_read < TRICKLE, "the origin should not have got the whole body")
            check_eq(gw.log_for_path("/trickle").get("status"), 408, "status logged")

            with HttpConnection(gw.port, cert="edge", timeout=20) as conn:
                sent = paced(conn, "/steady", STEADY, 150, 0.1)
                r = conn.read_response()
                check_eq(r.status, 200, "status of a body sent above body_min_rate", r)
                check_eq(r.body, b"got %d" % STEADY, "body length the origin read", r)


if __name__ == "__main__":
    run_test(main)
