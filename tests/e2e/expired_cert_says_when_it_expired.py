#!/usr/bin/env python3
"""An expired client certificate: 403.17, and the cause says when it expired (UTC) and how long before the
time of the check, with the fix (present the renewed certificate), in explain and in the access log."""
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


def main():
    p = ToolPki(subdir("expired-pki"))
    old = p.issue("old", "/O=Example/OU=edge/CN=edge.example.com", days=(-40, -10))
    with Upstream() as up, Gateway(base_config(p, up.url)) as gw:
        _, shown = run_json(["cert", "show", old], gw.dir)
        ended = shown["certificates"][0]["not_after"]
        r, report, cause = explain_cause(["-c", gw.config_path, "--cert", old], gw.dir, "403.17")
        check_cause_has(cause, "expired",
                        ["the client certificate 'CN=edge.example.com,OU=edge,O=Example' expired at " + ended,
                         "10 days before the time it was checked (" + report["evaluated_at"] + ")"],
                        ["renewed certificate"], r)

        resp = request(gw, "/expired", cert="old", pki=p)
        entry = check_rejected(gw, up, resp, "/expired", 403, 17)
        check_logged_cause(entry, ["expired at " + ended, "10 days", "before the time it was checked"],
                           ["renewed certificate"], resp)


if __name__ == "__main__":
    run_test(main)
