"""The origin server behind the gateway: a threaded HTTP/1.1 server on 127.0.0.1:0 inside the test process.

  any method, any other path  -> 200, JSON {method, path, version, headers: [[name, value], ...],
                                 body_length, body_sha256, expect}
  GET /bytes/N                -> N bytes of pattern_block() repeated, with Content-Length
  GET /chunked/N              -> the same N bytes in chunked framing (chunks of varying sizes)
  GET /close/N                -> the same N bytes with neither length nor chunks: the body ends when the
                                 connection closes
  GET /slow/S                 -> the echo, after sleeping S seconds
  GET /reset                  -> the connection is closed abruptly (RST: SO_LINGER 0), no response
  GET /_health                -> Upstream.health_status (200 unless a test sets another), empty body
  GET /ws (Upgrade)           -> RFC 6455 handshake, then text/binary frames are echoed, ping answered, close
Every request head is recorded in Upstream.requests (in arrival order, before its body is read).
"""
import base64
import hashlib
import http.server
import json
import socket
import ssl
import socketserver
import struct
import threading
import time

from harness import common

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_BLOCK = None


def pattern_block():
    """64 KiB of fixed pseudo-random bytes: /bytes/N repeats them."""
    global _BLOCK
    if _BLOCK is None:
        parts = [hashlib.sha256(b"certgate-e2e-%d" % i).digest() for i in range(2048)]
        _BLOCK = b"".join(parts)
    return _BLOCK


def pattern_sha256(n):
    """sha256 (hex) of the first n bytes of the /bytes/N stream."""
    block = pattern_block()
    h = hashlib.sha256()
    full, rest = divmod(n, len(block))
    for _ in range(full):
        h.update(block)
    h.update(block[:rest])
    return h.hexdigest()


