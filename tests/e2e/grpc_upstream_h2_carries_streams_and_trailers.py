#!/usr/bin/env python3
"""An upstream with `protocol = "h2"` (gRPC) gets each HTTP/2 stream as an HTTP/2 stream: over h2c on loopback
and over TLS with ALPN h2, the request body and its trailers reach the origin, the response body and its trailers
(grpc-status) reach the client, with the identity certgate vouches for (a client's own X-Client-Identity is
replaced) and TE: trailers. An HTTP/1.1 client of that upstream gets 502; a TLS upstream that does not select h2
gets 502."""
import os
import struct
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.grpc_echo import GrpcEcho
from harness.h2_client import connect


def grpc_message(payload):
    return struct.pack("!BI", 0, len(payload)) + payload


def call(gw, path, message):
    c = connect(gw, timeout=15)
    sid = c.request("POST", path, headers=[("content-type", "application/grpc"), ("te", "trailers"),
                                           ("x-client-identity", "forged")], end_stream=False)
    c.data(sid, message, end_stream=False)
    c.headers(sid, [("x-trailer", "from-client")], end_stream=True)
    r = c.response(sid, timeout=15)
    c.close()
    return r


def check_echo(gw, origin, label):
    message = grpc_message(b"hello " + label.encode() * 1000)
    r = call(gw, "/echo.Echo/Say", message)
    check_eq(r.status, 200, "%s: status" % label, r)
    check_eq(r.body, message, "%s: the message echoed" % label, r)
    trailers = dict(r.trailers or [])
    check_eq(trailers.get("grpc-status"), "0", "%s: grpc-status trailer" % label, r)
    check_eq(trailers.get("x-echo-trailer"), "from-client", "%s: the request trailer reached the origin" % label, r)
    check_eq(r.header("x-echo-identity"), "edge-user", "%s: identity at the origin (never the client's)" % label, r)
    check_eq(r.header("x-echo-te"), "trailers", "%s: TE trailers at the origin" % label, r)
    seen = origin.requests[-1]
    head = dict(seen["headers"])
    check_eq(head.get(":path"), "/echo.Echo/Say", "%s: :path at the origin" % label)
    check_eq(head.get("x-client-verify"), "SUCCESS", "%s: X-Client-Verify at the origin" % label)


def main():
    p = pki()
    with GrpcEcho() as origin:
        cfg = base_config(p, origin.url)
        cfg["upstream"]["protocol"] = "h2"
        with Gateway(cfg) as gw:
            check_echo(gw, origin, "h2c")
            r = request(gw, "/echo.Echo/Say", cert="edge")
            check_eq(r.status, 502, "an HTTP/1.1 client of an HTTP/2-only upstream", r)
            entry = gw.log_for_path("/echo.Echo/Say")
            check(entry is not None and entry.get("proto") in ("h1", "h2"), "the calls are logged")

    with GrpcEcho(tls_cert=p.pem("server"), tls_key=p.key("server")) as origin:
        cfg = base_config(p, origin.url)
        cfg["upstream"].update(protocol="h2", ca=p.pem("ca"), server_name="localhost")
        with Gateway(cfg) as gw:
            check_echo(gw, origin, "tls")

    with GrpcEcho(tls_cert=p.pem("server"), tls_key=p.key("server"), alpn=("http/1.1",)) as origin:
        cfg = base_config(p, origin.url)
        cfg["upstream"].update(protocol="h2", ca=p.pem("ca"), server_name="localhost")
        with Gateway(cfg) as gw:
            r = call(gw, "/echo.Echo/Say", grpc_message(b"x"))
            check_eq(r.status, 502, "a TLS upstream that does not select h2", r)


if __name__ == "__main__":
    run_test(main)
