#!/usr/bin/env python3
"""A chain served from the verified-chain cache is decided again after a SIGHUP reload: a certificate admitted by
two full handshakes (the second one from the cache) gets 401.2 on the next full handshake once a reload removes
the mapping that admitted it. Resumption is off ([limits] session_cache = 0), so every handshake is a full one."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.checks import check_admitted, check_rejected
from harness.client import request
from harness.common import check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.upstream import Upstream

OTHER_MAPPING = {"name": "other", "user": "other-user",
                 "rules": [{"field": "subject", "subfield": "CN", "match": "other.example.com"}]}


def main():
    p = pki()
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["limits"] = {"session_cache": 0}
        with Gateway(cfg) as gw:
            for n, cached in enumerate((False, True)):
                path = "/before-reload-%d" % n
                entry = check_admitted(gw, up, request(gw, path, cert="edge"), path, "edge-user", "edge")
                check_eq((entry.get("resumed"), entry.get("chain_cached")), (False, cached),
                         "%s: full handshake, (resumed, chain_cached)" % path)

            # The same policy without the mapping that admitted edge.
            cfg = base_config(p, up.url, mappings=[OTHER_MAPPING])
            cfg["limits"] = {"session_cache": 0}
            gw.reload(cfg)

            for n, cached in enumerate((False, True)):
                # The refusal by the mapping is cached by the new configuration: still a refusal.
                path = "/after-reload-%d" % n
                entry = check_rejected(gw, up, request(gw, path, cert="edge"), path, 401, 2)
                check_eq((entry.get("resumed"), entry.get("chain_cached"), entry.get("identity")), (False, cached, ""),
                         "%s: (resumed, chain_cached, identity)" % path)


if __name__ == "__main__":
    run_test(main)
