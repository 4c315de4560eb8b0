#!/usr/bin/env python3
"""A CRL mounted as Kubernetes does it (crl.pem -> ..data/crl.pem, ..data -> a versioned directory) is read
again when ..data is swapped to a new directory: the certificate the new CRL revokes gets 403.13."""
import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.client import request
from harness.common import check_eq, run_test, subdir
from harness.crl_files import gencrl, revoke, wait_stderr
from harness.gateway import Gateway, base_config
from harness.tools import ToolPki
from harness.upstream import Upstream


def main():
    directory = subdir("crl-symlink-pki")
    p = ToolPki(directory)
    mount = os.path.join(directory, "mount")
    for version in ("..v1", "..v2"):
        os.makedirs(os.path.join(mount, version))
    gencrl(p, os.path.join(mount, "..v1", "crl.pem"))
    os.symlink("..v1", os.path.join(mount, "..data"))
    crl = os.path.join(mount, "crl.pem")
    os.symlink(os.path.join("..data", "crl.pem"), crl)
    with Upstream() as up:
        cfg = base_config(p, up.url)
        cfg["tls"]["crl"] = [crl]
        cfg["limits"] = {"crl_check_interval": "200ms"}
        with Gateway(cfg) as gw:
            check_eq(request(gw, "/before", cert="edge", pki=p).status, 200, "admitted before the swap")
            revoke(p, "edge")
            gencrl(p, os.path.join(mount, "..v2", "crl.pem"))
            os.symlink("..v2", os.path.join(mount, "..data_tmp"))
            os.replace(os.path.join(mount, "..data_tmp"), os.path.join(mount, "..data"))
            wait_stderr(gw, "CRLs reloaded: " + crl)
            resp = request(gw, "/after", cert="edge", pki=p)
            check_eq(resp.status, 403, "refused after the swap", resp)
            check_eq(resp.text[:7], "403.13 ", "revoked", resp)


if __name__ == "__main__":
    run_test(main)
