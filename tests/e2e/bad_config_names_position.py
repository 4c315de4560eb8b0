#!/usr/bin/env python3
"""A configuration with an error is refused whole: exit code 2, and stderr names file:line:column."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import free_port
from harness.run import run_certgate


def refused(directory, name, text, position):
    with open(os.path.join(directory, name), "w") as f:
        f.write(text)
    r = run_certgate(["serve", "-c", name], cwd=directory)
    check_eq(r.code, 2, "exit code for %s" % name, r)
    check(position in r.stderr, "stderr should contain %r" % position, r)
    return r


def main():
    p = pki()
    d = subdir("configs")
    port = free_port()
    tls = 'cert = "%s"\nkey = "%s"\nclient_ca = ["%s"]\n' % (p.pem("server"), p.key("server"), p.pem("ca"))
    good_head = '[server]\nlisten = ["127.0.0.1:%d"]\naccess_log = ""\n' % port

    # An unknown key in [server], line 3.
    refused(d, "bad.toml", '[server]\nlisten = ["127.0.0.1:%d"]\nbogus_key = 1\n[upstream]\nurl = "http://127.0.0.1:1"\n'
            '[tls]\n%s' % (port, tls), "bad.toml:3:1")

    # An unknown key deep inside a mapping rule, indented: line 11, column 3.
    text = (good_head +                                               # lines 1-3
            '[upstream]\nurl = "http://127.0.0.1:1"\n'                # 4-5
            '[[mapping.many_to_one]]\nname = "edge"\nuser = "u"\n'    # 6-8
            '  [[mapping.many_to_one.rules]]\n'                       # 9
            '  field = "subject"\n'                                   # 10
            '  subfeld = "CN"\n'                                      # 11
            '  match = "x"\n'                                         # 12
            '[tls]\n' + tls)
    refused(d, "bad-rule.toml", text, "bad-rule.toml:11:3")

    # A value of the wrong kind: mode = "sometimes" on line 5, col 1 (key) or 8 (value).
    text = good_head + '[upstream]\nurl = "http://127.0.0.1:1"\n[tls]\n' + tls + 'mode = "sometimes"\n'
    line = text.count("\n")  # the last line
    r = refused(d, "bad-mode.toml", text, "bad-mode.toml:%d:" % line)
    check("mode" in r.stderr, "stderr should name the key", r)

    # TOML that does not parse: an unterminated string on line 2.
    refused(d, "bad-syntax.toml", '[server]\nlisten = ["127.0.0.1:%d\n' % port, "bad-syntax.toml:2:")

    # Control: the same configuration without the error is accepted by the parser (it gets to listening).
    with open(os.path.join(d, "good.toml"), "w") as f:
        f.write(good_head + '[upstream]\nurl = "http://127.0.0.1:1"\n[tls]\n' + tls)
    r = run_certgate(["serve", "-c", "good.toml"], cwd=d, timeout=3)
    check(r.code is None, "a correct configuration should start and keep serving (killed after 3 s)", r)


if __name__ == "__main__":
    run_test(main)
