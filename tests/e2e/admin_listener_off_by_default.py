#!/usr/bin/env python3
"""Without [admin] certgate opens no admin listener: the only socket it listens on is its TLS listener."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def listening_ports(pid):
    """The TCP ports process `pid` listens on (its socket inodes matched against /proc/net/tcp and tcp6)."""
    inodes = set()
    fd_dir = "/proc/%d/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url)) as gw:
            r = request(gw, "/one")
            check_eq(r.status, 200, "the gateway serves", r)
            check_eq(listening_ports(gw.proc.pid), {gw.port}, "listening ports without [admin]")
            check("admin listening" not in gw.stderr_text(), "no admin listener is announced:\n" + gw.stderr_text())


if __name__ == "__main__":
    run_test(main)
