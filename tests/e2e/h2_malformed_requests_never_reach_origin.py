#!/usr/bin/env python3
"""HTTP/2 request smuggling corpus: each malformed request (RFC 9113 section 8.2 and 8.3: framing that disagrees
with content-length, HTTP/1.1 framing and connection fields, bytes a header line cannot carry, broken pseudo-
headers, a forbidden field hidden in a CONTINUATION frame) is refused (the stream reset, a 4xx, or the connection
closed with GOAWAY) and NOTHING of it reaches the origin (a strict recording origin sees no byte); after each, a
good request on a new connection is admitted and reaches the origin cleanly. What the rules allow is not refused:
`te: trailers` and `OPTIONS *` reach the origin."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import DATA, END_STREAM, code_name, connect, frame
from harness.raw_origin import RawOrigin


def pseudo(path, method="GET", authority="localhost"):
    return [(":method", method), (":scheme", "https"), (":authority", authority), (":path", path)]


def with_headers(*extra, method="GET"):
    """HEADERS (END_STREAM) with the pseudo-headers and then `extra`."""
    def send(c, path):
        sid = c.new_stream_id()
        c.headers(sid, pseudo(path, method) + list(extra))
        return sid
    return send


def fields(make):
    """HEADERS (END_STREAM) with exactly make(path)."""
    def send(c, path):
        sid = c.new_stream_id()
        c.headers(sid, make(path))
        return sid
    return send


def with_body(extra, body, method="POST"):
    """HEADERS then one DATA frame with `body` and END_STREAM, in one write."""
    def send(c, path):
        sid = c.new_stream_id()
        out = c.headers(sid, pseudo(path, method) + list(extra), end_stream=False, send=False)
        c.send(out + frame(DATA, END_STREAM, sid, body))
        return sid
    return send


def hidden(extra, body=None, method="GET"):
    """The pseudo-headers in HEADERS, `extra` alone in a CONTINUATION frame (END_HEADERS), then `body`."""
    def send(c, path):
        sid = c.new_stream_id()
        hdrs = pseudo(path, method) + list(extra)
        out = c.headers(sid, hdrs, end_stream=body is None, split_fields=[4], send=False)
        if body is not None:
                out += frame(DATA, END_STREAM, sid, body)
        c.send(out)
        return sid
    return send


def hidden_pseudo(c, path):
    """A regular field ends the HEADERS frame, :path comes alone in the CONTINUATION frame."""
    sid = c.new_stream_id()
    c.headers(sid, pseudo(path)[:3] + [("x-a", "1"), (":path", path)], split_fields=[4])
    return sid


SMUGGLED = b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n"

CASES = [
    ("content-length-more-than-data", with_body([("content-length", "5")], b"0123456789")),
    ("content-length-less-than-data", with_body([("content-length", "10")], b"01234")),
    ("content-length-with-no-data", with_headers(("content-length", "4"), method="POST")),
    ("two-content-lengths", with_body([("content-length", "5"), ("content-length", "6")], b"01234")),
    ("content-length-list", with_body([("content-length", "5, 5")], b"01234")),
    ("content-length-not-a-number", with_body([("content-length", "+5")], b"01234")),
    ("transfer-encoding-chunked", with_body([("transfer-encoding", "chunked")], SMUGGLED)),
    ("transfer-encoding-with-length", with_body([("transfer-encoding", "chunked"),
                                                 ("content-length", str(len(SMUGGLED)))], SMUGGLED)),
    ("connection", with_headers(("connection", "close"))),
    ("connection-naming-identity", with_headers(("connection", "x-client-identity"))),
    ("keep-alive", with_headers(("keep-alive", "timeout=5"))),
    ("upgrade", with_headers(("upgrade", "websocket"))),
    ("proxy-connection", with_headers(("proxy-connection", "keep-alive"))),
    ("te-gzip", with_headers(("te", "gzip"))),
    ("te-trailers-and-gzip", with_headers(("te", "trailers, gzip"))),
    ("value-with-cr", with_headers(("x-v", "a\rb"))),
    ("value-with-lf", with_headers(("x-v", "a\nX-Injected: 1"))),
    ("value-with-crlf", with_headers(("x-v", "a\r\nX-Injected: 1"))),
    ("value-with-nul", with_headers(("x-v", "a\x00b"))),
    ("name-with-crlf", with_headers(("x-a\r\nx-injected", "1"))),
    ("name-with-colon", with_headers(("x:injected", "1"))),
    ("name-with-space", with_headers(("x injected", "1"))),
    ("name-empty", with_headers(("", "1"))),
    ("name-uppercase", with_headers(("X-Upper", "1"))),
    ("name-uppercase-content-length", with_body([("Content-Length", "3")], b"abc")),
    ("pseudo-after-regular", fields(lambda p: pseudo(p)[:3] + [("x-a", "1"), (":path", p)])),
    ("duplicate-path", fields(lambda p: pseudo(p) + [(":path", "/other")])),
    ("duplicate-method", fields(lambda p: [(":method", "GET"), (":method", "POST")] + pseudo(p)[1:])),
    ("duplicate-scheme", fields(lambda p: pseudo(p) + [(":scheme", "http")])),
    ("duplicate-authority", fields(lambda p: pseudo(p) + [(":authority", "localhost")])),
    ("missing-method", fields(lambda p: pseudo(p)[1:])),
    ("missing-scheme", fields(lambda p: [x for x in pseudo(p) if x[0] != ":scheme"])),
    ("missing-path", fields(lambda p: pseudo(p)[:3])),
    ("unknown-pseudo", fields(lambda p: pseudo(p) + [(":foo", "bar")])),
    ("response-pseudo-in-request", fields(lambda p: pseudo(p) + [(":status", "200")])),
    ("path-empty", fields(lambda p: pseudo("")[:3] + [(":path", "")])),
    ("path-without-slash", fields(lambda p: pseudo("")[:3] + [(":path", p.lstrip("/"))])),
    ("path-asterisk-with-get", fields(lambda p: pseudo("*"))),
    ("path-absolute-uri", fields(lambda p: pseudo("https://localhost" + p)[:3] + [(":path", "https://localhost" + p)])),
    ("authority-host-mismatch", with_headers(("host", "evil.example"))),
    ("hidden-transfer-encoding", hidden([("transfer-encoding", "chunked")], body=SMUGGLED, method="POST")),
    ("hidden-connection", hidden([("connection", "close")])),
    ("hidden-second-content-length", hidden([("content-length", "3"), ("content-length", "30")], body=b"abc",
                                            method="POST")),
    ("hidden-crlf-value", hidden([("x-v", "a\r\nTransfer-Encoding: chunked")])),
    ("hidden-pseudo-after-regular", hidden_pseudo),
]


def main():
    p = pki()
    with RawOrigin() as origin, Gateway(base_config(p, origin.url)) as gw:
        for name, send in CASES:
            path = "/smuggle/" + name
            mark = origin.mark()
            c = connect(gw, timeout=5)
            sid = send(c, path)
            r = c.response(sid, timeout=5)
            refused = (r.reset is not None or (r.status is not None and 400 <= r.status < 500)
                       or c.goaway is not None or c.closed)
            check(refused, "case %s: the malformed request should be refused (reset, 4xx or GOAWAY), got status "
                  "%s reset %s" % (name, r.status, None if r.reset is None else code_name(r.reset)), r)
            c.pump(0.1)  # whatever the gateway would forward, it has had the time to
            c.close()
            leaked = origin.records_since(mark)
            check(not leaked, "case %s: nothing may reach the origin, it saw %r" % (
                name, [(x.get("method"), x.get("target"), x.get("raw_head")[:300]) for x in leaked]), r)

            good = "/good/after-" + name
            mark = origin.mark()
            c = connect(gw, timeout=5)
            r = c.response(c.request("GET", good, headers=[("x-test-marker", name)]))
            check_eq(r.status, 200, "a good request on a new connection after case %s" % name, r)
            c.close()
            recs = origin.records_since(mark)
            check_eq([(x.get("target"), x.get("ambiguities")) for x in recs], [(good, [])],
                     "what the origin saw after case %s" % name, r)

        # The allowed neighbours of the refused cases.
        for method, target, extra in (("GET", "/allowed/te-trailers", [("te", "trailers")]), ("OPTIONS", "*", [])):
            mark = origin.mark()
            c = connect(gw, timeout=5)
            r = c.response(c.request(method, target, headers=extra))
            check_eq(r.status, 200, "%s %s %r is allowed" % (method, target, extra), r)
            c.close()
            recs = origin.records_since(mark)
            check_eq([(x.get("method"), x.get("target"), x.get("ambiguities")) for x in recs], [(method, target, [])],
                     "what the origin saw for %s %s" % (method, target), r)


if __name__ == "__main__":
    run_test(main)
