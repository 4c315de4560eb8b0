#!/usr/bin/env python3
"""A many-to-one rule that fails only by case (compareCaseSensitive, the IIS default): 401.2, and the cause
shows the rule beside the certificate's value and says it would match if compareCaseSensitive were false, in
explain (decision, trace and the rule's own step) and in the access log. With case_sensitive = false the
same certificate is admitted."""
import copy
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.tools import run
from harness.upstream import Upstream

MAPPING = {"name": "edges", "user": "edge-user",
           "rules": [{"field": "subject", "subfield": "CN", "match": "edge.example.com"},
                     {"field": "subject", "subfield": "O", "match": "EXAMPLE"}]}


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url, mappings=[MAPPING]), name="case-sensitive") as gw:
            r, report, cause = explain_cause(["-c", gw.config_path, "--cert", p.pem("edge")], gw.dir, "401.2")
            text = ["mapping 'edges'", "would admit this certificate as user 'edge-user' but for one rule",
                    'subject.O = "EXAMPLE" (case-sensitive)', "the certificate's subject O is \"Example\"",
                    "it would match if compareCaseSensitive were false"]
            fix = ['compareCaseSensitive="false"', "case_sensitive = false", 'as the certificate has it: "Example"']
            check_cause_has(cause, "case_only", text, fix, r)
            rules = [rule for step in report["trace"] if step["kind"] == "mapping" for rule in step["rules"]]
            failing = [rule for rule in rules if not rule["matched"]]
            check_eq(len(failing), 1, "one rule fails", r)
            check("would match if compareCaseSensitive were false" in failing[0]["hint"], "the rule's step says so", r)
            check(failing[0]["hint"] in failing[0]["note"], "and its note too", r)
            text_out = run(["explain", "-c", gw.config_path, "--cert", p.pem("edge")], gw.dir).stdout
            check("                It fails only by case (the certificate has \"Example\")" in text_out,
                  "the text output shows the hint under the rule", r)
            check("  cause: " + cause["text"] + "\n  fix:   " + cause["fix"] + "\n" in text_out,
                  "the text output's decision shows the cause and fix", r)

            resp = request(gw, "/case", cert="edge")
            entry = check_rejected(gw, up, resp, "/case", 401, 2)
            check_logged_cause(entry, text, fix, resp)
            check_eq(entry["reason"], report["decision"]["log_reason"], "the server logs what explain says", resp)

        insensitive = copy.deepcopy(MAPPING)
        insensitive["rules"][1]["case_sensitive"] = False
        with Gateway(base_config(p, up.url, mappings=[insensitive]), name="case-insensitive") as gw:
            resp = request(gw, "/insensitive", cert="edge")
            check_admitted(gw, up, resp, "/insensitive", "edge-user", "edges")


if __name__ == "__main__":
    run_test(main)
