"""The admin listener of a gateway under test: plain HTTP on 127.0.0.1, read with http.client."""
import http.client
import re
import time

from harness import common


def admin_get(port, path, method="GET", timeout=10):
    """(status, headers dict with lower-case names, body text) of one request to the admin listener."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


def wait_admin(gw, port, timeout=10.0):
    """Waits (bounded) until the gateway logs that its admin listener is up."""
    deadline = time.monotonic() + timeout
    while "admin listening on" not in gw.stderr_text():
        if time.monotonic() >= deadline or not gw.alive():
            common.fail("certgate did not start its admin listener on port %d:\n%s" % (port, gw.stderr_text()))
        time.sleep(0.05)


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """Every sample of a text exposition: a list of (name, {label: value}, float value)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            common.fail("not a sample line in the scrape: %r" % line)
        labels = dict(_LABEL.findall(m.group(3) or ""))
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def value(text, name, **labels):
    """The value of the one series `name` whose labels include `labels` (0 when there is none)."""
    found = [v for n, l, v in samples(text) if n == name and all(l.get(k) == str(w) for k, w in labels.items())]
    if len(found) > 1:
        common.fail("%d series of %s match %r" % (len(found), name, labels))
    return found[0] if found else 0.0


def check_promtool(text):
    """`promtool check metrics` (Debian's prometheus package) accepts the scrape `text`."""
    import os
    import shutil
    import subprocess
    promtool = shutil.which("promtool") or "/usr/bin/promtool"
    if not os.path.exists(promtool):
        common.fail("promtool not found (Debian package prometheus; scripts/install-deps installs it)")
    checked = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
    common.check_eq(checked.returncode, 0, "promtool check metrics:\n%s%s\n--- scrape ---\n%s" % (
        checked.stdout.decode(), checked.stderr.decode(), text))
