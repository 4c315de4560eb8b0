"""A deliberately broken gateway for checking the corpus harness itself: it terminates TLS (requiring the test
CA's client certificates) and relays the bytes unchanged to the origin, one upstream connection per client
connection. It parses nothing and vouches for nothing, so the runner must find its forwarded payloads
ambiguous, smuggled or forged."""
import socket
import ssl
import threading

from harness import common


class RawRelay:
    def __init__(self, pki, origin_port, name="raw-relay"):
        self.name = name
        self.origin_port = origin_port
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(pki.pem("server"), pki.key("server"))
        self.ctx.load_verify_locations(pki.pem("ca"))
        self.ctx.verify_mode = ssl.CERT_REQUIRED
        self.stop = threading.Event()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.threads = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()
        common.register(self)

    def alive(self):
        return not self.stop.is_set()

    def _accept(self):
        while not self.stop.is_set():
            try:
                raw, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(raw,), daemon=True)
            self.threads = [x for x in self.threads if x.is_alive()] + [t]
            t.start()

    def _serve(self, raw):
        raw.settimeout(10)
        try:
            client = self.ctx.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        try:
            up = socket.create_connection(("127.0.0.1", self.origin_port), timeout=10)
        except OSError:
            client.close()
            return
        done = threading.Event()

        def pipe(src, dst):
            try:
                while not self.stop.is_set():
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except (OSError, ssl.SSLError):
                pass
            try:  # pass the end on: the other side sees EOF
                dst.shutdown(socket.SHUT_WR)
            except (OSError, ssl.SSLError, ValueError):
                pass
            done.set()

        back = threading.Thread(target=pipe, args=(up, client), daemon=True)
        back.start()
        pipe(client, up)
        done.wait(timeout=2)
        for s in (client, up):
            try:
                s.close()
            except OSError:
                pass
        back.join(timeout=2)

    def close(self):
        self.stop.set()
        try:
            self.listener.close()
        except OSError:
            pass
        self._acceptor.join(timeout=5)
        common.unregister(self)
