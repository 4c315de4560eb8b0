"""CRL files that change while the gateway runs: a ToolPki CA's CRLs made with `openssl ca -gencrl`, put in place
the ways operators and tools do (rename over, rewrite in place, a Kubernetes-style symbolic link swap), and the
bounded waits for the gateway to notice."""
import os
import shutil
import time

from harness import common, make_pki


def gencrl(tool_pki, path, next_update_days=30, last_update_days=-1):
    """The CA's CRL (its revocations so far) written to `path`; nextUpdate `next_update_days` from now."""
    from harness.tools import stamp
    make_pki.run("ca", "-batch", "-config", tool_pki.pki.ca_config("ca"), "-gencrl", "-crlexts", "crl_ext",
                 "-crl_lastupdate", stamp(last_update_days), "-crl_nextupdate", stamp(next_update_days),
                 "-out", path)
    return path


def revoke(tool_pki, name):
    make_pki.run("ca", "-batch", "-config", tool_pki.pki.ca_config("ca"), "-revoke", tool_pki.pem(name),
                 "-crl_reason", "keyCompromise")


def replace_by_rename(source, target):
    """As `mv` and most tools do: a new file renamed over the old one (a new inode)."""
    tmp = target + ".tmp"
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def rewrite_in_place(data, target):
    """As `cat new > old` does: the same inode, truncated and written again."""
    with open(target, "wb") as f:
        f.write(data)


def wait_stderr(gw, needle, timeout=10.0, after=0):
    """Waits (bounded) until the gateway's standard error, from offset `after`, holds `needle`; returns the text."""
    deadline = time.monotonic() + timeout
    while True:
        text = gw.stderr_text()[after:]
        if needle in text:
            return text
        if time.monotonic() >= deadline or not gw.alive():
            common.fail("certgate did not log %r within %.0f s:\n%s" % (needle, timeout, gw.stderr_text()))
        time.sleep(0.05)
