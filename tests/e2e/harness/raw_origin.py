"""A recording origin that parses what a gateway forwards *strictly* (RFC 9110/9112), so that any ambiguity in
what the gateway sent is visible.

RawOrigin listens on 127.0.0.1:0 (one thread per connection, keep-alive). For every request it records the raw
head, method, target, version, the header fields (name and value exactly as received), the framing it used
(none / content-length / chunked), the body, the trailer fields, the connection id and a list of
*ambiguities*: anything that a less strict parser behind the gateway could read differently (both
Content-Length and Transfer-Encoding, a Transfer-Encoding other than exactly `chunked`, several Content-Length
fields or a list, a non-digit length, obs-fold, bare LF or CR, control characters in names or values,
whitespace before a colon, bytes that do not form a request, invalid chunk syntax, a missing or doubled Host,
an Upgrade to something other than WebSocket, a Connection header naming framing or identity fields, ...).

A parsed request is answered 200 with a JSON body naming it: {"seq": per-origin sequence number, "conn",
"method", "target", "marker": the X-Test-Marker value or null, "body_length"}, with Content-Length, kept alive
(HTTP/1.0 without keep-alive: closed). A request that cannot be parsed unambiguously (framing, request line,
header syntax, chunk syntax) is recorded with the reason, answered 400 and the connection is closed.
"""
import json
import re
import socket
import threading
import time

from harness import common

MAX_HEAD = 64 * 1024
MAX_BODY = 64 * 1024 * 1024
KEEP_BODY = 1024 * 1024  # bytes of each body kept in the record
IDLE_TIMEOUT = 30.0      # an idle connection from the gateway is closed after this long

TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
OWS = b" \t"

# Reserved (identity) names, compared after folding: lower case, "_" -> "-".
RESERVED = ("x-client-verify", "x-client-identity", "x-client-mapping", "x-client-cert-subject",
            "x-client-cert-issuer", "x-client-cert-fingerprint", "x-client-cert-serial", "client-cert",
            "client-cert-chain", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded",
            "x-real-ip")
FRAMING = ("content-length", "transfer-encoding", "host")

