#!/usr/bin/env python3
"""Lingering close (RFC 9112 9.6): a client that sends a 1 MiB body on a request refused before the body is read
(Content-Length over max_body_bytes -> 413; an unmapped certificate -> 401.2) sends all of it without the gateway
resetting the connection, reads the whole response, and sees the connection end with close_notify and a TCP FIN,
not a reset: whether it sends the body with the head or only after the answer came. The same with curl, which
reads the response while it uploads."""
import errno
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test, workdir
from harness.gateway import Gateway, base_config
from harness.http_connection import HttpConnection
from harness.upstream import Upstream

SIZE = 1024 * 1024


def tcp_end(conn, shut_first):
    """After the TLS close: "fin" when the gateway's TCP side ended normally, "reset" when it reset, also just
    after its FIN (bytes it did not read arriving at a closed socket are answered with a reset)."""
    try:
        if shut_first:
            conn.sock.shutdown(socket.SHUT_WR)  # we are done too; the TLS layer is left behind
        while socket.socket.recv(conn.sock, 65536):
            pass
    except (ConnectionResetError, BrokenPipeError):
        return "reset"
    except OSError as e:
        if e.errno == errno.ENOTCONN:  # reset already
            return "reset"
        raise
    # A reset that follows the FIN leaves its error on the socket (EPIPE or ECONNRESET): watch for it a little (it
    # never comes after a clean end, so this only bounds the wait).
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        if conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            return "reset after FIN"
        time.sleep(0.05)
    return "fin"


def check_ended_cleanly(conn, what, shut_first):
    check_eq(conn.wait_closed(), "closed", "how the TLS connection ended after %s" % what)
    check_eq(tcp_end(conn, shut_first), "fin", "how the TCP connection ended after %s" % what)


def check_refusal(r, what, status, substatus):
    check(r is not None, "no response to %s" % what)
    check_eq(r.status, status, "status for %s" % what, r)
    if substatus:
        check(r.text.startswith("%d.%d " % (status, substatus)), "body should start with %d.%d" % (status, substatus), r)
    check("close" in r.connection_tokens(), "the refusal should carry Connection: close", r)


def upload(gw, cert, path, status, substatus):
    """The head and the body sent at once, the response read meanwhile."""
    with HttpConnection(gw.port, cert=cert, timeout=15) as conn:
        head = "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (path, SIZE)
        sent, error = conn.send_while_reading(head.encode() + b"u" * SIZE)
        check(error is None, "sending the body of %s: %s (%d of %d bytes sent)" % (path, error, sent, SIZE))
        check_refusal(conn.read_response(), path, status, substatus)
        check_ended_cleanly(conn, path, shut_first=True)


def upload_after_answer(gw, cert, path, status, substatus):
    """The head, the response, then the whole body anyway (a client that does not look at answers while it
    sends); the gateway ends the connection when it has read it all and waited a little for more."""
    with HttpConnection(gw.port, cert=cert, timeout=15) as conn:
        conn.send("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (path, SIZE))
        check_refusal(conn.read_response(), path, status, substatus)
        sent, error = conn.send_while_reading(b"u" * SIZE)
        check(error is None, "sending the body of %s after the answer: %s (%d of %d bytes sent)"
              % (path, error, sent, SIZE))
        check_ended_cleanly(conn, path + " (body after the answer)", shut_first=False)


def main():
    p = pki()
    body = os.path.join(workdir(), "upload.bin")
    with open(body, "wb") as f:
        f.write(b"c" * SIZE)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"max_body_bytes": "64KiB"}
        with Gateway(cfg, name="small-bodies") as gw:
            upload(gw, "edge", "/too-large", 413, 0)
            upload_after_answer(gw, "edge", "/too-large-late", 413, 0)
            r = request(gw, "/too-large-curl", cert="edge", data_file=body)
            check_eq(r.exit_code, 0, "curl exit code for a 413 (a reset is 56)", r)
            check_eq(r.status, 413, "status of curl's upload", r)
        with Gateway(base_config(p, up.url), name="unmapped") as gw:
            upload(gw, "unmapped", "/unmapped-upload", 401, 2)
            upload_after_answer(gw, "unmapped", "/unmapped-upload-late", 401, 2)
            r = request(gw, "/unmapped-curl", cert="unmapped", data_file=body)
            check_eq(r.exit_code, 0, "curl exit code for a 401.2 (a reset is 56)", r)
            check_eq(r.status, 401, "status of curl's upload", r)
        check(not up.requests, "no refused upload should reach the origin")

if __name__ == "__main__":
    run_test(main)
