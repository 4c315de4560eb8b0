#!/usr/bin/env python3
"""A chain served from the verified-chain cache is verified again after a SIGHUP reload: a certificate admitted by
two full handshakes (the second one from the cache) gets 403.13 on the next full handshake once a reload adds the
CRL revoking it. Resumption is off ([limits] session_cache = 0), so every handshake is a full one."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"session_cache": 0}
        with Gateway(cfg) as gw:
            # "revoked" is listed on crl.pem, which the first configuration does not load.
            for n, cached in enumerate((False, True)):
                path = "/before-crl-%d" % n
                entry = check_admitted(gw, up, request(gw, path, cert="revoked"), path, "edge-user", "edge")
                check_eq((entry.get("resumed"), entry.get("chain_cached")), (False, cached),
                         "%s: full handshake, (resumed, chain_cached)" % path)

            cfg["tls"]["crl"] = [p.crl()]
            gw.reload(cfg)

            entry = check_rejected(gw, up, request(gw, "/after-crl", cert="revoked"), "/after-crl", 403, 13)
            check_eq((entry.get("resumed"), entry.get("chain_cached")), (False, False),
                     "after the reload: verified again, (resumed, chain_cached)")
            # And refused again on the next one: a refusal by verification is never cached as an admission.
            entry = check_rejected(gw, up, request(gw, "/after-crl-again", cert="revoked"), "/after-crl-again", 403, 13)
            check_eq(entry.get("chain_cached"), False, "a refused chain is not cached")


if __name__ == "__main__":
    run_test(main)
