#!/usr/bin/env python3
"""What certgate.service does (User=certgate, AmbientCapabilities= and CapabilityBoundingSet=CAP_NET_BIND_SERVICE):
run as the unprivileged user with no capability but CAP_NET_BIND_SERVICE, certgate binds 127.0.0.1:443 and
serves; without that one capability the same command is refused, naming the address. The user is certgate when
the package is installed, else nobody. Skipped when not root, without setpriv, when unprivileged processes may
bind port 443 anyway (net.ipv4.ip_unprivileged_port_start) or when every port tried is taken."""
import grp
import os
import pwd
import shutil
import socket
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import certgate_bin, check, check_eq, pki, run_test, skip, workdir
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

PORTS = [443, 853, 993, 1000]  # privileged ports to try, 443 first
CAP_NET_BIND_SERVICE = 10


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def unprivileged_port_start():
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 1024


def proc_status(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def setpriv(user, group, with_cap):
    groups = ["--init-groups"] if user.pw_name == "certgate" else ["--clear-groups"]
    caps = "-all,+net_bind_service" if with_cap else "-all"
    argv = ["setpriv", "--reuid=%d" % user.pw_uid, "--regid=%d" % group.gr_gid] + groups + [
        "--inh-caps=" + caps, "--bounding-set=" + caps]
    if with_cap:
        argv.append("--ambient-caps=-all,+net_bind_service")
    return argv


def main():
    if os.geteuid() != 0:
        skip("not root: cannot change to another user")
    if not shutil.which("setpriv"):
        skip("setpriv is not installed (Debian package util-linux)")
    port = next((p for p in PORTS if port_free(p)), None)
    if port is None:
        skip("ports %s on 127.0.0.1 are all taken" % PORTS)
    if unprivileged_port_start() <= port:
        skip("net.ipv4.ip_unprivileged_port_start is %d: any user may bind port %d" % (unprivileged_port_start(), port))
    try:
        user = pwd.getpwnam("certgate")
    except KeyError:
        user = pwd.getpwnam("nobody")
    group = grp.getgrgid(user.pw_gid)
    print("running certgate as %s:%s on 127.0.0.1:%d" % (user.pw_name, group.gr_name, port))

    p = pki()
    os.chmod(workdir(), 0o755)  # the user must reach its directory
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["server"] = {"listen": ["127.0.0.1:%d" % port], "workers": 1}
        gw = Gateway(cfg, start=False, name="unprivileged")
        # The files the user reads, readable by it only; the directory (the access log) writable by it.
        for key, name in (("cert", "server.pem"), ("key", "server.key")):
            shutil.copy(cfg["tls"][key], os.path.join(gw.dir, name))
            cfg["tls"][key] = os.path.join(gw.dir, name)
        shutil.copy(cfg["tls"]["client_ca"][0], os.path.join(gw.dir, "ca.pem"))
        cfg["tls"]["client_ca"] = [os.path.join(gw.dir, "ca.pem")]
        for path in [gw.dir] + [os.path.join(gw.dir, n) for n in ("server.pem", "server.key", "ca.pem")]:
            os.chown(path, user.pw_uid, group.gr_gid)
        os.chmod(os.path.join(gw.dir, "server.key"), 0o600)
        gw._render()  # the configuration again, with the copies
        gw.port = port
        serve = [certgate_bin(), "serve", "-c", gw.config_path]

        # Without CAP_NET_BIND_SERVICE: refused at bind, exit 2, the address named.
        denied = subprocess.run(setpriv(user, group, False) + serve, capture_output=True, text=True, timeout=30,
                                stdin=subprocess.DEVNULL, cwd=gw.dir)
        check_eq(denied.returncode, 2, "exit code without CAP_NET_BIND_SERVICE (stderr: %s)" % denied.stderr[-800:])
        check("cannot listen on 127.0.0.1:%d: Permission denied" % port in denied.stderr,
              "the refusal names the address and the cause: %r" % denied.stderr[-800:])

        # With it (and nothing else): listens, serves, and runs as the user with that one capability.
        gw.argv = setpriv(user, group, True) + serve
        gw.start()
        with gw:
            status = proc_status(gw.proc.pid)
            check_eq(status["Uid"].split(), [str(user.pw_uid)] * 4, "real, effective, saved and fs uid")
            check_eq(status["Gid"].split(), [str(group.gr_gid)] * 4, "real, effective, saved and fs gid")
            only = "%016x" % (1 << CAP_NET_BIND_SERVICE)
            for field in ("CapEff", "CapPrm", "CapBnd", "CapAmb"):
                check_eq(status[field], only, "%s (CAP_NET_BIND_SERVICE only)" % field)
            r = request(gw, "/unprivileged", cert="edge")
            check_eq(r.status, 200, "a request through the gateway on port %d" % port, r)
            check_eq(os.stat(gw.access_log_path).st_uid, user.pw_uid, "the access log is the user's file")


if __name__ == "__main__":
    run_test(main)
