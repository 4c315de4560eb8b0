"""An HTTP/2 client of the gateway for the h2 tests: TLS with ALPN (["h2"] unless told), SNI and the PKI client
certificate, then frames written and read by this module, header blocks coded with hpack (the python3-h2
stack from Debian; `h2` itself only names the error and setting codes).

Nothing checks what a test sends: header names and values are bytes as given (upper case, CR/LF/NUL, pseudo-
headers anywhere, duplicated), header blocks can be split over CONTINUATION frames at any byte, and any frame
can be written raw (frame()). What comes back is recorded per stream (status, headers, body, trailers, the
RST_STREAM code) and for the connection (GOAWAY code, closed), and every read is bounded by a timeout.

    c = H2Client(gw.port)                            # handshake, preface, SETTINGS
    sid = c.request("GET", "/x")                     # HEADERS (END_STREAM), returns the stream id
    r = c.response(sid)                              # waits until the stream ends, is reset or the connection closes
    r.status, r.headers, r.body, r.trailers, r.reset
    c.goaway_code, c.closed
"""
import hashlib
import json
import socket
import ssl
import struct
import sys
import time

sys.path.append("/usr/lib/python3/dist-packages")  # python3-h2, python3-hpack (Debian), not in the pyenv Python
import hpack  # noqa: E402
from h2.errors import ErrorCodes  # noqa: E402
from h2.settings import SettingCodes  # noqa: E402

from harness import common  # noqa: E402

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
FRAME_NAMES = {DATA: "DATA", HEADERS: "HEADERS", PRIORITY: "PRIORITY", RST_STREAM: "RST_STREAM",
               SETTINGS: "SETTINGS", PUSH_PROMISE: "PUSH_PROMISE", PING: "PING", GOAWAY: "GOAWAY",
               WINDOW_UPDATE: "WINDOW_UPDATE", CONTINUATION: "CONTINUATION"}
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20

NO_ERROR = ErrorCodes.NO_ERROR
PROTOCOL_ERROR = ErrorCodes.PROTOCOL_ERROR
CANCEL = ErrorCodes.CANCEL
ENHANCE_YOUR_CALM = ErrorCodes.ENHANCE_YOUR_CALM
INITIAL_WINDOW_SIZE = SettingCodes.INITIAL_WINDOW_SIZE
MAX_FRAME_SIZE = SettingCodes.MAX_FRAME_SIZE
MAX_CONCURRENT_STREAMS = SettingCodes.MAX_CONCURRENT_STREAMS
ENABLE_PUSH = SettingCodes.ENABLE_PUSH


def code_name(code):
    try:
        return "%s (0x%x)" % (ErrorCodes(code).name, code)
    except ValueError:
        return "0x%x" % code


def frame(ftype, flags, stream_id, payload=b""):
    """One frame's bytes: 9-byte header (length, type, flags, stream id) and the payload, nothing checked."""
    return struct.pack("!I", len(payload))[1:] + struct.pack("!BBI", ftype, flags, stream_id & 0x7FFFFFFF) + payload


def settings_payload(settings):
    return b"".join(struct.pack("!HI", int(k), v) for k, v in dict(settings).items())


def _b(v):
    return v if isinstance(v, bytes) else str(v).encode("latin-1")


class StreamResult:
    """What came back on one stream."""

    def __init__(self, stream_id, keep_body=True):
        self.id = stream_id
        self.status = None          # the final status (int), None until a final response head came
        self.headers = []           # [(name, value)] of the final response head, str (latin-1)
        self.informational = []     # [(status, headers)] of 1xx heads
        self.trailers = None        # [(name, value)] of a trailing header block
        self.keep_body = keep_body
        self._body = bytearray()
        self.body_length = 0
        self._sha = hashlib.sha256()
        self.ended = False          # END_STREAM received
        self.reset = None           # the RST_STREAM error code received, or None
        self.data_frames = 0
        self._unacked = 0           # bytes received and not yet given back with WINDOW_UPDATE

    @property
    def done(self):
        return self.ended or self.reset is not None

    @property
    def body(self):
        return bytes(self._body)

    @property
    def body_sha256(self):
        return self._sha.hexdigest()

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            common.fail("stream %d: response body is not JSON" % self.id, self)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def upstream_header(self, name):
        """Values the echo upstream (upstream.py) received for `name`."""
        return [v for k, v in self.json()["headers"] if k.lower() == name.lower()]

    def _data(self, data):
        self.data_frames += 1
        self.body_length += len(data)
        self._sha.update(data)
        if self.keep_body:
            self._body += data

    def describe(self):
        body = self.text if self.keep_body else "(%d bytes, not kept)" % self.body_length
        if len(body) > 1500:
            body = body[:1500] + "...(%d bytes)" % self.body_length
        return ("--- h2 stream %d: status %s, ended %s, reset %s\nheaders: %s\ntrailers: %s\nbody: %s"
                % (self.id, self.status, self.ended, None if self.reset is None else code_name(self.reset),
                   self.headers, self.trailers, body))


