#!/usr/bin/env python3
"""An [admin] listen address that a TLS listener also binds is refused at load, at the admin key's
file:line:column, and certgate does not start (nor does `certgate check` accept the file)."""
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import certgate_bin, check, check_eq, pki, run_test, subdir
from harness.gateway import base_config, free_port, to_toml

ADMIN_LINE = 'listen = "%s"'


def main():
    p = pki()
    directory = subdir("admin-on-tls-port")
    port = free_port()
    for admin in ("127.0.0.1:%d" % port, str(port)):
        cfg = base_config(p, "http://127.0.0.1:9")
        cfg["server"] = {"listen": ["127.0.0.1:%d" % port]}
        cfg["admin"] = {"listen": admin}
        text = to_toml(cfg)
        path = os.path.join(directory, "certgate.toml")
        with open(path, "w") as f:
            f.write(text)
        line = text.splitlines().index(ADMIN_LINE % admin) + 1
        where = "%s:%d:10" % (path, line)
        for sub in ("serve", "check"):
            run = subprocess.run([certgate_bin(), sub, "-c", path], capture_output=True, timeout=60, cwd=directory)
            out = run.stdout.decode() + run.stderr.decode()
            check(run.returncode != 0, "certgate %s must refuse admin = %s:\n%s" % (sub, admin, out))
            check(where in out, "certgate %s names %s:\n%s" % (sub, where, out))
            check("TLS listener 127.0.0.1:%d" % port in out, "certgate %s says which listener:\n%s" % (sub, out))
            check_eq("listening on" in out, False, "nothing was started:\n" + out)


if __name__ == "__main__":
    run_test(main)
