"""Clients of the gateway: curl (HTTP requests), openssl s_client (handshakes, resumption), and raw Python TLS
sockets for what neither does (WebSocket frames, byte-by-byte request heads)."""
import json
import os
import re
import socket
import ssl
import subprocess
import time

from harness import common


class Response:
    def __init__(self, argv, exit_code, status, headers, body, stderr, elapsed, blocks):
        self.argv = argv
        self.exit_code = exit_code
        self.status = status          # final HTTP status (0 when none)
        self.headers = headers        # [(name, value)] of the final response
        self.body = body              # bytes
        self.stderr = stderr
        self.elapsed = elapsed
        self.blocks = blocks          # every response head (e.g. "100 Continue" then the final one)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            common.fail("response body is not JSON", self)

    def upstream_header(self, name):
        """Values the upstream received for `name` (the echo body's header list)."""
        return [v for k, v in self.json()["headers"] if k.lower() == name.lower()]

    def describe(self):
        body = self.text
        if len(body) > 1500:
            body = body[:1500] + "...(%d bytes)" % len(self.body)
        return ("--- curl exit %d, HTTP %d, %.2f s: %s\nheaders: %s\nbody: %s\ncurl stderr: %s"
                % (self.exit_code, self.status, self.elapsed, " ".join(self.argv), self.headers, body,
                   self.stderr.strip()))


def _parse_heads(raw):
    blocks = []
    for block in re.split(rb"\r?\n\r?\n", raw):
        lines = block.decode("latin-1").splitlines()
        if not lines or not lines[0].startswith("HTTP/"):
            continue
        parts = lines[0].split(" ", 2)
        status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        headers = []
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers.append((k.strip(), v.strip()))
        blocks.append((status, headers))
    return blocks


def curl(url, *, cacert=None, cert=None, key=None, resolve=(), headers=(), data_file=None, data=None,
         method=None, output=None, extra=(), timeout=30):
    """Runs curl once; never raises for HTTP or transport errors (see Response.exit_code / status)."""
    scratch = common.subdir("curl")
    head_path = os.path.join(scratch, "head")
    body_path = output or os.path.join(scratch, "body")
    argv = ["curl", "-sS", "--http1.1", "--max-time", str(timeout), "-D", head_path, "-o", body_path]
    if cacert:
        argv += ["--cacert", cacert]
    if cert:
        argv += ["--cert", cert, "--key", key]
    for r in resolve:
        argv += ["--resolve", r]
    for h in headers:
        argv += ["-H", h]
    if data_file is not None:
        argv += ["--data-binary", "@" + data_file]
    if data is not None:
        argv += ["--data-binary", data]
    if method:
        argv += ["-X", method]
    argv += list(extra)
    argv.append(url)
    started = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=timeout + 10)
        code, err = proc.returncode, proc.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        code, err = -1, "curl did not finish within %d s (killed)" % (timeout + 10)
    elapsed = time.monotonic() - started
    raw_head = open(head_path, "rb").read() if os.path.exists(head_path) else b""
    blocks = _parse_heads(raw_head)
    status, hdrs = blocks[-1] if blocks else (0, [])
    body = b""
    if output is None and os.path.exists(body_path):
        with open(body_path, "rb") as f:
            body = f.read()
    return Response(argv, code, status, hdrs, body, err, elapsed, blocks)


def request(gw, path="/", *, cert="edge", name="localhost", host=None, pki=None, headers=(), ip=None, **kw):
    """curl https://NAME:PORT/PATH to the gateway `gw`, NAME resolved to its address (so NAME is the SNI),
    with the PKI client certificate `cert` (a name like "edge", or None for no certificate).
    host: a different Host header."""
    pki = pki or common.pki()
    ip = ip or gw.host
    hdrs = list(headers)
    if host is not None:
        hdrs.append("Host: %s" % host)
    args = dict(cacert=pki.pem("ca"), resolve=["%s:%d:%s" % (name, gw.port, ip)], headers=hdrs)
    if cert:
        args.update(cert=pki.pem(cert), key=pki.key(cert))
    args.update(kw)
    return curl(gw.url(path, name), **args)


