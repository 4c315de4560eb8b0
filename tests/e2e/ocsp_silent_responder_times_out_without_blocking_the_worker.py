#!/usr/bin/env python3
"""An OCSP responder that accepts the connection and never answers: the lookup gives up after ocsp_timeout and
the client gets 403.16 ("did not answer within ocsp_timeout"). Meanwhile the gateway's only worker goes on
serving: a request to a host block without OCSP, sent while the lookup waits, is answered at once."""
import os
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import common
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, run_test, subdir
from harness.gateway import Gateway
from harness.ocsp import OcspPki, ocsp_config
from harness.upstream import Upstream


class SilentResponder:
    """Listens on 127.0.0.1:port, accepts connections and reads them, answers nothing."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.accepted = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        common.register(self)

    def run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.accepted.append(conn)
            except OSError:
                pass

    def close(self):
        self.stop = True
        self.thread.join(timeout=5)
        for conn in self.accepted:
            conn.close()
        self.sock.close()
        common.unregister(self)


def main():
    p = OcspPki(subdir("ocsp-pki"))
    silent = SilentResponder(p.port)
    with Upstream() as up:
        cfg = ocsp_config(p, up.url, ocsp_timeout="2s")
        cfg["server"]["workers"] = 1
        cfg["host"] = [{"names": ["a.test"], "ocsp": "off"}]
        with Gateway(cfg) as gw:
            waiting = {}
            thread = threading.Thread(target=lambda: waiting.update(r=request(gw, "/waits", cert="good", pki=p)))
            started = time.monotonic()
            thread.start()
            # Bounded wait until the gateway has connected to the responder: the lookup is pending.
            while not silent.accepted and time.monotonic() < started + 5:
                time.sleep(0.05)
            check(silent.accepted, "the gateway connected to the OCSP responder")
            other = request(gw, "/meanwhile", cert="good", pki=p, name="a.test")
            check_admitted(gw, up, other, "/meanwhile", "edge-user", "edge")
            check(other.elapsed < 1.5, "a request to another block was answered while the lookup waited "
                                       "(%.2f s)" % other.elapsed, other)
            thread.join(timeout=30)
            resp = waiting.get("r")
            check(resp is not None, "the waiting request finished")
            entry = check_rejected(gw, up, resp, "/waits", 403, 16)
            check(time.monotonic() - started >= 1.9, "the lookup waited for ocsp_timeout", resp)
            check(("OCSP responder %s did not answer within ocsp_timeout (2s)" % p.url) in entry.get("reason", ""),
                  "the reason says the responder did not answer in time: %r" % entry.get("reason"), resp)
    silent.close()


if __name__ == "__main__":
    run_test(main)
