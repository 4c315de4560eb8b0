"""A gRPC-shaped HTTP/2 origin for the tests of `protocol = "h2"` upstreams, built on python3-h2 (Debian): h2c
with prior knowledge, or TLS with ALPN h2 (tls_cert/tls_key). Each stream is answered when the request ends:
:status 200, content-type application/grpc, the request body echoed, and trailers grpc-status 0 and
grpc-message "ok" (alpn: what it offers with ALPN; it speaks HTTP/2 whatever was selected). Request heads and trailers are recorded (`requests`); response headers say what came:
x-echo-identity (the X-Client-Identity field), x-echo-te (TE), and the trailer x-echo-trailer (the request
trailer x-trailer)."""
import socket
import ssl
import sys
import threading

sys.path.append("/usr/lib/python3/dist-packages")  # python3-h2 (Debian), not in the pyenv Python
import h2.config  # noqa: E402
import h2.connection  # noqa: E402
import h2.events  # noqa: E402

from harness import common  # noqa: E402


class GrpcEcho:
    def __init__(self, tls_cert=None, tls_key=None, alpn=("h2",)):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.ctx = None
        if tls_cert:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(tls_cert, tls_key)
            self.ctx.set_alpn_protocols(list(alpn))
        self.url = "%s://127.0.0.1:%d" % ("https" if tls_cert else "http", self.port)
        self.requests = []  # {"headers": [(name, value)], "body": bytes, "trailers": [(name, value)]}
        self.lock = threading.Lock()
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()
        common.register(self)

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            conn.settimeout(10)
            if self.ctx:
                # It speaks HTTP/2 whatever ALPN selected: a gateway must not take its word for it without "h2".
                conn = self.ctx.wrap_socket(conn, server_side=True)
            h2c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
            h2c.initiate_connection()
            conn.sendall(h2c.data_to_send())
            streams = {}
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                for ev in h2c.receive_data(data):
                    if isinstance(ev, h2.events.RequestReceived):
                        streams[ev.stream_id] = {"headers": list(ev.headers), "body": b"", "trailers": []}
                    elif isinstance(ev, h2.events.DataReceived):
                        streams[ev.stream_id]["body"] += ev.data
                        h2c.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                    elif isinstance(ev, h2.events.TrailersReceived):
                        streams[ev.stream_id]["trailers"] = list(ev.headers)
                    elif isinstance(ev, h2.events.StreamEnded):
                        self._answer(h2c, ev.stream_id, streams.pop(ev.stream_id))
                conn.sendall(h2c.data_to_send())
        except (OSError, ssl.SSLError, h2.exceptions.ProtocolError):
            return
        finally:
            conn.close()

    def _answer(self, h2c, sid, req):
        with self.lock:
            self.requests.append(req)
        head = dict(req["headers"])
        trailers = dict(req["trailers"])
        h2c.send_headers(sid, [(":status", "200"), ("content-type", "application/grpc"),
                               ("x-echo-identity", head.get("x-client-identity", "")),
                               ("x-echo-te", head.get("te", ""))])
        if req["body"]:
            h2c.send_data(sid, req["body"])
        h2c.send_headers(sid, [("grpc-status", "0"), ("grpc-message", "ok"),
                               ("x-echo-trailer", trailers.get("x-trailer", ""))], end_stream=True)

    def close(self):
        self.stopped = True
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
