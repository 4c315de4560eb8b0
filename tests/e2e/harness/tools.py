"""Helpers for the operator-tool tests (check, explain, cert): running a subcommand and reading its --json
output, writing files, and a PKI with chosen validity (the fixture's certificates live 30 days, which
`certgate check` rightly reports as expiring)."""
import datetime
import json
import os
import subprocess
import sys

from harness import common
from harness.run import run_certgate


def run(args, cwd, timeout=30):
    """certgate ARGS in cwd (a Run: code, stdout, stderr, describe())."""
    return run_certgate(args, cwd=cwd, timeout=timeout)


def run_json(args, cwd, timeout=30):
    """certgate ARGS --json: (Run, parsed stdout). Fails the test when stdout is not JSON."""
    r = run(list(args) + ["--json"], cwd, timeout)
    try:
        return r, json.loads(r.stdout)
    except ValueError:
        common.fail("stdout of %s is not JSON" % " ".join(args), r)


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def codes(report):
    """Finding codes of a `check --json` report, in order."""
    return [f["code"] for f in report["findings"]]


def findings(report, code):
    return [f for f in report["findings"] if f["code"] == code]


def stamp(days_from_now):
    """An `openssl ca -startdate/-enddate` time, days from now (negative: in the past)."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days_from_now)
    return t.strftime("%Y%m%d%H%M%SZ")


class ToolPki:
    """A PKI made with make_pki's openssl helpers in `directory`, every certificate valid for a year unless
    asked otherwise: root `ca` (O=Example, CN=tools test CA), `server` (localhost, 127.0.0.1, ::1, a.test,
    b.test) and the client `edge` (O=Example, OU=edge, CN=edge.example.com)."""

    def __init__(self, directory):
        sys.path.insert(0, common.HERE)
        import make_pki
        os.makedirs(directory, exist_ok=True)
        self.pki = make_pki.Pki(directory)
        self.pki.root("ca", "/O=Example/CN=tools test CA")
        self.issue("server", "/O=Example/CN=localhost", extensions="v3_server")
        self.issue("edge", make_pki.EDGE)

    def issue(self, name, subject, issuer="ca", extensions="v3_client", days=(-1, 365)):
        self.pki.issue(name, subject, issuer, extensions=extensions, start=stamp(days[0]), end=stamp(days[1]))
        return self.pem(name)

    def root(self, name, subject):
        self.pki.root(name, subject)
        return self.pem(name)

    def pem(self, name):
        return self.pki.pem(name)

    def key(self, name):
        return self.pki.key(name)


def line_of(text, needle):
    """1-based number of the first line of `text` containing `needle` (for expected positions)."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    common.fail("%r is not in the text" % needle)


def serve_toml(pki, client_ca, mapping="", extra=""):
    """A complete serve configuration (listen, upstream, [tls] with the ToolPki server certificate) whose
    [tls] trusts `client_ca` (a list of paths), followed by `mapping` and `extra` TOML text."""
    return ('[server]\nlisten = ["127.0.0.1:1"]\n\n[upstream]\nurl = "http://127.0.0.1:1"\n\n'
            '[tls]\ncert = "%s"\nkey = "%s"\nclient_ca = %s\nmode = "require"\n\n%s%s'
            % (pki.pem("server"), pki.key("server"), json.dumps(client_ca), mapping, extra))


def openssl(*args):
    """The openssl command line (for the formats operators export: DER, .p7b, .pfx); fails the test on error."""
    proc = subprocess.run(["openssl"] + [str(a) for a in args], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        common.fail("openssl %s failed (%d): %s" % (" ".join(map(str, args)), proc.returncode, proc.stderr))
    return proc.stdout


def one_line_with(text, *needles):
    """The first line of `text` that contains every needle (the cause and its fix are on one line), or None."""
    for line in text.splitlines():
        if all(n in line for n in needles):
            return line
    return None
