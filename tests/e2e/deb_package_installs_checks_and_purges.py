#!/usr/bin/env python3
"""The Debian package on this machine: `dpkg -i` creates the system user certgate and a self-signed server
certificate (key 0640 root:certgate), `certgate check` runs on the shipped configuration, as root and as the
user, and exits 1 with only CG207 (as shipped it maps no certificate, so it admits nobody); the installed units
pass `systemd-analyze verify`, and with systemd running an instance starts (READY=1), reloads and stops; man
renders certgate(8); `dpkg --purge` leaves nothing behind. Skipped when not root or when certgate is already
installed (or its user or /etc/certgate exist): this test never touches an installation it did not make."""
import json
import os
import pwd
import grp
import shutil
import socket
import stat
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, fail, run_test, skip, subdir
from harness.gateway import free_port, wait_for_port
from harness.package import build_deb

LEFT_BEHIND = ["/etc/certgate", "/var/log/certgate", "/usr/bin/certgate", "/usr/share/certgate",
               "/usr/share/doc/certgate", "/usr/share/man/man8/certgate.8.gz", "/etc/logrotate.d/certgate",
               "/lib/systemd/system/certgate.service", "/lib/systemd/system/certgate@.service"]


def sh(argv, timeout=120, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)


def installed():
    r = sh(["dpkg-query", "-W", "-f=${Status}", "certgate"])
    return r.returncode == 0 and "installed" in r.stdout and "not-installed" not in r.stdout


def dpkg(args):
    """dpkg ARGS, waiting (bounded) while another dpkg or apt holds its lock."""
    for _ in range(30):
        r = sh(["dpkg"] + args, timeout=300)
        if r.returncode == 0 or "lock" not in r.stderr:
            return r
        time.sleep(2)
    return r


def exists_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def check_shipped_config():
    """certgate check on /etc/certgate/certgate.toml: what serve would load, as root and as certgate."""
    argv = ["/usr/bin/certgate", "check", "-c", "/etc/certgate/certgate.toml", "--json"]
    for who, prefix in (("root", []),
                        ("certgate", ["setpriv", "--reuid=certgate", "--regid=certgate", "--init-groups"])):
        if who != "root" and not shutil.which("setpriv"):
            print("setpriv is not installed: check not run as certgate")
            continue
        r = sh(prefix + argv, cwd="/")
        try:
            report = json.loads(r.stdout)
        except ValueError:
            fail("certgate check (as %s) did not print JSON: exit %d\n%s\n%s" % (who, r.returncode, r.stdout, r.stderr))
        codes = [f["code"] for f in report["findings"] if f["severity"] != "note"]
        check_eq(codes, ["CG207"], "findings of check on the shipped configuration as %s (%s)" % (who, r.stdout[-1500:]))
        check_eq(r.returncode, 1, "check's exit code on the shipped configuration as %s (a warning)" % who)


def verify_units(d):
    if not shutil.which("systemd-analyze"):
        print("systemd-analyze is not installed: units not verified")
        return
    # A template is verified through an instance of it.
    instance = os.path.join(d, "certgate@e2e.service")
    os.symlink("/lib/systemd/system/certgate@.service", instance)
    for unit in ("/lib/systemd/system/certgate.service", instance):
        r = sh(["systemd-analyze", "verify", unit])
        check_eq((r.returncode, r.stdout + r.stderr), (0, ""), "systemd-analyze verify %s" % unit)


def run_under_systemd():
    """With systemd as the service manager: an instance on a loopback port starts (systemctl start returns once
    READY=1 came), reloads and stops."""
    if not os.path.isdir("/run/systemd/system"):
        print("systemd is not the service manager here: the unit is checked with systemd-analyze verify only")
        return
    port, admin = free_port(), free_port()
    with open("/etc/certgate/certgate.toml") as f:
        text = f.read()
    text = (text.replace('listen = ["0.0.0.0:443"]', 'listen = ["127.0.0.1:%d"]' % port)
            .replace('listen = "127.0.0.1:9901"', 'listen = "127.0.0.1:%d"' % admin)
            .replace("/var/log/certgate/access.log", "/var/log/certgate/e2e.access.log"))
    with open("/etc/certgate/e2e.toml", "w") as f:
        f.write(text)
    try:
        r = sh(["systemctl", "start", "certgate@e2e.service"], timeout=60)
        check_eq(r.returncode, 0, "systemctl start certgate@e2e.service: %s" % r.stderr)
        check(wait_for_port("127.0.0.1", port, 1), "the instance accepts on 127.0.0.1:%d once started" % port)
        show = sh(["systemctl", "show", "-p", "ActiveState", "-p", "User", "-p", "StatusText", "certgate@e2e.service"])
        check("ActiveState=active" in show.stdout and "StatusText=serving on 127.0.0.1:%d" % port in show.stdout,
              "the instance is active and says where it serves: %s" % show.stdout)
        r = sh(["systemctl", "reload", "certgate@e2e.service"], timeout=60)
        check_eq(r.returncode, 0, "systemctl reload certgate@e2e.service: %s" % r.stderr)
        r = sh(["systemctl", "stop", "certgate@e2e.service"], timeout=60)
        check_eq(r.returncode, 0, "systemctl stop certgate@e2e.service: %s" % r.stderr)
    finally:
        sh(["systemctl", "stop", "certgate@e2e.service"], timeout=60)
        os.remove("/etc/certgate/e2e.toml")


