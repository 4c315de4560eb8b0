#!/usr/bin/env python3
"""With --sni, certgate probe adds scenario (4): the edge certificate with SNI and Host probe-mismatch.invalid.
It never changes the verdict. Against certgate whose only mapping is in the [[host]] block for localhost (the
default block maps nobody) it is refused (401.2); against certgate with one policy for every name it is
admitted, which the report notes. Both verdicts are ENFORCED (exit 0)."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import EDGE_MAPPING, Gateway, base_config
from harness.origins import check_scenario, probe
from harness.upstream import Upstream

NOBODY = {"name": "nobody", "user": "nobody", "rules": [{"field": "subject", "subfield": "CN", "match": "no-such-cn"}]}


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url, mappings=[NOBODY])
        cfg["host"] = [{"names": ["localhost"], "mapping": {"many_to_one": [dict(EDGE_MAPPING)]}}]
        with Gateway(cfg, name="per-host") as gw:
            r = probe(["https://127.0.0.1:%d/per-host" % gw.port, "--sni", "localhost", "--ca", p.pem("ca")])
            check_eq(r.code, 0, "exit code (ENFORCED)", r.run)
            check_eq(r.report["sni"], "localhost", "SNI", r.run)
            check_eq(r.report["host"], "localhost", "Host follows --sni", r.run)
            check_scenario(r, "edge_certificate", "admitted", "HTTP 200")
            other = check_scenario(r, "other_host", "refused", "HTTP 401.2")
            check_eq((other["number"], other["sni"], other["host"]), (4, "probe-mismatch.invalid", "probe-mismatch.invalid"),
                     "scenario 4 sends the other name as SNI and Host", r.run)
            check(any(n.startswith("(4) the edge certificate for another host name is refused") for n in r.report["notes"]),
                  "note for scenario 4", r.run)

        with Gateway(base_config(p, up.url), name="one-policy") as gw:
            r = probe(["https://127.0.0.1:%d/one-policy" % gw.port, "--sni", "localhost"])
            check_eq(r.code, 0, "exit code (ENFORCED: scenario 4 is informational)", r.run)
            check_scenario(r, "other_host", "admitted", "HTTP 200")
            check(any("does not tie the certificate to a host name" in n for n in r.report["notes"]),
                  "note that the certificate is admitted for any host name", r.run)


if __name__ == "__main__":
    run_test(main)
