#!/usr/bin/env python3
"""[upstream] upgrade = ["websocket", "h2c"] (or "h2") is refused at load with file:line:column of the value: an
h2c tunnel would carry requests certgate never reads. The same file with only "websocket" starts."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import free_port
from harness.run import run_certgate


def config(p, port, upgrade_line):
    return ('[server]\nlisten = ["127.0.0.1:%d"]\naccess_log = ""\n'
            '[upstream]\nurl = "http://127.0.0.1:1"\n%s\n'
            '[tls]\ncert = "%s"\nkey = "%s"\nclient_ca = ["%s"]\n'
            % (port, upgrade_line, p.pem("server"), p.key("server"), p.pem("ca")))


def main():
    p = pki()
    d = subdir("configs")
    port = free_port()
    for name, value in (("h2c.toml", "h2c"), ("h2.toml", "h2"), ("h2c-case.toml", "H2C")):
        line = 'upgrade = ["websocket", "%s"]' % value
        text = config(p, port, line)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
        line_no = text.split("\n").index(line) + 1
        column = line.index('"%s"' % value) + 1
        for command in ("serve", "check"):
            r = run_certgate([command, "-c", name], cwd=d)
            check_eq(r.code, 2, "exit code of %s with upgrade %s" % (command, value), r)
            position = "%s:%d:%d" % (name, line_no, column)
            output = r.stdout + r.stderr  # check reports on standard output, serve on standard error
            check(position in output, "the output of %s should name %s" % (command, position), r)
            check("upgrade" in output, "the output should name the key", r)

    with open(os.path.join(d, "websocket.toml"), "w") as f:
        f.write(config(p, port, 'upgrade = ["websocket"]'))
    r = run_certgate(["serve", "-c", "websocket.toml"], cwd=d, timeout=3)
    check(r.code is None, "upgrade = [\"websocket\"] should start and keep serving (killed after 3 s)", r)


if __name__ == "__main__":
    run_test(main)
