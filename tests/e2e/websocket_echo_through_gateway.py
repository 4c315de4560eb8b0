#!/usr/bin/env python3
"""A WebSocket upgrade through the gateway (with the client certificate): 101 with Upgrade: websocket, then frames
are echoed both ways; the upstream saw the upgrade request with the identity headers."""
import base64
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import tls_socket
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream, header_values, read_ws_frame, ws_accept, ws_frame


def main():
    p = pki()
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        key = base64.b64encode(os.urandom(16)).decode()
        sock = tls_socket(gw.port, cert="edge")
        try:
            sock.sendall(("GET /ws HTTP/1.1\r\nHost: localhost:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (gw.port, key)).encode())
            reader = sock.makefile("rb")
            status_line = reader.readline(8192).decode("latin-1")
            headers = {}
            while True:
                line = reader.readline(8192).decode("latin-1")
                if line in ("\r\n", "\n", ""):
                    break
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            check(status_line.startswith("HTTP/1.1 101"), "upgrade answered with %r" % status_line)
            check_eq(headers.get("sec-websocket-accept"), ws_accept(key), "Sec-WebSocket-Accept")
            # RFC 6455 4.1: a client fails the connection when the 101 has no Upgrade: websocket (the upstream's
            # Connection lists Upgrade, as every 101's does; that must not drop it).
            check_eq(headers.get("upgrade", "").lower(), "websocket", "Upgrade on the 101")
            check_eq(headers.get("connection", "").lower(), "upgrade", "Connection on the 101")

            for message in (b"hello through certgate", b"x" * 300, "ünïcode".encode()):
                sock.sendall(ws_frame(1, message, mask=True))
                frame = read_ws_frame(reader)
                check_eq(frame, (1, message), "echoed frame")
            sock.sendall(ws_frame(2, bytes(range(256)) * 300, mask=True))  # 76800 bytes: 64-bit length
            check_eq(read_ws_frame(reader), (2, bytes(range(256)) * 300), "echoed binary frame")
            sock.sendall(ws_frame(8, b"\x03\xe8", mask=True))
            check_eq(read_ws_frame(reader), (8, b"\x03\xe8"), "close frame echoed")
        finally:
            sock.close()

        seen = up.wait_for("/ws")
        check(seen is not None, "the upstream should have seen the upgrade request")
        check_eq(header_values(seen["headers"], "X-Client-Identity"), ["edge-user"], "identity on the upgrade")
        check_eq(header_values(seen["headers"], "X-Client-Verify"), ["SUCCESS"], "verify on the upgrade")

        # Without a client certificate the upgrade is refused like any request.
        sock = tls_socket(gw.port, cert=None)
        try:
            sock.sendall(("GET /ws-anon HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
            status_line = sock.makefile("rb").readline(8192).decode("latin-1")
            check(status_line.startswith("HTTP/1.1 403"), "upgrade without a certificate got %r" % status_line)
        finally:
            sock.close()
        check(not up.requests_for("/ws-anon"), "a refused upgrade must not reach the upstream")


if __name__ == "__main__":
    run_test(main)
