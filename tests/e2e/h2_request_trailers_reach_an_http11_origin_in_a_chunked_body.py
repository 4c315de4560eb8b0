#!/usr/bin/env python3
"""Request trailers sent over HTTP/2 (a HEADERS frame after the DATA, with END_STREAM) reach an HTTP/1.1 origin as
the trailer section of a chunked body, even when the whole body had arrived before certgate sent the request; a
reserved name in them (an identity header) is dropped, and the origin reads the request one way only."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import connect
from harness.raw_origin import RawOrigin


def main():
    p = pki()
    with RawOrigin() as origin, Gateway(base_config(p, origin.url)) as gw:
        c = connect(gw)
        mark = origin.mark()
        sid = c.request("POST", "/with-trailers", headers=[("te", "trailers")], end_stream=False)
        c.data(sid, b"hello trailers", end_stream=False)
        c.headers(sid, [("x-checksum", "abc123"), ("x-client-identity", "forged")], end_stream=True)
        r = c.response(sid, timeout=10)
        check_eq(r.status, 200, "status", r)
        recs = [x for x in origin.records_since(mark) if x.get("target") == "/with-trailers"]
        check_eq(len(recs), 1, "requests at the origin", origin)
        rec = recs[0]
        check_eq(rec["framing"], "chunked", "the body is chunked so that it can carry trailers", origin)
        check_eq(rec["body"], b"hello trailers", "the body at the origin", origin)
        names = [n.lower() for n, _ in rec["trailers"]]
        check_eq(names, ["x-checksum"], "trailers at the origin (the identity one dropped)", origin)
        check_eq(rec["ambiguities"], [], "the origin reads the request one way only", origin)
        check(all(v != "forged" for _, v in rec["headers"]), "no forged identity in the head", origin)

        # Without trailers, a whole body goes with Content-Length.
        mark = origin.mark()
        sid = c.request("POST", "/without-trailers", body=b"plain body")
        r = c.response(sid, timeout=10)
        check_eq(r.status, 200, "status without trailers", r)
        rec = [x for x in origin.records_since(mark) if x.get("target") == "/without-trailers"][0]
        check_eq(rec["framing"], "content-length", "a whole body without trailers", origin)


if __name__ == "__main__":
    run_test(main)