_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_QUOTED = rb'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
# chunk = chunk-size [ chunk-ext ] CRLF; chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted ) ] )
CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]+)((?:[ \t]*;[ \t]*" + _TOKEN + rb"(?:[ \t]*=[ \t]*(?:" + _TOKEN + rb"|"
                        + _QUOTED + rb"))?)*)")
HOST_VALUE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+;=%]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?")


def fold(name):
    return name.lower().replace("_", "-")


def is_token(data):
    return len(data) > 0 and all(b in TCHAR for b in data)


def _ctl_problem(data):
    """What is wrong with the bytes of a field value, or None (HTAB and obs-text are allowed)."""
    if b"\x00" in data:
        return "NUL"
    if b"\r" in data:
        return "bare CR"
    if b"\n" in data:
        return "bare LF"
    for b in data:
        if b < 0x20 and b != 0x09 or b == 0x7F:
            return "control character 0x%02x" % b
    return None


class Fatal(Exception):
    """The request cannot be read unambiguously: recorded, answered 400, connection closed."""


class _Closed(Exception):
    """The gateway closed the connection."""


class _Reader:
    def __init__(self, sock, stop):
        self.sock, self.stop = sock, stop
        self.buf = bytearray()

    def _fill(self):
        while True:
            if self.stop.is_set():
                raise _Closed()
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise _Closed()
            except OSError:
                raise _Closed()
            if not data:
                raise _Closed()
            self.buf += data
            return

    def line(self, limit):
        """Bytes up to and including the next LF. Fatal past `limit` bytes."""
        start = 0
        while True:
            i = self.buf.find(b"\n", start)
            if i >= 0:
                out = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                return out
            if len(self.buf) > limit:
                raise Fatal("line longer than %d bytes" % limit)
            start = len(self.buf)
            self._fill()

    def exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def take_all(self):
        out = bytes(self.buf)
        self.buf.clear()
        return out


def _strip_eol(line, what, rec, strict):
    """The line without its terminator; a bare LF is an ambiguity (fatal when strict)."""
    if line.endswith(b"\r\n"):
        return line[:-2]
    msg = "bare LF ends %s" % what
    if strict:
        raise Fatal(msg)
    rec["ambiguities"].append(msg)
    return line[:-1]


def _parse_field_line(content, what, rec):
    """(name, value) of one field line, as received. Fatal for what no parser may guess at."""
    colon = content.find(b":")
    if colon < 0:
        raise Fatal("%s line without a colon: %r" % (what, content[:80]))
    name, value = content[:colon], content[colon + 1:]
    if not name:
        raise Fatal("%s line with an empty name" % what)
    if name[-1:] in (b" ", b"\t"):
        raise Fatal("whitespace before the colon in %s %r" % (what, name[:80]))
    if not is_token(name):
        raise Fatal("non-token character in %s name %r" % (what, name[:80]))
    problem = _ctl_problem(value)
    if problem:
        rec["ambiguities"].append("%s in the value of %s %s" % (problem, what, name.decode("latin-1")))
    return name.decode("latin-1"), value.decode("latin-1")


def _linger_close(conn):
    """Closes after the peer has read what was sent: half-close, drain briefly, close (a close with unread
    input would reset the connection and could destroy the last response)."""
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(0.2)
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline and conn.recv(65536):
            pass
    except OSError:
        pass
    try:
        conn.close()
    except OSError:
        pass


class RawOrigin:
    """The recording origin. `records` holds one dict per request (or unparseable run of bytes), in arrival
    order; a record is appended as soon as its head is read and completed when its body has been read."""

    def __init__(self, name="raw-origin"):
        self.name = name
        self.records = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self._seq = 0
        self._conn_ids = 0
        self._conns = set()
        self._threads = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self._acceptor = threading.Thread(target=self._accept_loop, name="%s-accept" % name, daemon=True)
        self._acceptor.start()
        common.register(self)

    # --- for the tests ---

    def mark(self):
        with self.lock:
            return len(self.records)

    def records_since(self, mark):
        with self.lock:
            return [dict(r) for r in self.records[mark:]]

    def connections_open(self):
        with self.lock:
            return len(self._conns)

    def drop_connections(self, timeout=2.0):
        """Closes every connection from the gateway (its pooled upstream connections die with them), so that
        whatever one payload left on them cannot reach the next. Returns once their threads have ended."""
        with self.lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.connections_open():
            time.sleep(0.005)

    def close(self):
        self.stop_event.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._acceptor.join(timeout=5)
        for t in list(self._threads):
            t.join(timeout=5)
        common.unregister(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def describe(self):
        with self.lock:
            recs = list(self.records)
        lines = ["--- %s on 127.0.0.1:%d: %d records (last 15)" % (self.name, self.port, len(recs))]
        for r in recs[-15:]:
            lines.append("  #%s conn %s %s %r %s framing=%s body=%d complete=%s ambiguities=%s" % (
                r.get("seq"), r["conn"], r.get("method"), r.get("target"), r.get("version"), r.get("framing"),
                r.get("body_length", 0), r.get("complete"), r["ambiguities"]))
        return "\n".join(lines)

    def dump(self, path):
        """Every record as JSON (bodies as latin-1 text), for a failure report or a comparison."""
        with self.lock:
            recs = [dict(r) for r in self.records]
        for r in recs:
            for k in ("raw_head", "body", "leftover"):
                if isinstance(r.get(k), (bytes, bytearray)):
                    r[k] = bytes(r[k]).decode("latin-1")
        with open(path, "w") as f:
            json.dump(recs, f, indent=1)

    # --- server ---

    def _accept_loop(self):
        while not self.stop_event.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self._conn_ids += 1
                cid = self._conn_ids
                self._conns.add(conn)
            t = threading.Thread(target=self._serve, args=(conn, cid), name="%s-conn%d" % (self.name, cid),
                                 daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    def _new_record(self, cid):
        return {"seq": None, "conn": cid, "time": time.monotonic(), "raw_head": b"", "method": None,
                "target": None, "version": None, "headers": [], "framing": "none", "body": b"",
                "body_length": 0, "trailers": [], "ambiguities": [], "complete": False, "parsed": False,
                "error": None, "status": None}

    def _publish(self, rec):
        with self.lock:
            self._seq += 1
            rec["seq"] = self._seq
            self.records.append(rec)

    def _serve(self, conn, cid):
        conn.settimeout(IDLE_TIMEOUT)
        reader = _Reader(conn, self.stop_event)
        try:
            while not self.stop_event.is_set():
                if not self._one_request(conn, reader, cid):
                    break
        finally:
            _linger_close(conn)
            with self.lock:
                self._conns.discard(conn)

    def _one_request(self, conn, reader, cid):
        """Reads and answers one request. False when the connection is to be closed."""
        rec = self._new_record(cid)
        published = False
        try:
            try:
                first = reader.line(MAX_HEAD)
            except _Closed:
                rest = reader.take_all()
                if rest:  # bytes the gateway sent that never became a request
                    rec["raw_head"] = rest
                    rec["ambiguities"].append("bytes at connection close that do not form a request: %r"
                                              % rest[:120])
                    self._publish(rec)
                return False
            head = bytearray(first)
            while first in (b"\r\n", b"\n"):
                rec["ambiguities"].append("empty line before the request line")
                first = reader.line(MAX_HEAD)
                head += first
            self._parse_request_line(first, rec)
            rec["parsed"] = True
            self._read_fields(reader, rec, head)
            fatal = self._judge_head(rec)
            self._publish(rec)
            published = True
            if fatal:
                raise Fatal(fatal)
            self._read_body(conn, reader, rec)
        except Fatal as e:
            rec["ambiguities"].append(str(e))
            rec["leftover"] = reader.take_all()[:4096]
            if not published:
                rec["raw_head"] = bytes(rec["raw_head"]) or rec.get("leftover", b"")
                self._publish(rec)
            rec["status"] = 400
            self._send(conn, 400, {"error": str(e), "seq": rec["seq"]}, close=True)
            return False
        except _Closed:
            if published:
                rec["error"] = "connection closed before the request was complete"
            else:
                rec["ambiguities"].append("connection closed inside a request head: %r" % bytes(rec["raw_head"])[:120])
                self._publish(rec)
            return False
        rec["complete"] = True
        rec["status"] = 200
        close = self._wants_close(rec)
        marker = self._header(rec, "x-test-marker")
        self._send(conn, 200, {"seq": rec["seq"], "conn": cid, "method": rec["method"], "target": rec["target"],
                               "marker": marker[0].strip(" \t") if marker else None,
                               "body_length": rec["body_length"]}, close=close, head_only=rec["method"] == "HEAD")
        return not close

    # --- parsing ---

    def _parse_request_line(self, line, rec):
        rec["raw_head"] = line
        content = _strip_eol(line, "the request line", rec, strict=False)
        if b"\r" in content:
            raise Fatal("bare CR in the request line: %r" % content[:120])
        parts = content.split(b" ")
        if len(parts) != 3 or not all(parts):
            raise Fatal("request line is not method SP target SP version: %r" % content[:120])
        method, target, version = parts
        if not is_token(method):
            raise Fatal("method is not a token: %r" % method[:60])
        if version not in (b"HTTP/1.1", b"HTTP/1.0"):
            raise Fatal("version is not HTTP/1.0 or HTTP/1.1: %r" % version[:60])
        rec["method"] = method.decode("latin-1")
        rec["target"] = target.decode("latin-1")
        rec["version"] = version.decode("latin-1")
        if any(b < 0x21 or b > 0x7E for b in target):
            rec["ambiguities"].append("control or non-ASCII byte in the target %r" % target[:120])
        if b"#" in target:
            rec["ambiguities"].append("fragment in the target %r" % target[:120])
        low = target.lower()
        if target.startswith(b"/"):
            rec["form"] = "origin"
        elif target == b"*":
            rec["form"] = "asterisk"
            if method != b"OPTIONS":
                rec["ambiguities"].append("asterisk-form target with method %s" % rec["method"])
        elif low.startswith(b"http://") or low.startswith(b"https://"):
            rec["form"] = "absolute"
            rest = target.split(b"//", 1)[1]
            authority = re.split(rb"[/?#]", rest, maxsplit=1)[0]
            rec["authority"] = authority.decode("latin-1")
            if b"@" in authority:
                rec["ambiguities"].append("userinfo in the absolute-form target")
        else:
            raise Fatal("target is not in origin-, absolute- or asterisk-form: %r" % target[:120])

    def _read_fields(self, reader, rec, head):
        while True:
            line = reader.line(MAX_HEAD)
            head += line
            if len(head) > MAX_HEAD:
                rec["raw_head"] = bytes(head)
                raise Fatal("request head larger than %d bytes" % MAX_HEAD)
            if line in (b"\r\n", b"\n"):
                if line == b"\n":
                    rec["ambiguities"].append("bare LF ends the header section")
                break
            content = _strip_eol(line, "a header line", rec, strict=False)
            if content[:1] in (b" ", b"\t"):
                if not rec["headers"]:
                    rec["raw_head"] = bytes(head)
                    raise Fatal("whitespace before the first header field: %r" % content[:80])
                rec["ambiguities"].append("obs-fold (line folding) after header %s" % rec["headers"][-1][0])
                name, value = rec["headers"][-1]
                rec["headers"][-1] = (name, value + " " + content.strip(OWS).decode("latin-1"))
                problem = _ctl_problem(content)
                if problem:
                    rec["ambiguities"].append("%s in a folded line" % problem)
                continue
            try:
                rec["headers"].append(_parse_field_line(content, "header", rec))
            except Fatal:
                rec["raw_head"] = bytes(head)
                raise
        rec["raw_head"] = bytes(head)

    def _header(self, rec, name, where="headers"):
        return [v for n, v in rec[where] if n.lower() == name]

    def _judge_head(self, rec):
        """Records the ambiguities of a parsed head; returns the reason it cannot be framed, or None."""
        amb = rec["ambiguities"]
        hosts = self._header(rec, "host")
        if rec["version"] == "HTTP/1.1" and not hosts:
            amb.append("no Host in an HTTP/1.1 request")
        if len(hosts) > 1:
            amb.append("%d Host fields" % len(hosts))
        for h in hosts:
            value = h.strip(" \t")
            if not HOST_VALUE.fullmatch(value):
                amb.append("invalid Host value %r" % value[:80])
        if rec.get("form") == "absolute" and hosts and hosts[0].strip(" \t").lower() != rec["authority"].lower():
            amb.append("absolute-form target for %r with Host %r" % (rec["authority"], hosts[0].strip(" \t")))
        for value in self._header(rec, "connection"):
            for token in (t.strip(" \t").lower() for t in value.split(",")):
                if token in FRAMING or fold(token) in RESERVED:
                    amb.append("Connection lists %s" % token)
        upgrade = self._header(rec, "upgrade")
        cls = self._header(rec, "content-length")
        tes = self._header(rec, "transfer-encoding")
        for value in upgrade:
            for token in (t.strip(" \t").lower() for t in value.split(",")):
                if token and token.split("/")[0] != "websocket":
                    amb.append("Upgrade: %s offered to the origin" % token)
        if upgrade and (tes or any(v.strip(" \t") not in ("", "0") for v in cls)):
            amb.append("Upgrade on a request with a body")
        if tes and cls:
            return "both Content-Length and Transfer-Encoding"
        if tes:
            if len(tes) > 1:
                return "%d Transfer-Encoding fields" % len(tes)
            if tes[0].strip(" \t").lower() != "chunked":
                return "Transfer-Encoding is not exactly chunked: %r" % tes[0][:80]
            if rec["version"] == "HTTP/1.0":
                return "Transfer-Encoding in an HTTP/1.0 request"
            rec["framing"] = "chunked"
            return None
        if cls:
            if len(cls) > 1:
                return "%d Content-Length fields" % len(cls)
            value = cls[0].strip(" \t")
            if "," in value:
                return "Content-Length list %r" % value[:80]
            if not re.fullmatch(r"[0-9]+", value):
                return "Content-Length is not 1*DIGIT: %r" % value[:80]
            if int(value) > MAX_BODY:
                return "Content-Length %s larger than this origin reads" % value[:40]
            rec["framing"] = "content-length"
            rec["content_length"] = int(value)
        return None

    def _read_body(self, conn, reader, rec):
        expect = self._header(rec, "expect")
        if expect and expect[0].strip(" \t").lower() == "100-continue" and rec["framing"] != "none":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        if rec["framing"] == "content-length":
            n = rec["content_length"]
            body = bytearray()
            while len(body) < n:
                body += reader.exact(min(65536, n - len(body)))
                rec["body_length"] = len(body)
            rec["body"] = bytes(body[:KEEP_BODY])
        elif rec["framing"] == "chunked":
            self._read_chunked(reader, rec)

    def _read_chunked(self, reader, rec):
        body = bytearray()
        while True:
            line = reader.line(4096)
            content = _strip_eol(line, "a chunk-size line", rec, strict=True)
            if b"\r" in content:
                raise Fatal("bare CR in a chunk-size line: %r" % content[:80])
            m = CHUNK_LINE.fullmatch(content)
            if not m:
                raise Fatal("invalid chunk-size line: %r" % content[:80])
            digits = m.group(1).lstrip(b"0") or b"0"
            if len(digits) > 15:
                raise Fatal("chunk size overflow: %r" % m.group(1)[:40])
            size = int(digits, 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY:
                raise Fatal("chunked body larger than this origin reads")
            data = reader.exact(size)
            body += data
            rec["body_length"] = len(body)
            if reader.exact(2) != b"\r\n":
                raise Fatal("chunk data not followed by CRLF")
        while True:
            line = reader.line(MAX_HEAD)
            if line in (b"\r\n", b"\n"):
                if line == b"\n":
                    raise Fatal("bare LF ends the trailer section")
                break
            content = _strip_eol(line, "a trailer line", rec, strict=True)
            if content[:1] in (b" ", b"\t"):
                raise Fatal("obs-fold in the trailer section")
            name, value = _parse_field_line(content, "trailer", rec)
            rec["trailers"].append((name, value))
            if fold(name) in FRAMING:
                rec["ambiguities"].append("%s in the trailer section" % name)
        rec["body"] = bytes(body[:KEEP_BODY])
        rec["body_length"] = len(body)

    def _wants_close(self, rec):
        tokens = set()
        for value in self._header(rec, "connection"):
            tokens.update(t.strip(" \t").lower() for t in value.split(","))
        if rec["version"] == "HTTP/1.0":
            return "keep-alive" not in tokens
        return "close" in tokens

    def _send(self, conn, status, obj, close, head_only=False):
        body = json.dumps(obj).encode()
        reason = {200: "OK", 400: "Bad Request"}.get(status, "Status")
        head = ("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n"
                % (status, reason, len(body), "Connection: close\r\n" if close else "Connection: keep-alive\r\n"))
        try:
            conn.sendall(head.encode() + (b"" if head_only else body))
        except OSError:
            pass
