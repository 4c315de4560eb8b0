#!/usr/bin/env python3
"""An origin that answers while the client is still uploading a large body (a 413 it decided on from the head, or
a 200) gets its response to the client, not a 502, whatever the origin does next: stop reading and wait, reset
the connection, or read the rest; over http and https to the origin. The response carries Connection: close and the gateway closes the client
connection after it."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin, response

SIZE = 16 * 1024 * 1024  # far more than the socket buffers between the client and the origin hold


def answer_early(ex):
    """/413-wait, /413-reset, /413-resetnow, /413-drain, /200-wait: the status, then what the origin does after
    answering (resetnow: the reset right behind the answer, so that the gateway may see both at once, its write of
    the body failing as the answer arrives)."""
    status, then = ex.target.strip("/").split("-", 1)
    if then == "blocked-resetnow":
        ex.wait_until_full()
    if status == "413":
        ex.send(response(413, "Content Too Large", ["Connection: close"], b"origin says: too large"))
    else:
        ex.send(response(200, "OK", ["Connection: close"], b"origin says: seen enough"))
    if then == "reset":
        ex.reset()
    elif then in ("resetnow", "blocked-resetnow"):
        ex.reset(at_once=True)
    elif then == "drain":
        ex.drain()
    else:
        ex.origin.stop_event.wait(ex.origin.timeout)  # neither reads nor closes
    return False


def main():
    p = pki()
    for scheme in ("http", "https"):
        tls = dict(tls_cert=p.pem("server"), tls_key=p.key("server")) if scheme == "https" else {}
        with ScriptedOrigin(answer_early, name=scheme + "-origin", **tls) as origin:
            cfg = base_config(p, origin.url)
            if scheme == "https":
                cfg["upstream"]["ca"] = p.pem("ca")
            with Gateway(cfg, name=scheme + "-gateway") as gw:
                for path, status, body in (("/413-wait", 413, b"origin says: too large"),
                                           ("/413-reset", 413, b"origin says: too large"),
                                           ("/413-resetnow", 413, b"origin says: too large"),
                                           ("/413-blocked-resetnow", 413, b"origin says: too large"),
                                           ("/413-drain", 413, b"origin says: too large"),
                                           ("/200-wait", 200, b"origin says: seen enough")):
                    upload(gw, scheme, path, status, body)


def upload(gw, scheme, path, status, body):
    what = "%s (%s origin)" % (path, scheme)
    with HttpConnection(gw.port, cert="edge", timeout=20) as conn:
        head = "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (path, SIZE)
        sent, error = conn.send_while_reading(head.encode() + b"u" * SIZE, stop_on_response=True)
        r = conn.read_response()
        check(r is not None, "no response to %s (sent %d bytes, %s)" % (what, sent, error))
        check_eq(r.status, status, "status for %s (sent %d of %d bytes)" % (what, sent, SIZE), r)
        check_eq(r.body, body, "body for %s" % what, r)
        check("close" in r.connection_tokens(), "the response should carry Connection: close", r)
        check(sent < SIZE, "the response should come before the upload ended (%s)" % what, r)
        check(conn.wait_closed() in ("closed", "reset"), "the gateway should close the connection after %s" % what, r)
    check_eq(gw.log_for_path(path).get("status"), status, "status logged for %s" % what)

if __name__ == "__main__":
    run_test(main)