def ws_accept(key):
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # a stuck connection ends by itself

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self._any()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def do_HEAD(self):
        self._any(head=True)

    def _record(self):
        entry = {"method": self.command, "path": self.path, "headers": list(self.headers.items()),
                 "time": time.monotonic()}
        with self.server.lock:
            self.server.requests.append(entry)
            self.server.cond.notify_all()
        return entry

    def _any(self, head=False):
        entry = self._record()
        path = self.path.split("?", 1)[0]
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()  # the descriptor closes (RST) when the handler's files are closed
            return
        if path == "/_health":
            self.send_response(self.server.health_status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
            self._websocket()
            return
        if path.startswith("/bytes/"):
            self._read_body()
            self._bytes(int(path[len("/bytes/"):]), head)
            return
        if path.startswith("/chunked/"):
            self._read_body()
            self._chunked(int(path[len("/chunked/"):]), head)
            return
        if path.startswith("/close/"):
            self._read_body()
            self._until_close(int(path[len("/close/"):]))
            return
        length, digest = self._read_body()
        entry["body_length"] = length
        if path.startswith("/slow/"):
            time.sleep(float(path[len("/slow/"):]))
        body = json.dumps({
            "method": self.command,
            "path": self.path,
            "version": self.request_version,
            "headers": entry["headers"],
            "body_length": length,
            "body_sha256": digest,
            "expect": self.headers.get("Expect"),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _read_body(self):
        h = hashlib.sha256()
        total = 0
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ConnectionError("eof in chunk size")
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                remaining = size
                while remaining:
                    data = self.rfile.read(min(remaining, 1 << 16))
                    if not data:
                        raise ConnectionError("eof in chunk")
                    h.update(data)
                    total += len(data)
                    remaining -= len(data)
                self.rfile.readline(3)  # CRLF after the chunk
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                data = self.rfile.read(min(remaining, 1 << 16))
                if not data:
                    raise ConnectionError("eof in body")
                h.update(data)
                total += len(data)
                remaining -= len(data)
        return total, h.hexdigest()

    def _bytes(self, n, head):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(n))
        self.end_headers()
        if head:
            return
        block = pattern_block()
        remaining = n
        while remaining:
            part = block if remaining >= len(block) else block[:remaining]
            self.wfile.write(part)
            remaining -= len(part)

    def _pattern_pieces(self, n):
        """The first n pattern bytes, in pieces of varying sizes (1 byte to 20 KiB)."""
        data = (pattern_block() * (n // len(pattern_block()) + 1))[:n]
        sizes = [1, 700, 20000, 5, 16384, 3000]
        pos, i = 0, 0
        while pos < n:
            yield data[pos:pos + sizes[i % len(sizes)]]
            pos += sizes[i % len(sizes)]
            i += 1

    def _chunked(self, n, head=False):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if head:
            return
        for piece in self._pattern_pieces(n):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def _until_close(self, n):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for piece in self._pattern_pieces(n):
            self.wfile.write(piece)
        self.wfile.flush()
        self.close_connection = True

    def _websocket(self):
        key = self.headers.get("Sec-WebSocket-Key", "")
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", ws_accept(key))
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        while True:
            frame = read_ws_frame(self.rfile)
            if frame is None:
                return
            opcode, payload = frame
            if opcode in (1, 2):
                self.wfile.write(ws_frame(opcode, payload, mask=False))
            elif opcode == 9:
                self.wfile.write(ws_frame(10, payload, mask=False))
            elif opcode == 8:
                self.wfile.write(ws_frame(8, payload[:2], mask=False))
                return


def ws_frame(opcode, payload, mask):
    """One final WebSocket frame; clients must mask (RFC 6455 5.3)."""
    head = bytes([0x80 | opcode])
    n = len(payload)
    mbit = 0x80 if mask else 0
    if n < 126:
        head += bytes([mbit | n])
    elif n < 65536:
        head += bytes([mbit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mbit | 127]) + struct.pack("!Q", n)
    if mask:
        key = bytes([0x37, 0xfa, 0x21, 0x3d])
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        head += key
    return head + payload


def _read_exact(reader, n):
    data = b""
    while len(data) < n:
        part = reader.read(n - len(data))
        if not part:
            return None
        data += part
    return data


def read_ws_frame(reader):
    """(opcode, payload) of the next frame from a file-like `reader`, or None at end of stream."""
    head = _read_exact(reader, 2)
    if head is None:
        return None
    opcode = head[0] & 0x0F
    masked = head[1] & 0x80
    n = head[1] & 0x7F
    if n == 126:
        ext = _read_exact(reader, 2)
        if ext is None:
            return None
        n = struct.unpack("!H", ext)[0]
    elif n == 127:
        ext = _read_exact(reader, 8)
        if ext is None:
            return None
        n = struct.unpack("!Q", ext)[0]
    key = _read_exact(reader, 4) if masked else None
    if masked and key is None:
        return None
    payload = _read_exact(reader, n) if n else b""
    if payload is None:
        return None
    if key:
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return opcode, payload


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False  # the gateway may hold idle keep-alive connections open
    # No SO_REUSEADDR: with it, bind(port 0) may pick a port another socket is bound to, and listen() fails.
    allow_reuse_address = False
    # The gateway may open one connection per HTTP/2 stream at once: socketserver's backlog of 5 would leave the
    # rest unaccepted (connected on the gateway's side, never read) until they time out.
    request_queue_size = 256


class Upstream:
    """The origin server, running in a thread of the test process."""

    def __init__(self, tls_cert=None, tls_key=None, idle_timeout=None):
        """tls_cert/tls_key: serve https with this certificate (PEM paths) instead of plain http.
        idle_timeout: close a keep-alive connection idle for this many seconds (default 30)."""
        handler = _Handler if idle_timeout is None else type("_IdleHandler", (_Handler,), {"timeout": idle_timeout})
        self.server = _Server(("127.0.0.1", 0), handler)
        if tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_cert, tls_key)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.server.requests = []
        self.server.health_status = 200
        self.server.lock = threading.Lock()
        self.server.cond = threading.Condition(self.server.lock)
        self.port = self.server.server_address[1]
        self.url = "%s://127.0.0.1:%d" % ("https" if tls_cert else "http", self.port)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        common.register(self)

    @property
    def health_status(self):
        return self.server.health_status

    @health_status.setter
    def health_status(self, status):
        """What GET /_health answers from now on."""
        self.server.health_status = status

    @property
    def requests(self):
        with self.server.lock:
            return list(self.server.requests)

    def requests_for(self, path):
        return [r for r in self.requests if r["path"] == path]

    def wait_for(self, path, timeout=5.0):
        """The recorded request head for `path`, waiting up to `timeout` seconds; None if it never came."""
        deadline = time.monotonic() + timeout
        with self.server.lock:
            while True:
                for r in self.server.requests:
                    if r["path"] == path:
                        return r
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.server.cond.wait(left)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        common.unregister(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def describe(self):
        reqs = self.requests
        lines = ["--- upstream %s: %d request(s)" % (self.url, len(reqs))]
        for r in reqs[-5:]:
            lines.append("  %s %s %s" % (r["method"], r["path"], r["headers"]))
        return "\n".join(lines)


def header_values(headers, name):
    """All values of `name` (case-insensitive) in a [[name, value], ...] list."""
    return [v for k, v in headers if k.lower() == name.lower()]
