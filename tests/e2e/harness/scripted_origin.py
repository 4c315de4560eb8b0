"""An origin whose answers a test writes byte by byte, for what the echo upstream (upstream.py) cannot do: answer
before the request body is read (and then drain or reset), send 1xx heads before the final response, a very
large response head, a 101 nobody asked for, a response without Date; and say when the gateway closed each
connection.

ScriptedOrigin(respond) listens on 127.0.0.1:0 (one thread per connection). For each request head it reads, it
calls respond(exchange) with an Exchange (the parsed head, helpers to read the body and to send); respond
returns True to keep the connection for another request. Every socket operation is bounded by `timeout`.
"""
import array
import fcntl
import socket
import ssl
import struct
import termios
import threading
import time

from harness import common

SIOCOUTQNSD = 0x894B  # linux/sockios.h: bytes in the send queue not sent yet (TIOCOUTQ: not acknowledged yet)


class Exchange:
    def __init__(self, origin, conn, cid, head, rest):
        self.origin, self.conn, self.cid = origin, conn, cid
        self.head = head
        self.buf = rest
        lines = head.decode("latin-1").split("\r\n")
        self.request_line = lines[0]
        parts = lines[0].split(" ")
        self.method = parts[0]
        self.target = parts[1] if len(parts) > 1 else ""
        self.headers = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                self.headers.append((name.strip(), value.strip()))
        self.body_read = 0
        self.ended = None  # how the gateway ended the connection, once a read saw it

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_values(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def _recv(self):
        """The next bytes from the gateway; None after `timeout` seconds; b"" when the gateway ended the
        connection (recorded in self.ended)."""
        if self.ended:
            return b""
        try:
            data = self.conn.recv(65536)
        except socket.timeout:
            return None
        except ConnectionResetError:
            self.ended = "reset by the gateway"
            return b""
        except OSError:
            self.ended = "closed here"
            return b""
        if not data:
            self.ended = "closed by the gateway"
        return data

    def read_body(self, limit=None):
        """Reads the Content-Length body (up to `limit` bytes of it, when given). Returns the bytes read."""
        length = int(self.header("Content-Length") or 0)
        want = length if limit is None else min(limit, length)
        while len(self.buf) < want:
            data = self._recv()
            if not data:
                break
            self.buf += data
        body, self.buf = self.buf[:want], self.buf[want:]
        self.body_read += len(body)
        return body

    def drain(self):
        """Reads and drops whatever comes until the gateway closes or `timeout` passes: the body of a request
        answered early. Returns how many bytes came."""
        n = len(self.buf)
        self.buf = b""
        while True:
            data = self._recv()
            if not data:
                return n
            n += len(data)

    def wait_until_full(self):
        """Reads nothing and waits (bounded by `timeout`) until the gateway has stopped sending: the bytes waiting
        in the receive queue no longer grow, so its writes are blocked."""
        deadline = time.monotonic() + self.origin.timeout
        queued = array.array("i", [0])
        last, steady = -1, 0
        while time.monotonic() < deadline and steady < 5:
            fcntl.ioctl(self.conn.fileno(), termios.FIONREAD, queued)
            steady = steady + 1 if queued[0] == last and queued[0] > 0 else 0
            last = queued[0]
            time.sleep(0.02)

    def send(self, data):
        self.conn.sendall(data.encode("latin-1") if isinstance(data, str) else data)

    def reset(self, at_once=False):
        """Closes the connection abruptly (RST), whatever is unread, once what was sent has been acknowledged
        (at_once: as soon as it has been sent, so that the reset follows it closely): a reset drops the unsent
        part of the send queue, and the tests are about what the gateway does with an answer it did receive."""
        deadline = time.monotonic() + self.origin.timeout
        queued = array.array("i", [0])
        request = SIOCOUTQNSD if at_once else termios.TIOCOUTQ
        while time.monotonic() < deadline:
            fcntl.ioctl(self.conn.fileno(), request, queued)
            if queued[0] == 0:
                break
            time.sleep(0.001)
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.conn.close()


class ScriptedOrigin:
    def __init__(self, respond, name="scripted-origin", timeout=10.0, tls_cert=None, tls_key=None):
        """tls_cert/tls_key: serve https with this certificate (PEM paths) instead of plain http."""
        self.respond = respond
        self.name = name
        self.timeout = timeout
        self.requests = []       # every Exchange, in arrival order
        self.closed = {}         # connection id -> how it ended: "closed by the gateway", "reset by the gateway", ...
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.stop_event = threading.Event()
        self._conns = {}
        self._next_id = 0
        self._threads = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.tls = None
        if tls_cert:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(tls_cert, tls_key)
        self.url = "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)
        self._acceptor = threading.Thread(target=self._accept_loop, name=name + "-accept", daemon=True)
        self._acceptor.start()
        common.register(self)

    # --- for the tests ---

    def wait_request(self, count=1, timeout=5.0):
        """The first `count` exchanges, waiting up to `timeout` seconds; None if fewer came."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return list(self.requests[:count])

    def wait_closed(self, cid, timeout=5.0):
        """How connection `cid` ended, waiting up to `timeout` seconds; None while it is still open."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while cid not in self.closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.closed[cid]

    def close(self):
        self.stop_event.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            conns = list(self._conns.values())
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._acceptor.join(timeout=5)
        for t in self._threads:
            t.join(timeout=5)
        common.unregister(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def describe(self):
        with self.lock:
            reqs, closed = list(self.requests), dict(self.closed)
        lines = ["--- %s on 127.0.0.1:%d: %d request(s), connections ended: %r" % (self.name, self.port, len(reqs),
                                                                                  closed)]
        for e in reqs[-5:]:
            lines.append("  conn %d: %r %r (body read: %d)" % (e.cid, e.request_line, e.headers, e.body_read))
        return "\n".join(lines)

    # --- server ---

    def _accept_loop(self):
        while not self.stop_event.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(self.timeout)
            if self.tls:
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    conn.close()
                    continue
            with self.lock:
                self._next_id += 1
                cid = self._next_id
                self._conns[cid] = conn
            t = threading.Thread(target=self._serve, args=(conn, cid), name="%s-%d" % (self.name, cid), daemon=True)
            self._threads.append(t)
            t.start()

    def _ended(self, cid, how):
        with self.lock:
            self.closed.setdefault(cid, how)
            self._conns.pop(cid, None)
            self.cond.notify_all()

    def _serve(self, conn, cid):
        buf = b""
        try:
            while not self.stop_event.is_set():
                while b"\r\n\r\n" not in buf:
                    try:
                        data = conn.recv(65536)
                    except socket.timeout:
                        self._ended(cid, "idle for %.0f s" % self.timeout)
                        return
                    except ConnectionResetError:
                        self._ended(cid, "reset by the gateway")
                        return
                    except OSError:
                        self._ended(cid, "closed here")
                        return
                    if not data:
                        self._ended(cid, "closed by the gateway" + (" inside a head" if buf else ""))
                        return
                    buf += data
                i = buf.index(b"\r\n\r\n") + 4
                ex = Exchange(self, conn, cid, buf[:i], buf[i:])
                with self.lock:
                    self.requests.append(ex)
                    self.cond.notify_all()
                keep = self.respond(ex)
                if ex.ended:
                    self._ended(cid, ex.ended)
                    return
                if not keep:
                    if conn.fileno() >= 0:
                        # Lingering: what the gateway still sends is read, so that the close is no reset.
                        conn.shutdown(socket.SHUT_WR)
                        ex.drain()
                    self._ended(cid, ex.ended or "closed here")
                    return
                buf = ex.buf
        finally:
            try:
                conn.close()
            except OSError:
                pass
            self._ended(cid, "closed here")


def response(status, reason, headers=(), body=b""):
    """A response head with Content-Length, and its body."""
    lines = ["HTTP/1.1 %d %s" % (status, reason)] + list(headers) + ["Content-Length: %d" % len(body)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
