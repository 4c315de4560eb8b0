#!/usr/bin/env python3
"""With the default configuration, a client offering h2 and http/1.1 gets h2 (ALPN); its admitted requests reach
the origin as HTTP/1.1 requests carrying the identity headers, each logged with proto h2 and its stream id.
curl --http2 (nghttp2 underneath) is served the same way."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.h2_client import H2Client
from harness.upstream import Upstream, header_values


def check_at_origin(up, path, resp):
    seen = up.wait_for(path)
    check(seen is not None, "the admitted h2 request %s should reach the origin" % path, resp)
    echo = resp.json()
    check_eq(echo.get("version"), "HTTP/1.1", "HTTP version the origin saw for %s" % path, resp)
    check_eq(header_values(seen["headers"], "X-Client-Verify"), ["SUCCESS"], "X-Client-Verify at the origin", resp)
    check_eq(header_values(seen["headers"], "X-Client-Identity"), ["edge-user"], "X-Client-Identity at the origin",
             resp)
    check_eq(header_values(seen["headers"], "X-Client-Mapping"), ["edge"], "X-Client-Mapping at the origin", resp)
    check_eq(len(header_values(seen["headers"], "Host")), 1, "one Host header at the origin", resp)
    check(not any(k.startswith(":") for k, _ in seen["headers"]), "no pseudo-header reaches the origin", resp)


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        c = H2Client(gw.port, alpn=["h2", "http/1.1"])
        check_eq(c.alpn, "h2", "ALPN protocol selected for a client offering h2 and http/1.1")
        for n, path in enumerate(["/h2-first", "/h2-second"]):
            sid = c.request("GET", path, headers=[("x-test", "h2")])
            r = c.response(sid)
            check_eq(r.status, 200, "status of %s" % path, r)
            check_at_origin(up, path, r)
            check_eq(header_values(up.wait_for(path)["headers"], "x-test"), ["h2"], "a client header at the origin",
                     r)
            entry = gw.log_for_path(path)
            check_eq(entry.get("proto"), "h2", "access log proto of %s" % path, r)
            check_eq(entry.get("stream"), sid, "access log stream of %s" % path, r)
            check_eq(entry.get("identity"), "edge-user", "access log identity of %s" % path, r)
        c.close()

        r = request(gw, "/curl-h2", cert="edge", extra=["--http2"])
        check_eq(r.exit_code, 0, "curl --http2 exit code", r)
        check_eq(r.status, 200, "curl --http2 status", r)
        with open(r.argv[r.argv.index("-D") + 1], "rb") as f:
            status_line = f.readline().decode("latin-1").strip()
        check(status_line.startswith("HTTP/2 "), "curl --http2 should speak HTTP/2: %r" % status_line, r)
        check_eq(gw.log_for_path("/curl-h2").get("proto"), "h2", "access log proto of curl --http2", r)
        check_at_origin(up, "/curl-h2", r)


if __name__ == "__main__":
    run_test(main)
