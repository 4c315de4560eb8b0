"""Shared pieces of the `certgate iis import/export` tests: running the tools, serving a policy they wrote, and
the verdicts a gateway gives a fixed set of test certificates (to compare two policies by behaviour)."""
import json
import os

from harness import common
from harness.client import request
from harness.gateway import Gateway, to_toml
from harness.run import run_certgate

# Test certificates (harness/make_pki.py) and what they exercise.
CASES = [("edge", "edge"), ("none", None), ("rogue", "rogue"), ("unmapped", "unmapped"), ("blocked", "blocked"),
         ("bclient", "bclient")]


def certgate(args, cwd=None, timeout=30):
    return run_certgate(list(args), cwd=cwd or common.workdir(), timeout=timeout)


def parse_json(run):
    try:
        return json.loads(run.stdout)
    except ValueError:
        common.fail("not JSON on standard output", run)


def serving_toml(pki, upstream_url, mapping_toml, client_ca=("ca",)):
    """A complete certgate.toml for Gateway(toml_text=...): listen, upstream, server certificate and trust anchors
    (PKI names), then `mapping_toml` (the [tls] mode and [mapping] an import wrote; its [tls] table receives the
    certificate keys)."""
    tls_keys = to_toml({"cert": pki.pem("server"), "key": pki.key("server"),
                        "client_ca": [pki.pem(name) for name in client_ca]})
    if "\n[tls]\n" in "\n" + mapping_toml:
        body = ("\n" + mapping_toml).replace("\n[tls]\n", "\n[tls]\n" + tls_keys, 1).lstrip("\n")
    else:
        body = "[tls]\n" + tls_keys + "\n" + mapping_toml
    head = ('[server]\nlisten = ["127.0.0.1:@PORT@"]\naccess_log = "@ACCESS_LOG@"\nlog_format = "json"\n\n'
            '[upstream]\nurl = "%s"\n\n' % upstream_url)
    return head + body


def verdicts(gw, label, cases=CASES):
    """{case: (status, substatus, identity, mapping)} for each test certificate, from the wire and the access
    log (they must agree)."""
    out = {}
    for case, cert in cases:
        path = "/%s-%s" % (label, case)
        r = request(gw, path, cert=cert)
        common.check_eq(r.exit_code, 0, "curl exit code", r)
        entry = gw.log_for_path(path)
        common.check_eq(entry.get("status"), r.status, "access log status matches the wire", r)
        out[case] = (r.status, entry.get("substatus") or 0, entry.get("identity") or "", entry.get("mapping") or "")
    return out


def serve_and_judge(pki, up, toml_text, label):
    """Starts certgate on `toml_text` (with @PORT@ / @ACCESS_LOG@), returns its verdicts and stops it."""
    with Gateway(toml_text=toml_text, name=label) as gw:
        return verdicts(gw, label)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
