#!/usr/bin/env python3
"""A client certificate that is not valid yet: 403.17, and the cause says when it becomes valid (UTC), how far
that is from the time of the check, and to check the clocks of the signer and the gateway — in explain (at a
chosen time, to the second) and in the access log."""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.causes import check_cause_has, check_logged_cause, explain_cause
from harness.checks import check_rejected
from harness.client import request
from harness.common import run_test, subdir
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki, run_json
from harness.upstream import Upstream


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    p = ToolPki(subdir("notyet-pki"))
    future = p.issue("future", "/O=Example/OU=edge/CN=edge.example.com", days=(3, 30))
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        _, shown = run_json(["cert", "show", future], gw.dir)
        starts = shown["certificates"][0]["not_before"]
        at = datetime.datetime.strptime(starts, "%Y-%m-%dT%H:%M:%SZ") - datetime.timedelta(days=2, hours=3)
        r, report, cause = explain_cause(["-c", gw.config_path, "--cert", future, "--at", iso(at)], gw.dir, "403.17")
        check_cause_has(cause, "not_yet_valid",
                        ["the client certificate 'CN=edge.example.com,OU=edge,O=Example' is not valid yet",
                         "becomes valid at " + starts, "2 days 3 hours after the time it was checked (%s)" % iso(at)],
                        ["check the clocks", "the signer's", "this gateway's (it read %s)" % iso(at)], r)

        resp = request(gw, "/notyet", cert="future", pki=p)
        entry = check_rejected(gw, up, resp, "/notyet", 403, 17)
        check_logged_cause(entry, ["becomes valid at " + starts, "days", "after the time it was checked"],
                           ["check the clocks"], resp)


if __name__ == "__main__":
    run_test(main)