def render_man_page():
    page = "/usr/share/man/man8/certgate.8.gz"
    check(os.path.exists(page), "certgate(8) installed as %s" % page)
    if not shutil.which("man"):
        print("man is not installed (Debian package man-db): certgate(8) not rendered")
        return
    where = sh(["man", "-w", "8", "certgate"])
    check_eq(where.stdout.strip(), page, "man -w 8 certgate")
    r = sh(["man", "-l", "-P", "cat", page], env=dict(os.environ, MANWIDTH="120", LANG="C"))
    check_eq(r.returncode, 0, "man -l certgate.8.gz: %s" % r.stderr)
    for text in ("certgate serve", "SIGHUP", "/etc/certgate/certgate.toml", "--listen"):
        check(text in r.stdout, "the rendered page lacks %r" % text)


def main():
    if os.geteuid() != 0:
        skip("not root: dpkg -i needs root")
    for tool in ("dpkg", "dpkg-query"):
        if not shutil.which(tool):
            skip("%s is not installed: not a Debian system" % tool)
    if installed():
        skip("certgate is already installed on this machine: not touching it")
    if exists_user("certgate") or os.path.exists("/etc/certgate"):
        skip("a certgate user or /etc/certgate already exists: not touching them")

    d = subdir("install")
    deb = build_deb(d)
    try:
        r = dpkg(["-i", deb])
        check_eq(r.returncode, 0, "dpkg -i exit code:\n%s" % (r.stdout + r.stderr)[-3000:])
        check(installed(), "dpkg-query says certgate is installed")

        user = pwd.getpwnam("certgate")
        group = grp.getgrnam("certgate")
        check(user.pw_uid < 1000 and user.pw_gid == group.gr_gid, "certgate is a system user with its own group: %r" % (user,))
        check(user.pw_shell.endswith("nologin") or user.pw_shell == "/bin/false", "no login shell: %r" % user.pw_shell)
        key = os.stat("/etc/certgate/server.key")
        check_eq((stat.S_IMODE(key.st_mode), key.st_uid, key.st_gid), (0o640, 0, group.gr_gid),
                 "mode, owner and group of the generated key")
        check(os.path.exists("/etc/certgate/server.pem"), "the generated certificate")
        log_dir = os.stat("/var/log/certgate")
        check_eq(log_dir.st_uid, user.pw_uid, "owner of /var/log/certgate")

        check_shipped_config()
        verify_units(d)
        run_under_systemd()
        render_man_page()

        # Reinstalling (an upgrade to the same version) keeps the generated files.
        before = open("/etc/certgate/server.key", "rb").read()
        r = dpkg(["-i", deb])
        check_eq(r.returncode, 0, "dpkg -i again:\n%s" % (r.stdout + r.stderr)[-3000:])
        check(open("/etc/certgate/server.key", "rb").read() == before, "a reinstall keeps the server key")
    finally:
        r = dpkg(["--purge", "certgate"])
    check_eq(r.returncode, 0, "dpkg --purge exit code:\n%s" % (r.stdout + r.stderr)[-3000:])
    check(not installed(), "dpkg-query says certgate is gone")
    left = [p for p in LEFT_BEHIND if os.path.lexists(p)]
    check_eq(left, [], "left behind by dpkg --purge")
    check(not exists_user("certgate"), "the certgate user is removed by purge")
    try:
        grp.getgrnam("certgate")
        fail("the certgate group is removed by purge")
    except KeyError:
        pass


if __name__ == "__main__":
    run_test(main)
