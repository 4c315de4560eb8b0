"""The benchmark PKI, made with the openssl command line: for each key type (ECDSA P-256, RSA-2048) a CA, a
server certificate (localhost, 127.0.0.1) and a client certificate (CN=bench-client, EKU clientAuth).
Files: DIR/KIND/{ca,server,client}.{pem,key}, plus server-combined.pem (certificate + key, for HAProxy)."""
import os
import subprocess

KINDS = {
    "ecdsa": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "rsa": ["-newkey", "rsa:2048"],
}

CLIENT_CN = "bench-client"

SERVER_EXT = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
"""

CLIENT_EXT = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
"""


def _openssl(*args, cwd):
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError("openssl %s failed:\n%s" % (" ".join(args), proc.stderr))


def _issue(d, name, subject, ext_text, newkey):
    ext = os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        f.write(ext_text)
    _openssl("req", *newkey, "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject, cwd=d)
    _openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "30", "-sha256", "-extfile", ext, "-out", name + ".pem", cwd=d)


def make(directory):
    """Makes both PKIs under `directory` (once: kept when already complete). Returns {kind: dir}."""
    out = {}
    for kind, newkey in KINDS.items():
        d = os.path.join(directory, kind)
        out[kind] = d
        if os.path.exists(os.path.join(d, "COMPLETE")):
            continue
        os.makedirs(d, exist_ok=True)
        _openssl("req", "-x509", *newkey, "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                 "-sha256", "-subj", "/O=certgate bench/CN=certgate bench CA (%s)" % kind,
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
        _issue(d, "server", "/CN=localhost", SERVER_EXT, newkey)
        _issue(d, "client", "/O=certgate bench/CN=%s" % CLIENT_CN, CLIENT_EXT, newkey)
        with open(os.path.join(d, "server-combined.pem"), "w") as f:
            f.write(open(os.path.join(d, "server.pem")).read() + open(os.path.join(d, "server.key")).read())
        open(os.path.join(d, "COMPLETE"), "w").close()
    return out