class H2Client:
    """One HTTP/2 connection to 127.0.0.1:`port`.

    cert: the PKI client certificate to present ("edge"; None for none). server_name: the SNI (None: none).
    alpn: the protocols offered. settings: the client's SETTINGS ({SettingCodes: value}); by default a 4 MiB
    stream window (INITIAL_WINDOW_SIZE) and push off. connection_window: bytes added to the connection's
    receive window at the start. auto_window: every DATA frame received is given back at once with
    WINDOW_UPDATE (connection and stream); False: the test opens windows itself (window_update()).
    start: send the preface and SETTINGS (only when h2 was negotiated)."""

    def __init__(self, port, *, cert="edge", server_name="localhost", alpn=("h2",), host="127.0.0.1", pki=None,
                 timeout=10.0, settings=None, connection_window=16 << 20, auto_window=True, start=True):
        pki = pki or common.pki()
        self.port, self.server_name, self.timeout, self.auto_window = port, server_name, timeout, auto_window
        self.streams = {}
        self.frames_in = []          # (type, flags, stream id, length) of every frame received
        self.goaway = None           # (error code, last stream id, debug data) of the last GOAWAY received
        self.closed = False          # the peer closed the connection (or it broke)
        self.close_reason = ""
        self.server_settings = {}
        self.settings_acked = 0
        self.pings_acked = 0
        self._next_id = 1
        self._buf = bytearray()
        self._block = None           # (stream id, bytearray) of a header block waiting for END_HEADERS
        self._encoder = hpack.Encoder()
        self._decoder = hpack.Decoder()
        self._decoder.max_allowed_table_size = 1 << 16
        self._send_conn_window = 65535
        self._send_windows = {}
        self._peer_initial_window = 65535
        self._peer_max_frame = 16384
        self.settings = {INITIAL_WINDOW_SIZE: 4 << 20, ENABLE_PUSH: 0} if settings is None else dict(settings)
        self._recv_stream_window = max(self.settings.get(INITIAL_WINDOW_SIZE, 65535), 2)
        self._recv_conn_window = 65535 + (connection_window or 0)
        self._unacked_conn = 0
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.load_verify_locations(pki.pem("ca"))
        if cert:
            ctx.load_cert_chain(pki.pem(cert), pki.key(cert))
        if alpn:
            ctx.set_alpn_protocols(list(alpn))
        raw = socket.create_connection((host, port), timeout=timeout)
        try:
            self.sock = ctx.wrap_socket(raw, server_hostname=server_name)
        except BaseException:
            raw.close()
            raise
        self.alpn = self.sock.selected_alpn_protocol()  # "h2", "http/1.1" or None
        common.register(self)
        if start and self.alpn == "h2":
            self.send(PREFACE + frame(SETTINGS, 0, 0, settings_payload(self.settings)))
            if connection_window:
                self.window_update(0, connection_window)

    # --- sending ---

    def send(self, data):
        """Writes bytes; False (and closed) when the connection is gone or the peer stopped reading for
        `timeout` seconds."""
        if self.closed:
            return False
        try:
            self.sock.settimeout(self.timeout)
            self.sock.sendall(data)
            return True
        except socket.timeout:
            self._close("send blocked for %.0f s" % self.timeout)
        except (OSError, ssl.SSLError) as e:
            self._close("send: %s" % e)
        return False

    def new_stream_id(self):
        sid = self._next_id
        self._next_id += 2
        return sid

    def header_block(self, headers):
        """The hpack encoding of [(name, value)] as given (bytes or str, nothing normalised)."""
        return self._encoder.encode([(_b(k), _b(v)) for k, v in headers], huffman=True)

    def headers(self, stream_id, headers, *, end_stream=True, split=None, split_fields=None, end_headers=True,
                keep_body=True, send=True):
        """HEADERS on `stream_id` with exactly `headers`. split: byte offsets into the header block where
        CONTINUATION frames begin; split_fields: indices into `headers` where they begin (the field at that
        index is the first of a CONTINUATION frame). END_HEADERS on the last frame unless end_headers is False.
        Returns the frames' bytes (written unless send is False)."""
        headers = list(headers)
        if split_fields:
            cuts = [0] + sorted(split_fields) + [len(headers)]
            pieces = [self.header_block(headers[a:b]) for a, b in zip(cuts, cuts[1:])]
        else:
            block = self.header_block(headers)
            cuts = [0] + sorted(split or []) + [len(block)]
            pieces = [block[a:b] for a, b in zip(cuts, cuts[1:])]
        out = b""
        for i, piece in enumerate(pieces):
            flags = END_HEADERS if i == len(pieces) - 1 and end_headers else 0
            if i == 0:
                out += frame(HEADERS, flags | (END_STREAM if end_stream else 0), stream_id, piece)
            else:
                out += frame(CONTINUATION, flags, stream_id, piece)
        self.streams.setdefault(stream_id, StreamResult(stream_id, keep_body))
        self._send_windows.setdefault(stream_id, self._peer_initial_window)
        if stream_id >= self._next_id:
            self._next_id = stream_id + 2
        if send:
            self.send(out)
        return out

    def request(self, method="GET", path="/", *, authority="localhost", scheme="https", headers=(), body=None,
                end_stream=None, content_length=False, keep_body=True):
        """A request on a new stream: the four pseudo-headers (a None value leaves one out), then `headers`,
        then `body` in DATA frames (respecting the gateway's windows). end_stream: END_STREAM on HEADERS
        (default: when there is no body); content_length: add content-length: len(body). Returns the id."""
        sid = self.new_stream_id()
        hdrs = [(k, v) for k, v in ((":method", method), (":scheme", scheme), (":authority", authority),
                                    (":path", path)) if v is not None]
        hdrs += list(headers)
        if content_length and body is not None:
            hdrs.append(("content-length", str(len(body))))
        if end_stream is None:
            end_stream = body is None
        self.headers(sid, hdrs, end_stream=end_stream, keep_body=keep_body)
        if body is not None:
            self.data(sid, body, end_stream=True)
        return sid

    def data(self, stream_id, data, *, end_stream=True, flow_control=True):
        """DATA frames with `data` (at most the gateway's frame size each). flow_control: wait (bounded) for
        window before each frame. False when the data could not all be sent."""
        view = memoryview(data)
        pos = 0
        deadline = time.monotonic() + self.timeout
        st = self.streams.get(stream_id)
        while True:
            if st is not None and st.done:
                return False  # the gateway answered or reset the stream: it takes no more
            n = min(len(view) - pos, self._peer_max_frame)
            if flow_control and n > 0:
                n = min(n, self._send_conn_window, self._send_windows.get(stream_id, self._peer_initial_window))
                if n <= 0:
                    if self.closed or time.monotonic() >= deadline:
                        return False
                    self.pump(0.05)
                    continue
            last = pos + n >= len(view)
            if not self.send(frame(DATA, END_STREAM if (last and end_stream) else 0, stream_id, bytes(view[pos:pos + n]))):
                return False
            self._send_conn_window -= n
            self._send_windows[stream_id] = self._send_windows.get(stream_id, self._peer_initial_window) - n
            pos += n
            deadline = time.monotonic() + self.timeout
            if last:
                return True
            self.pump(0)  # read window updates and keep the gateway's writes flowing

    def rst(self, stream_id, code=CANCEL):
        return self.send(frame(RST_STREAM, 0, stream_id, struct.pack("!I", code)))

    def ping(self, payload=b"certgate"):
        return self.send(frame(PING, 0, 0, payload[:8].ljust(8, b"\0")))

    def settings_frame(self, settings=None):
        return self.send(frame(SETTINGS, 0, 0, settings_payload(settings or {})))

    def window_update(self, stream_id, increment):
        return self.send(frame(WINDOW_UPDATE, 0, stream_id, struct.pack("!I", increment)))

    def send_goaway(self, code=NO_ERROR):
        return self.send(frame(GOAWAY, 0, 0, struct.pack("!II", self._next_id - 2 if self._next_id > 1 else 0, code)))

    # --- receiving ---

    def pump(self, timeout):
        """Reads and handles what arrives for up to `timeout` seconds (0: only what is already there)."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            left = max(deadline - time.monotonic(), 0)
            data = self._recv(left if left > 0 else 0.001)
            if data is None:
                if time.monotonic() >= deadline:
                    return
                continue
            self._feed(data)
            if time.monotonic() >= deadline and not self.sock.pending():
                return

    def wait(self, pred, timeout=None):
        """Handles frames until pred() is true, the connection closes or `timeout` (default: the client's)
        passes. Returns pred()."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not pred() and not self.closed and time.monotonic() < deadline:
            self.pump(min(0.1, max(deadline - time.monotonic(), 0)))
        return pred()

    def response(self, stream_id, timeout=None):
        """The StreamResult of `stream_id` once it ended or was reset (or the connection closed, or
        `timeout` passed: then done is False)."""
        st = self.streams.setdefault(stream_id, StreamResult(stream_id))
        self.wait(lambda: st.done, timeout)
        return st

    def wait_closed(self, timeout=None):
        """True once the gateway closed the connection (within `timeout`)."""
        return self.wait(lambda: self.closed, timeout)

    @property
    def goaway_code(self):
        return None if self.goaway is None else self.goaway[0]

    def _recv(self, timeout):
        try:
            if not self.sock.pending():
                self.sock.settimeout(timeout)
            data = self.sock.recv(1 << 16)
        except socket.timeout:
            return None
        except ssl.SSLWantReadError:
            return None
        except (OSError, ssl.SSLError) as e:
            self._close("recv: %s" % e)
            return None
        if not data:
            self._close("closed by the gateway")
            return None
        return data

    def _close(self, reason):
        if not self.closed:
            self.closed = True
            self.close_reason = reason

    def _feed(self, data):
        self._buf += data
        while len(self._buf) >= 9:
            length = int.from_bytes(self._buf[0:3], "big")
            if len(self._buf) < 9 + length:
                return
            ftype, flags = self._buf[3], self._buf[4]
            sid = int.from_bytes(self._buf[5:9], "big") & 0x7FFFFFFF
            payload = bytes(self._buf[9:9 + length])
            del self._buf[:9 + length]
            self.frames_in.append((ftype, flags, sid, length))
            self._handle(ftype, flags, sid, payload)

    def _stream(self, sid):
        return self.streams.setdefault(sid, StreamResult(sid))

    def _handle(self, ftype, flags, sid, payload):
        if ftype == SETTINGS:
            if flags & ACK:
                self.settings_acked += 1
                return
            for i in range(0, len(payload) - 5, 6):
                key, value = struct.unpack("!HI", payload[i:i + 6])
                self.server_settings[key] = value
                if key == INITIAL_WINDOW_SIZE:
                    delta = value - self._peer_initial_window
                    self._peer_initial_window = value
                    for s in self._send_windows:
                        self._send_windows[s] += delta
                elif key == MAX_FRAME_SIZE:
                    self._peer_max_frame = value
            self.send(frame(SETTINGS, ACK, 0))
        elif ftype == PING:
            if flags & ACK:
                self.pings_acked += 1
            else:
                self.send(frame(PING, ACK, 0, payload))
        elif ftype == GOAWAY:
            last, code = struct.unpack("!II", payload[:8])
            self.goaway = (code, last & 0x7FFFFFFF, payload[8:])
        elif ftype == RST_STREAM:
            self._stream(sid).reset = struct.unpack("!I", payload[:4])[0]
        elif ftype == WINDOW_UPDATE:
            inc = struct.unpack("!I", payload[:4])[0] & 0x7FFFFFFF
            if sid == 0:
                self._send_conn_window += inc
            else:
                self._send_windows[sid] = self._send_windows.get(sid, self._peer_initial_window) + inc
        elif ftype == DATA:
            body = payload
            if flags & PADDED:
                pad = payload[0]
                body = payload[1:len(payload) - pad]
            st = self._stream(sid)
            st._data(body)
            if flags & END_STREAM:
                st.ended = True
            if self.auto_window and len(payload):
                # Given back in batches of half a window (one WINDOW_UPDATE per frame would invite tiny frames).
                self._unacked_conn += len(payload)
                st._unacked += len(payload)
                upd = b""
                if self._unacked_conn >= self._recv_conn_window // 2:
                    upd += frame(WINDOW_UPDATE, 0, 0, struct.pack("!I", self._unacked_conn))
                    self._unacked_conn = 0
                if not st.ended and st._unacked >= self._recv_stream_window // 2:
                    upd += frame(WINDOW_UPDATE, 0, sid, struct.pack("!I", st._unacked))
                    st._unacked = 0
                if upd:
                    self.send(upd)
        elif ftype in (HEADERS, PUSH_PROMISE):
            block = payload
            if flags & PADDED:
                pad = block[0]
                block = block[1:len(block) - pad]
            if ftype == HEADERS and flags & PRIORITY_FLAG:
                block = block[5:]
            if ftype == PUSH_PROMISE:
                block = block[4:]
            self._block = (sid, bytearray(block), ftype, flags & END_STREAM)
            if flags & END_HEADERS:
                self._end_block()
        elif ftype == CONTINUATION and self._block is not None:
            self._block[1].extend(payload)
            if flags & END_HEADERS:
                self._end_block()

    def _end_block(self):
        sid, block, ftype, end_stream = self._block
        self._block = None
        try:
            fields = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._decoder.decode(bytes(block), raw=True)]
        except hpack.HPACKError as e:
            self._close("undecodable header block from the gateway: %s" % e)
            return
        if ftype == PUSH_PROMISE:
            return
        st = self._stream(sid)
        status = next((v for k, v in fields if k == ":status"), None)
        if st.status is None and status is not None and status.isdigit() and 100 <= int(status) < 200:
            st.informational.append((int(status), fields))
        elif st.status is None and status is not None:
            st.status = int(status) if status.isdigit() else 0
            st.headers = [(k, v) for k, v in fields if not k.startswith(":")]
        else:
            st.trailers = fields
        if end_stream:
            st.ended = True

    # --- harness ---

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed = True
        common.unregister(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def describe(self):
        counts = {}
        for ftype, _, _, _ in self.frames_in:
            name = FRAME_NAMES.get(ftype, "type%d" % ftype)
            counts[name] = counts.get(name, 0) + 1
        lines = ["--- h2 connection to 127.0.0.1:%d (SNI %r, ALPN %r): closed=%s %s" % (
            self.port, self.server_name, self.alpn, self.closed, self.close_reason)]
        if self.goaway is not None:
            lines.append("  GOAWAY %s last stream %d debug %r" % (code_name(self.goaway[0]), self.goaway[1],
                                                                   self.goaway[2][:200]))
        lines.append("  frames received: %s" % counts)
        for st in list(self.streams.values())[-5:]:
            lines.append("  stream %d: status %s ended %s reset %s body %d bytes" % (
                st.id, st.status, st.ended, None if st.reset is None else code_name(st.reset), st.body_length))
        return "\n".join(lines)


def connect(gw, *, cert="edge", name="localhost", **kw):
    """An H2Client to the gateway `gw` with SNI `name` that must have negotiated h2."""
    c = H2Client(gw.port, cert=cert, server_name=name, host=gw.host, **kw)
    common.check_eq(c.alpn, "h2", "ALPN protocol the gateway selected (client offered %r)" % (kw.get("alpn", ["h2"]),))
    return c


def get(gw, path="/", *, cert="edge", name="localhost", authority=None, headers=(), method="GET", body=None,
        timeout=10.0, **kw):
    """One request on a new h2 connection; returns (the client, the StreamResult). The connection stays open
    (closed by the harness at the end or by the caller)."""
    c = connect(gw, cert=cert, name=name, timeout=timeout, **kw)
    sid = c.request(method, path, authority=authority or name, headers=headers, body=body)
    r = c.response(sid)
    common.check(r.done, "no complete response on stream %d for %s within %.0f s" % (sid, path, timeout), c)
    return c, r


def check_serves_good_client(gw, path, *, cert="edge", identity="edge-user"):
    """The gateway is up and a well-formed request on a new h2 connection is admitted (e.g. after an attack on
    another connection). Returns the StreamResult."""
    common.check(gw.alive(), "the gateway should still be running")
    c, r = get(gw, path, cert=cert)
    common.check_eq(r.status, 200, "status of a good h2 request %s on a new connection" % path, r)
    common.check_eq(r.upstream_header("X-Client-Identity"), [identity], "identity of %s at the origin" % path, r)
    c.close()
    return r
