"""One TLS connection to the gateway that carries several requests in turn (keep-alive), read response by
response: what the tests of per-connection behaviour need (a decision taken again on the same connection, the
last request of a connection, interim responses, how the connection ended)."""
import select
import socket
import ssl
import time

from harness import common
from harness.client import tls_socket


class RawResponse:
    def __init__(self, status_line, headers, body, interim, raw):
        self.status_line = status_line
        parts = status_line.split(" ", 2)
        self.version = parts[0]
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        self.headers = headers        # [(name, value)] as received
        self.body = body              # bytes (dechunked)
        self.interim = interim        # [(status, [(name, value)])] of the 1xx heads before this one
        self.raw = raw                # every byte of this response, interim heads included

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def connection_tokens(self):
        tokens = set()
        for v in self.header_values("Connection"):
            tokens.update(t.strip().lower() for t in v.split(","))
        return tokens

    def describe(self):
        raw = self.raw if len(self.raw) < 3000 else self.raw[:3000] + b"...(%d bytes)" % len(self.raw)
        return "--- response %r, %d interim, received:\n%s" % (self.status_line, len(self.interim),
                                                              raw.decode("latin-1"))


def _parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return lines[0], headers


class HttpConnection:
    """A TLS connection to the gateway `port` with the PKI client certificate `cert`; every wait is bounded by
    `timeout` seconds."""

    def __init__(self, port, *, cert="edge", server_hostname="localhost", timeout=10, pki=None):
        self.timeout = timeout
        self.sock = tls_socket(port, cert=cert, server_hostname=server_hostname, pki=pki, timeout=timeout)
        self.local_port = self.sock.getsockname()[1]
        self.buf = b""
        self.eof = False
        common.register(self)

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def _fill(self):
        """More bytes into the buffer; False at the end of the stream."""
        if self.eof:
            return False
        try:
            part = self.sock.recv(65536)
        except socket.timeout:
            common.fail("no data from the gateway within %s s (have %r)" % (self.timeout, self.buf[-300:]))
        except OSError as e:
            common.fail("reading from the gateway failed: %s (have %r)" % (e, self.buf[-300:]))
        if not part:
            self.eof = True
            return False
        self.buf += part
        return True

    def _take_until(self, marker):
        while marker not in self.buf:
            if not self._fill():
                return None
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def _take(self, n):
        while len(self.buf) < n:
            if not self._fill():
                common.fail("the gateway closed the connection %d bytes into a %d-byte body"
                            % (len(self.buf), n))
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self):
        """The next response head alone (an interim one, say), as bytes; None when the connection ended first."""
        return self._take_until(b"\r\n\r\n")

    def read_response(self, head_request=False):
        """The next response (after any 1xx heads), its body read by its framing. None when the gateway closed
        the connection before a response began."""
        raw = b""
        interim = []
        while True:
            head = self._take_until(b"\r\n\r\n")
            if head is None:
                if raw or self.buf:
                    common.fail("the connection ended inside a response head: %r" % (raw + self.buf)[-500:])
                return None
            raw += head
            status_line, headers = _parse_head(head[:-4])
            status = int(status_line.split(" ")[1])
            if 100 <= status < 200 and status != 101:
                interim.append((status, headers))
                continue
            break
        body = b""
        lower = {k.lower(): v for k, v in headers}
        if head_request or status in (101, 204, 304):
            pass
        elif "chunked" in lower.get("transfer-encoding", "").lower():
            while True:
                line = self._take_until(b"\r\n")
                if line is None:
                    common.fail("the connection ended inside a chunked body")
                raw += line
                size = int(line.split(b";")[0].strip(), 16)
                if size == 0:
                    trailer = self._take_until(b"\r\n")
                    raw += trailer or b""
                    break
                chunk = self._take(size + 2)
                raw += chunk
                body += chunk[:-2]
        elif "content-length" in lower:
            body = self._take(int(lower["content-length"]))
            raw += body
        else:
            while self._fill():
                pass
            body, self.buf = self.buf, b""
            raw += body
        return RawResponse(status_line, headers, body, interim, raw)

    def request(self, method, path, headers=(), body=b"", host="localhost"):
        """Sends one request (Host, then `headers`, then Content-Length when there is a body) and reads its
        response."""
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % host] + list(headers)
        if body:
            lines.append("Content-Length: %d" % len(body))
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        return self.read_response(head_request=method == "HEAD")

    def poll_data(self, timeout):
        """Waits up to `timeout` seconds for application data (or the end of the stream) from the gateway, kept
        in self.buf. True when some came. TLS records without data (session tickets) do not count."""
        if self.buf or self.eof:
            return True
        deadline = time.monotonic() + timeout
        self.sock.setblocking(False)
        try:
            while True:
                if not self.sock.pending():
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    readable, _, _ = select.select([self.sock], [], [], left)
                    if not readable:
                        return False
                try:
                    part = self.sock.recv(65536)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                    continue
                except OSError:
                    self.eof = True
                    return True
                if not part:
                    self.eof = True
                self.buf += part
                return True
        finally:
            self.sock.setblocking(True)
            self.sock.settimeout(self.timeout)

    def send_while_reading(self, data, *, stop_on_response=False, timeout=None):
        """Sends `data` while reading whatever the gateway answers meanwhile (into self.buf), as a client does
        that watches for an early response during an upload; one thread, so the TLS object is never used by
        two at once. stop_on_response: stop sending once a response head has arrived. Returns (bytes sent,
        the error that stopped the sending or None)."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        view = memoryview(data)
        sent = 0
        error = None
        self.sock.setblocking(False)
        try:
            while sent < len(view):
                if stop_on_response and b"\r\n\r\n" in self.buf:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    error = "not sent within the time limit"
                    break
                # After the gateway's close_notify only its side is closed (RFC 8446 6.1): sending goes on.
                readers = [] if self.eof else [self.sock]
                readable, writable, _ = select.select(readers, [self.sock], [], min(left, 0.5))
                if readable or (not self.eof and self.sock.pending()):
                    try:
                        part = self.sock.recv(65536)
                        if not part:
                            self.eof = True
                        self.buf += part
                    except ssl.SSLWantReadError:
                        pass
                    except (ssl.SSLWantWriteError, BlockingIOError):
                        pass
                    except OSError as e:
                        error = "reading: %s" % e
                        break
                if writable:
                    try:
                        sent += self.sock.send(view[sent:sent + 16384])
                    except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
                        pass
                    except OSError as e:
                        error = "sending: %s" % e
                        break
        finally:
            self.sock.setblocking(True)
            self.sock.settimeout(self.timeout)
        return sent, error

    def wait_closed(self, timeout=None):
        """How the gateway ended the connection, waiting up to `timeout` seconds (default: the connection's):
        "closed" (close_notify or a TCP end), "reset", or "open" (still open when the wait ended). Bytes that
        arrive meanwhile stay in self.buf."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return "open"
            self.sock.settimeout(left)
            try:
                part = self.sock.recv(65536)
            except socket.timeout:
                return "open"
            except (ConnectionResetError, BrokenPipeError):
                return "reset"
            except ssl.SSLError as e:
                return "reset" if "reset" in str(e).lower() else "closed"
            finally:
                self.sock.settimeout(self.timeout)
            if not part:
                self.eof = True
            self.buf += part
        return "closed"

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        common.unregister(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def describe(self):
        return "--- client connection from local port %d: %d unread bytes, eof=%s: %r" % (
            self.local_port, len(self.buf), self.eof, self.buf[-500:])


def client_port(entry):
    """The client port of an access log entry ("127.0.0.1:53412" -> 53412)."""
    return int(str(entry.get("client", "")).rsplit(":", 1)[1])


def check_one_connection(gw, conn, paths):
    """The access log entries of `paths` all came from the client port of `conn`: one TCP (and so one TLS)
    connection served them. Returns the entries."""
    entries = [gw.log_for_path(path) for path in paths]
    for path, entry in zip(paths, entries):
        common.check_eq(client_port(entry), conn.local_port, "client port logged for %s" % path)
    return entries
