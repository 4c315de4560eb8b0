#!/usr/bin/env python3
"""Started by systemd (Type=notify, $NOTIFY_SOCKET an AF_UNIX datagram socket), certgate says READY=1 only once
its port and its admin port accept connections, with a STATUS naming the address; RELOADING=1 with MONOTONIC_USEC and then READY=1
around every SIGHUP, the reload applied or refused; and STOPPING=1 on SIGTERM before it exits 0. Without
$NOTIFY_SOCKET it sends nothing (every other test)."""
import os
import signal
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, fail, pki, run_test, workdir
from harness.gateway import Gateway, base_config, free_port
from harness.upstream import Upstream


def monotonic_usec():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


class NotifySocket:
    """The service manager's end: each datagram parsed into a dict, with whether the gateway's port accepted a
    connection at the moment it arrived (what a unit ordered after certgate.service relies on)."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []
        self.ports = []
        self.cond = threading.Condition()
        self.done = False
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def _accepts(self):
        for port in self.ports:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
            except OSError:
                return False
        return True

    def _receive(self):
        while not self.done:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            accepts = self._accepts()
            with self.cond:
                self.messages.append((fields, accepts, monotonic_usec()))
                self.cond.notify_all()

    def next(self, index, what, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.messages) <= index:
                left = deadline - time.monotonic()
                if left <= 0:
                    fail("no notification %d (%s) within %.0f s; received %r" % (index, what, timeout, self.messages))
                self.cond.wait(left)
            return self.messages[index]

    def close(self):
        self.done = True
        self.thread.join(timeout=5)
        self.sock.close()


def main():
    p = pki()
    notify = NotifySocket(os.path.join(workdir(), "notify.sock"))
    try:
        with Upstream() as up:
            cfg = base_config(p, up.url)
            admin_port = free_port()
            cfg["admin"] = {"listen": "127.0.0.1:%d" % admin_port}
            gw = Gateway(cfg, start=False)
            notify.ports = [gw.port, admin_port]
            os.environ["NOTIFY_SOCKET"] = notify.path
            try:
                gw.start()
            finally:
                del os.environ["NOTIFY_SOCKET"]
            with gw:
                ready, accepts, _ = notify.next(0, "READY=1 at start")
                check_eq(ready.get("READY"), "1", "the first notification is READY=1: %r" % ready)
                check(accepts, "READY=1 came before 127.0.0.1:%d and the admin port %d accepted connections"
                      % (gw.port, admin_port))
                check_eq(ready.get("STATUS"), "serving on 127.0.0.1:%d" % gw.port, "STATUS of READY=1")

                # A valid reload: RELOADING=1 stamped with CLOCK_MONOTONIC at the time, then READY=1.
                before = monotonic_usec()
                gw.signal(signal.SIGHUP)
                reloading, _, received = notify.next(1, "RELOADING=1 on SIGHUP")
                check_eq(reloading.get("RELOADING"), "1", "the notification on SIGHUP: %r" % reloading)
                stamp = int(reloading.get("MONOTONIC_USEC", "0"))
                check(before <= stamp <= received, "MONOTONIC_USEC %d is not between the signal (%d) and its receipt (%d)"
                      % (stamp, before, received))
                again, _, _ = notify.next(2, "READY=1 after the reload")
                check_eq(again.get("READY"), "1", "READY=1 after the reload: %r" % again)
                check_eq(again.get("STATUS"), "serving, configuration generation 2", "STATUS after the reload")

                # A refused reload still ends with READY=1: the running configuration serves on.
                with open(gw.config_path, "a") as f:
                    f.write("\n[server]\nlisten = 'not an address'\n")
                gw.signal(signal.SIGHUP)
                reloading, _, _ = notify.next(3, "RELOADING=1 on the second SIGHUP")
                check_eq(reloading.get("RELOADING"), "1", "the notification on the second SIGHUP: %r" % reloading)
                refused, _, _ = notify.next(4, "READY=1 after the refused reload")
                check_eq(refused.get("READY"), "1", "READY=1 after a refused reload: %r" % refused)
                check("reload refused" in refused.get("STATUS", ""), "STATUS says the reload was refused: %r" % refused)

                check_eq(gw.stop(expect=0), 0, "exit code after SIGTERM")
                stopping, _, _ = notify.next(5, "STOPPING=1 on SIGTERM")
                check_eq(stopping.get("STOPPING"), "1", "the notification on SIGTERM: %r" % stopping)
                check_eq(len(notify.messages), 6, "notifications in all: %r" % notify.messages)
    finally:
        notify.close()


if __name__ == "__main__":
    run_test(main)
