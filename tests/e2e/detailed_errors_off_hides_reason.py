#!/usr/bin/env python3
"""detailed_errors = "off": the refusal body carries no reason text (still logged, with its cause). With the
default ("local"), a loopback client does get the reason, but never the cause, which names configuration
details: the control that makes this test able to fail."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        with Gateway(base_config(p, up.url), name="local") as gw:
            r = request(gw, "/rogue-local", cert="rogue")
            check_eq(r.status, 403, "status", r)
            check(r.text.startswith("403.16 "), "default detailed_errors: body starts with the substatus", r)
            logged = gw.log_for_path("/rogue-local").get("reason") or ""
            # The log has the reason and then its cause; the body at most the reason, never the cause.
            reason, _, cause = logged.partition("; cause: ")
            check(len(reason) > 3 and len(cause) > 3, "the access log should carry a reason and its cause", r)
            check(reason in r.text, "default detailed_errors: body should contain the reason %r" % reason, r)
            check(cause not in r.text, "the cause is for the log only: %r" % cause, r)

        cfg = base_config(p, up.url)
        cfg["server"]["detailed_errors"] = "off"
        with Gateway(cfg, name="off") as gw:
            r = request(gw, "/rogue-off", cert="rogue")
            check_eq(r.status, 403, "status", r)
            entry = gw.log_for_path("/rogue-off")
            check_eq(entry.get("substatus"), 16, "access log substatus", r)
            reason_off = entry.get("reason") or ""
            check(len(reason_off) > 3, "the access log should still carry the reason", r)
            check(reason_off not in r.text, "detailed_errors off: body must not contain the reason %r" % reason_off, r)
            check(reason not in r.text, "detailed_errors off: body must not contain the reason %r" % reason, r)
            check(not up.requests_for("/rogue-off"), "must not reach the upstream", r)


if __name__ == "__main__":
    run_test(main)
