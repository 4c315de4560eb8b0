#!/usr/bin/env python3
"""[tls] session_ticket_keys is refused whole when a file cannot be a key: of the wrong size, missing, a key name
given twice (the same key copied), a path listed twice; so is the key in a [[host]] block (one key set serves
every block). At start-up: exit code 2, stderr names file:line:column of the entry and the key file. On SIGHUP:
the reload is refused with the same position, and the running keys stay (a session made before still resumes).
`certgate check` names the same errors, and warns (CG130) about a key file that group or others can read."""
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import http_get, s_client
from harness.common import check, check_eq, fail, pki, run_test, subdir, workdir
from harness.gateway import Gateway, free_port
from harness.run import run_certgate
from harness.tickets import new_key_file, ticket_config
from harness.upstream import Upstream


def config_text(p, port, entries, host_entries=None):
    lines = ['[server]', 'listen = ["127.0.0.1:%d"]' % port, 'access_log = ""', '[upstream]',
             'url = "http://127.0.0.1:1"', '[tls]', 'cert = "%s"' % p.pem("server"), 'key = "%s"' % p.key("server"),
             'client_ca = ["%s"]' % p.pem("ca"),
             'session_ticket_keys = [%s]' % ", ".join('"%s"' % e for e in entries)]
    if host_entries is not None:
        lines += ['[[host]]', 'names = ["b.test"]', 'session_ticket_keys = ["%s"]' % host_entries]
    return "\n".join(lines) + "\n"


def position_of(text, needle, name):
    """file:line:column of the first character of `needle` (its opening quote) in `text`."""
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return "%s:%d:%d" % (name, line, column)


def main():
    p = pki()
    d = subdir("configs")
    good = new_key_file("good.key")
    short = new_key_file("short.key", size=79)
    copied = new_key_file("copied.key", content=open(good, "rb").read())
    old_format = new_key_file("old-format.key", size=48)
    missing = os.path.join(d, "missing.key")
    port = free_port()

    cases = [
        ("short.toml", [good, short], '"%s"' % short, [short, "is 79 bytes"]),
        ("missing.toml", [missing], '"%s"' % missing, [missing]),
        ("copied.toml", [good, old_format, copied], '"%s"' % copied, [copied, good, "key name"]),
        ("twice.toml", [good, good], '"%s"]' % good, [good, "already listed"]),
    ]
    for name, entries, needle, words in cases:
        text = config_text(p, port, entries)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
        where = position_of(text, needle, name)
        r = run_certgate(["serve", "-c", name], cwd=d)
        check_eq(r.code, 2, "exit code for %s" % name, r)
        check(where in r.stderr, "%s: stderr should name %s" % (name, where), r)
        for word in words:
            check(word in r.stderr, "%s: stderr should contain %r" % (name, word), r)
        c = run_certgate(["check", "-c", name], cwd=d)
        check(c.code != 0, "%s: check should fail" % name, c)
        check(where in c.stdout + c.stderr, "%s: check should name %s" % (name, where), c)

    # A key others can read: serve takes it, check warns (CG130) at its entry.
    readable = new_key_file("readable.key")
    os.chmod(readable, 0o644)
    text = config_text(p, port, [readable])
    with open(os.path.join(d, "readable.toml"), "w") as f:
        f.write(text)
    c = run_certgate(["check", "-c", "readable.toml"], cwd=d)
    check_eq(c.code, 1, "check exit code for a key readable by others (a warning)", c)
    out = c.stdout + c.stderr
    check("CG130" in out and position_of(text, '"%s"' % readable, "readable.toml") in out,
          "check warns CG130 at the key's entry", c)
    check("CG130" not in run_certgate(["check", "-c", "short.toml"], cwd=d).stdout, "no CG130 for a 0600 key")

    text = config_text(p, port, [good], host_entries=good)
    with open(os.path.join(d, "host.toml"), "w") as f:
        f.write(text)
    r = run_certgate(["serve", "-c", "host.toml"], cwd=d)
    check_eq(r.code, 2, "exit code for a [[host]] session_ticket_keys", r)
    line = "host.toml:%d:" % text.count("\n")  # the [[host]] block's session_ticket_keys, the last line
    check(line in r.stderr, "stderr should name %s" % line, r)
    check("session_ticket_keys" in r.stderr, "stderr should name the key", r)

    # A reload with a bad key file is refused; the keys in use stay.
    with Upstream() as up:
        cfg = ticket_config(p, up.url, [good])
        with Gateway(cfg) as gw:
            sess = os.path.join(workdir(), "before.sess")
            first = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), cert=p.pem("edge"),
                             key=p.key("edge"), sess_out=sess, request=http_get("localhost", "/before"))
            check_eq(first.status, 200, "admitted before the reload", first)
            gw.rewrite_config(ticket_config(p, up.url, [short, good]))
            gw.signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "reload refused" not in gw.stderr_text():
                if time.monotonic() > deadline:
                    fail("no refused reload logged within 10 s", gw)
                time.sleep(0.05)
            log = gw.stderr_text()
            check(short in log and "is 79 bytes" in log, "the refused reload names the file and its size", gw)
            check("certgate.toml:" in log, "the refused reload names the configuration position", gw)
            again = s_client(gw.port, servername="localhost", cacert=p.pem("ca"), sess_in=sess,
                             request=http_get("localhost", "/after-refused-reload"))
            check(again.reused, "the session made before the refused reload still resumes", again)
            check_eq(again.status, 200, "admitted after the refused reload", again)


if __name__ == "__main__":
    run_test(main)
