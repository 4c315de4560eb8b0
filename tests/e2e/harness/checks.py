"""Checks shared by many tests: a request was rejected with status.substatus, or admitted with an identity."""
import base64
import subprocess

from harness.common import check, check_eq, fail


def check_rejected(gw, up, resp, path, status, substatus, detailed=True):
    """The gateway answered `status` (body "status.substatus ..." when detailed), logged the substatus, and
    the upstream never saw the request. Returns the access log entry."""
    check_eq(resp.exit_code, 0, "curl exit code", resp)
    check_eq(resp.status, status, "HTTP status for %s" % path, resp)
    if detailed:
        prefix = "%d.%d " % (status, substatus)
        check(resp.text.startswith(prefix), "body should start with %r" % prefix, resp)
    entry = gw.log_for_path(path)
    check_eq(entry.get("status"), status, "access log status for %s" % path, resp)
    check_eq(entry.get("substatus"), substatus, "access log substatus for %s" % path, resp)
    check(not up.requests_for(path), "a rejected request (%s) must not reach the upstream" % path, resp)
    return entry


def check_admitted(gw, up, resp, path, identity, mapping):
    """The request reached the upstream with the identity headers, and the response is the upstream's.
    Returns the access log entry."""
    check_eq(resp.exit_code, 0, "curl exit code", resp)
    check_eq(resp.status, 200, "HTTP status for %s" % path, resp)
    echo = resp.json()
    check_eq(echo.get("path"), path, "path seen by the upstream", resp)
    check_eq(resp.upstream_header("X-Client-Verify"), ["SUCCESS"], "X-Client-Verify at the upstream", resp)
    check_eq(resp.upstream_header("X-Client-Identity"), [identity], "X-Client-Identity at the upstream", resp)
    check_eq(resp.upstream_header("X-Client-Mapping"), [mapping], "X-Client-Mapping at the upstream", resp)
    entry = gw.log_for_path(path)
    check_eq(entry.get("status"), 200, "access log status for %s" % path, resp)
    check_eq(entry.get("identity"), identity, "access log identity for %s" % path, resp)
    check_eq(entry.get("mapping"), mapping, "access log mapping for %s" % path, resp)
    check_eq(entry.get("verify"), "SUCCESS", "access log verify for %s" % path, resp)
    return entry


def openssl_x509(pem, *args):
    proc = subprocess.run(["openssl", "x509", "-in", pem, "-noout", *args], capture_output=True, text=True,
                          timeout=30)
    if proc.returncode != 0:
        fail("openssl x509 %s failed: %s" % (" ".join(args), proc.stderr))
    return proc.stdout.strip()


def cert_facts(pem):
    """What the gateway should send upstream about a certificate, computed with the openssl CLI."""
    subject = openssl_x509(pem, "-subject", "-nameopt", "RFC2253").split("=", 1)[1]
    issuer = openssl_x509(pem, "-issuer", "-nameopt", "RFC2253").split("=", 1)[1]
    fingerprint = openssl_x509(pem, "-fingerprint", "-sha256").split("=", 1)[1].replace(":", "").lower()
    serial = openssl_x509(pem, "-serial").split("=", 1)[1].upper()
    der = subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], capture_output=True,
                         timeout=30).stdout
    return {"subject": subject, "issuer": issuer, "fingerprint": fingerprint, "serial": serial,
            "client_cert": ":" + base64.b64encode(der).decode() + ":"}
