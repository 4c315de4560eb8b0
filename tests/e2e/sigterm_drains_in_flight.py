#!/usr/bin/env python3
"""SIGTERM while a request is in flight (upstream /slow/2): the request completes with 200, then the process
exits 0 (and stops accepting new connections)."""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import common
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config, wait_for_port
from harness.upstream import Upstream


class Bg:
    """A background curl, killed at cleanup if still running."""

    def __init__(self, argv, out_path):
        self.out = open(out_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        common.register(self)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.out.close()


def main():
    p = pki()
    d = subdir("drain")
    with Upstream() as up:
        gw = Gateway(base_config(p, up.url))
        body = os.path.join(d, "body")
        argv = ["curl", "-sS", "--http1.1", "--max-time", "20", "-o", body, "-w", "%{http_code}",
                "--cacert", p.pem("ca"), "--cert", p.pem("edge"), "--key", p.key("edge"),
                "--resolve", "localhost:%d:127.0.0.1" % gw.port, gw.url("/slow/2")]
        bg = Bg(argv, os.path.join(d, "curl-out"))
        check(up.wait_for("/slow/2", timeout=10) is not None, "the slow request did not reach the upstream")

        started = time.monotonic()
        gw.signal(signal.SIGTERM)
        code = gw.wait(timeout=15)
        check(code is not None, "certgate did not exit within 15 s of SIGTERM")
        check_eq(code, 0, "exit code after SIGTERM")
        try:
            bg.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            check(False, "curl did not finish")
        with open(os.path.join(d, "curl-out"), "rb") as f:
            curl_out = f.read().decode("utf-8", "replace")
        check_eq(bg.proc.returncode, 0, "curl exit code of the in-flight request (output %r)" % curl_out)
        check_eq(curl_out.strip(), "200", "status of the in-flight request")
        with open(body, "rb") as f:
            check(b'"/slow/2"' in f.read(), "the in-flight request got the upstream's answer")
        check(time.monotonic() - started < 10, "the drain should end soon after the request")
        check(not wait_for_port("127.0.0.1", gw.port, 0.5), "nothing should listen after the exit")
        gw.stop(expect=0)  # already exited: records the code and unregisters


if __name__ == "__main__":
    run_test(main)
