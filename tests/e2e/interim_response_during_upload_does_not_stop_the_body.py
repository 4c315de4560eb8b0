#!/usr/bin/env python3
"""An origin may send interim responses before it reads a request body (RFC 9110 15.2: a 100 Continue nobody asked
for, a 103 Early Hints as soon as it has the head). They are not its answer: the gateway keeps relaying the body,
the origin reads all of it and answers, and the client gets that answer (after the 103, which an HTTP/1.1 client
receives; the 100 is certgate's own business and is dropped). Over http and https to the origin."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.scripted_origin import ScriptedOrigin, response

SIZE = 4 * 1024 * 1024  # more than the socket buffers between the gateway and the origin hold
LINK = "</upload.css>; rel=preload; as=style"


def interim_then_read(ex):
    if ex.target == "/continue":
        ex.send(b"HTTP/1.1 100 Continue\r\n\r\n")
    else:
        ex.send("HTTP/1.1 103 Early Hints\r\nLink: %s\r\n\r\n" % LINK)
    body = ex.read_body()
    if ex.ended:
        return False
    ex.send(response(200, "OK", [], ("read %d %s" % (len(body), hashlib.sha256(body).hexdigest())).encode()))
    return True


def main():
    p = pki()
    body = os.urandom(SIZE)
    expected = ("read %d %s" % (SIZE, hashlib.sha256(body).hexdigest())).encode()
    for scheme in ("http", "https"):
        tls = dict(tls_cert=p.pem("server"), tls_key=p.key("server")) if scheme == "https" else {}
        with ScriptedOrigin(interim_then_read, name=scheme + "-origin", **tls) as origin:
            cfg = base_config(p, origin.url)
            if scheme == "https":
                cfg["upstream"]["ca"] = p.pem("ca")
            # A gateway that waits for a final answer before relaying the rest of the body would time out here.
            cfg["limits"] = {"upstream_response_timeout": "10s"}
            with Gateway(cfg, name=scheme + "-gateway") as gw:
                for path, interim in (("/continue", []), ("/hints", [103])):
                    what = "%s (%s origin)" % (path, scheme)
                    with HttpConnection(gw.port, cert="edge", timeout=30) as conn:
                        head = "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (path, SIZE)
                        sent, error = conn.send_while_reading(head.encode() + body)
                        check(error is None, "sending the body of %s: %s (%d bytes sent)" % (what, error, sent))
                        r = conn.read_response()
                        check(r is not None, "no response to %s" % what)
                        check_eq(r.status, 200, "status for %s" % what, r)
                        check_eq(r.body, expected, "what the origin read for %s" % what, r)
                        check_eq([s for s, _ in r.interim], interim, "interim responses the client got for %s" % what,
                                 r)
                        if interim:
                            check_eq([v for k, v in r.interim[0][1] if k.lower() == "link"], [LINK], "Link of the 103",
                                     r)
                        check("close" not in r.connection_tokens(), "the connection should stay open", r)


if __name__ == "__main__":
    run_test(main)