# --- openssl s_client ---

class SClient:
    def __init__(self, argv, code, stdout, stderr):
        self.argv = argv
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.reused = "Reused, " in stdout
        self.new = "New, " in stdout
        self.status, self.headers, self.body = _parse_http(stdout)

    @property
    def output(self):
        return self.stdout + self.stderr

    def describe(self):
        return ("--- s_client exit %d: %s\nstdout:\n%s\nstderr:\n%s"
                % (self.code, " ".join(self.argv), self.stdout[-3000:], self.stderr[-2000:]))

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            common.fail("s_client response body is not JSON", self)


def _parse_http(out):
    i = out.find("HTTP/1.")
    if i < 0:
        return 0, [], ""
    rest = out[i:]
    head, sep, body = rest.partition("\r\n\r\n")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.append((k.strip(), v.strip()))
    for k, v in headers:
        if k.lower() == "content-length" and v.isdigit():
            body = body[:int(v)]
    return status, headers, body


def s_client(port, *, servername=None, cacert=None, cert=None, key=None, sess_out=None, sess_in=None,
             request=None, host="127.0.0.1", extra=(), timeout=15):
    """Runs `openssl s_client` once, feeding `request` (text) on standard input and reading until the
    server closes (-ign_eof). Bounded by `timeout` seconds."""
    argv = ["openssl", "s_client", "-connect", "%s:%d" % (host, port), "-ign_eof"]
    if servername:
        argv += ["-servername", servername]
    if cacert:
        argv += ["-CAfile", cacert, "-verify_return_error"]
    if cert:
        argv += ["-cert", cert, "-key", key]
    if sess_out:
        argv += ["-sess_out", sess_out]
    if sess_in:
        argv += ["-sess_in", sess_in]
    argv += list(extra)
    try:
        proc = subprocess.run(argv, input=(request or "").encode(), capture_output=True, timeout=timeout)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        code, out, err = -1, e.stdout or b"", (e.stderr or b"") + b"\n(s_client killed after timeout)"
    return SClient(argv, code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def http_get(host_header, path="/"):
    return "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, host_header)


# --- raw TLS sockets ---

def tls_socket(port, *, cert="edge", server_hostname="localhost", host="127.0.0.1", pki=None, timeout=10):
    """A connected, handshaken TLS socket to the gateway with the PKI client certificate `cert`."""
    pki = pki or common.pki()
    ctx = ssl.create_default_context(cafile=pki.pem("ca"))
    if cert:
        ctx.load_cert_chain(pki.pem(cert), pki.key(cert))
    raw = socket.create_connection((host, port), timeout=timeout)
    try:
        return ctx.wrap_socket(raw, server_hostname=server_hostname)
    except BaseException:
        raw.close()
        raise


class SessionExchange:
    """One request over a Python TLS connection that may have offered a saved session."""

    def __init__(self, server_hostname, raw, session, reused, version, error):
        self.server_hostname = server_hostname
        self.raw = raw                # every byte received
        self.session = session        # the connection's ssl.SSLSession (offer it on the next connection)
        self.reused = reused          # SSLSocket.session_reused: the server resumed the offered session
        self.version = version        # "TLSv1.3", "TLSv1.2"
        self.error = error            # what ended the connection abnormally, or ""
        head, _, self.body = raw.partition(b"\r\n\r\n")
        first = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = first.split(" ", 2)
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def describe(self):
        return ("--- python TLS to SNI %r (%s), resumed=%s, error=%r\nreceived:\n%s"
                % (self.server_hostname, self.version, self.reused, self.error,
                   self.raw[-2000:].decode("latin-1")))


def session_context(*, cert=None, version=None, pki=None):
    """A client SSLContext for session_exchange(): trusts the test CA, presents the PKI certificate `cert` (or none),
    TLS `version` only ("1.2" or "1.3") when given. One context keeps the sessions it made resumable: Python
    offers a session only on a connection of the context that made it. The server name is not checked (host
    blocks in the tests have names the test server certificate does not list; the policy is what is tested)."""
    pki = pki or common.pki()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(pki.pem("ca"))
    if cert:
        ctx.load_cert_chain(pki.pem(cert), pki.key(cert))
    if version:
        v = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[version]
        ctx.minimum_version = ctx.maximum_version = v
    return ctx


def session_exchange(port, ctx, server_hostname, request, *, session=None, host="127.0.0.1", timeout=10):
    """Connects with `ctx` (SNI `server_hostname`, None for no SNI), offering `session`, sends `request` (text)
    and reads until the gateway closes the connection or `timeout` passes. The session is taken after the
    response: TLS 1.3 tickets arrive after the handshake."""
    raw_sock = socket.create_connection((host, port), timeout=timeout)
    data, error, sock = b"", "", None
    try:
        sock = ctx.wrap_socket(raw_sock, server_hostname=server_hostname, session=session)
        sock.sendall(request.encode())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                part = sock.recv(65536)
            except socket.timeout:
                error = "no close within %d s" % timeout
                break
            except (ssl.SSLError, ConnectionError) as e:
                error = str(e)
                break
            if not part:
                break
            data += part
        return SessionExchange(server_hostname, data, sock.session, sock.session_reused, sock.version(), error)
    except (ssl.SSLError, ConnectionError) as e:
        return SessionExchange(server_hostname, data, None, False, None, "handshake: %s" % e)
    finally:
        (sock or raw_sock).close()


def raw_exchange(port, request, *, cert="edge", timeout=10):
    """Sends `request` (bytes) on a new TLS connection and reads until the gateway closes it or `timeout`
    passes. Returns (the bytes received, whether the gateway closed the connection)."""
    sock = tls_socket(port, cert=cert, timeout=timeout)
    data = b""
    closed = False
    try:
        sock.sendall(request)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                part = sock.recv(65536)
            except socket.timeout:
                break
            except (ssl.SSLError, ConnectionError):
                closed = True
                break
            if not part:
                closed = True
                break
            data += part
    finally:
        sock.close()
    return data, closed


def _recv_or_empty(sock):
    try:
        return sock.recv(65536)
    except (socket.timeout, ssl.SSLError, ConnectionError):
        return b""


def exchange_on(sock, request, timeout=10):
    """Sends `request` (bytes) on an open connection and reads one response framed by Content-Length (or
    ended by the server closing). Returns (status, {lower-case name: [values]}, body bytes); status 0 when
    no complete response head came within `timeout` seconds."""
    sock.settimeout(timeout)
    sock.sendall(request)
    data = b""
    deadline = time.monotonic() + timeout
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        part = _recv_or_empty(sock)
        if not part:
            break
        data += part
    if b"\r\n\r\n" not in data:
        return 0, {}, data
    status_line, headers, body = split_response(data)
    parts = status_line.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    length = int(headers.get("content-length", ["-1"])[0])
    while (length < 0 or len(body) < length) and time.monotonic() < deadline:
        part = _recv_or_empty(sock)
        if not part:
            break
        body += part
    return status, headers, body


def split_response(data):
    """(status line, {lower-case name: [values]}, body bytes) of one raw HTTP/1.x response."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return lines[0], headers, body


def dechunk(body):
    """The payload of a chunked body, and whether it ended with the last chunk."""
    out = b""
    while True:
        line, sep, rest = body.partition(b"\r\n")
        if not sep:
            return out, False
        size = int(line.split(b";")[0], 16)
        if size == 0:
            return out, rest.startswith(b"\r\n")
        out += rest[:size]
        body = rest[size + 2:]
