#!/usr/bin/env python3
"""The walk of docs/cloudflare.md against the real server: `pki init` and `pki issue` make a CA and an edge
certificate; certgate serves with the [[host]] block `pki issue` printed (report-only first). The issued
certificate is admitted with its identity; another CA's certificate is let through with X-Client-Verify FAILED and
X-Client-Would-Refuse: 403.16 upstream and would_refuse=403.16 in the log; `certgate report` on that log says "not
safe to enforce" and names the reason. With enforce = true it is refused. A rotation: after a second `pki issue`
both edge certificates are admitted; after `pki retire` of the old one it is refused (401.2)."""
import os
import shutil
import sys
import tomllib

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted
from harness.client import curl
from harness.common import check, check_eq, pki, run_test, subdir
from harness.gateway import Gateway, base_config
from harness.pki_cli import host_block, init, issue, pki_cmd
from harness.run import run_certgate
from harness.upstream import Upstream

HOSTNAME = "a.test"  # a name the test server certificate covers


def served_config(p, up, steps_json):
    """The test gateway's configuration with the printed block as its [[host]]."""
    cfg = base_config(p, up.url)
    cfg["host"] = [tomllib.loads(host_block(steps_json))["host"][0]]
    return cfg


def get(gw, p, path, cert, key):
    return curl(gw.url(path, HOSTNAME), cacert=p.pem("ca"), resolve=["%s:%d:%s" % (HOSTNAME, gw.port, gw.host)],
                cert=cert, key=key)


def main():
    p = pki()
    d = subdir("aop")
    init(d, d)
    first = issue(d, d, HOSTNAME)
    block = host_block(first)
    check("enforce = false" in block, "the printed block starts report-only", block)
    parsed = tomllib.loads(block)["host"][0]
    mapping = parsed["mapping"]["one_to_one"][0]
    first_cert = mapping["certificate"]
    first_key = first_cert[:-len(".pem")] + ".key"
    check(os.path.exists(first_key), "the edge key sits beside its certificate: %s" % first_key)

    with Upstream() as up:
        cfg = served_config(p, up, first)
        with Gateway(cfg) as gw:
            # The issued edge certificate: admitted with the printed mapping's identity.
            r = get(gw, p, "/edge", first_cert, first_key)
            check_admitted(gw, up, r, "/edge", mapping["user"], mapping["name"])

            # Another CA's certificate (the test PKI's edge): report-only lets it through, with the real verdict.
            r = get(gw, p, "/other-ca", p.pem("edge"), p.key("edge"))
            check_eq(r.status, 200, "report-only lets another CA's certificate through", r)
            verify = r.upstream_header("X-Client-Verify")
            check(len(verify) == 1 and verify[0].startswith("FAILED:"), "X-Client-Verify is the real verdict: %r" % verify, r)
            check_eq(r.upstream_header("X-Client-Would-Refuse"), ["403.16"], "X-Client-Would-Refuse upstream", r)
            check_eq(r.upstream_header("X-Client-Identity"), [], "no identity for a refusal let through", r)
            check_eq(r.upstream_header("X-Client-Cert-Subject"), [], "no certificate fields either", r)
            entry = gw.log_for_path("/other-ca")
            check_eq(entry.get("status"), 200, "the log has the status sent", r)
            check_eq(entry.get("would_refuse"), "403.16", "the log has the refusal it was spared", r)
            check(entry.get("reason"), "the log has the decision's reason", r)

            # A client sending the would-refuse header itself does not get it through.
            r = curl(gw.url("/forged", HOSTNAME), cacert=p.pem("ca"),
                     resolve=["%s:%d:%s" % (HOSTNAME, gw.port, gw.host)], cert=first_cert, key=first_key,
                     headers=["X-Client-Would-Refuse: none"])
            check_eq(r.upstream_header("X-Client-Would-Refuse"), [], "a client's X-Client-Would-Refuse is stripped", r)

            # The report before switching enforce on.
            rep = run_certgate(["report", gw.access_log_path], d)
            check_eq(rep.code, 1, "report exits 1: not safe", rep)
            check("not safe to enforce" in rep.stdout, "report says not safe to enforce", rep)
            check("403.16" in rep.stdout, "report names the refusal", rep)
            check(entry["fingerprint"] in rep.stdout, "report names the certificate's fingerprint", rep)

            # Enforced: the same certificate is refused, the edge still admitted.
            cfg["host"][0]["enforce"] = True
            gw.reload(cfg)
            r = get(gw, p, "/other-ca-enforced", p.pem("edge"), p.key("edge"))
            check_eq(r.status, 403, "enforced: another CA's certificate is refused", r)
            check_eq(up.requests_for("/other-ca-enforced"), [], "a refused request never reaches the upstream", r)
            check_eq(gw.log_for_path("/other-ca-enforced").get("substatus"), 16, "refused with 403.16", r)
            check_admitted(gw, up, get(gw, p, "/edge-enforced", first_cert, first_key), "/edge-enforced",
                           mapping["user"], mapping["name"])

            # Rotation: the next edge certificate; the printed block maps both.
            second = issue(d, d, HOSTNAME, "--enforce")
            rotated = tomllib.loads(host_block(second))["host"][0]
            mappings = rotated["mapping"]["one_to_one"]
            check_eq(len(mappings), 2, "during the rotation both certificates are mapped", second)
            new = [m for m in mappings if m["certificate"] != first_cert][0]
            new_key = new["certificate"][:-len(".pem")] + ".key"
            cfg["host"] = [rotated]
            gw.reload(cfg)
            check_admitted(gw, up, get(gw, p, "/old-in-window", first_cert, first_key), "/old-in-window",
                           mapping["user"], mapping["name"])
            check_admitted(gw, up, get(gw, p, "/new-in-window", new["certificate"], new_key), "/new-in-window",
                           new["user"], new["name"])

            # After the window: the old one retired, its mapping gone; it is refused. (retire moves its files
            # under retired/: the edge that still presents it keeps its own copy.)
            kept_cert, kept_key = os.path.join(d, "..", "old-edge.pem"), os.path.join(d, "..", "old-edge.key")
            shutil.copyfile(first_cert, kept_cert)
            shutil.copyfile(first_key, kept_key)
            first_cert, first_key = kept_cert, kept_key
            old_id = mapping["name"].rsplit("-", 1)[-1]
            retired = pki_cmd(["retire", "--dir", d, "--cert", old_id, "--enforce"], d, json_output=True)
            check_eq(retired[0].code, 0, "pki retire exits 0", retired[0])
            after = tomllib.loads(retired[1]["next_steps"][0]["config"]["toml"])["host"][0]
            check_eq([m["certificate"] for m in after["mapping"]["one_to_one"]], [new["certificate"]],
                     "after retire only the new certificate is mapped", retired[0])
            cfg["host"] = [after]
            gw.reload(cfg)
            r = get(gw, p, "/old-after-window", first_cert, first_key)
            check_eq(r.status, 401, "the retired certificate is refused", r)
            check_eq(gw.log_for_path("/old-after-window").get("substatus"), 2, "refused with 401.2 (no mapping)", r)
            check_admitted(gw, up, get(gw, p, "/new-after-window", new["certificate"], new_key), "/new-after-window",
                           new["user"], new["name"])


if __name__ == "__main__":
    run_test(main)
