"""The benchmark PKI, made with the openssl command line: for each key type (ECDSA P-256, RSA-2048) a CA, a
server certificate (localhost, 127.0.0.1) and a client certificate (CN=bench-client, EKU clientAuth).
Files: DIR/KIND/{ca,server,client}.{pem,key}, plus server-combined.pem (certificate + key, for HAProxy).

For ECDSA also a pool of POOL_SIZE client certificates signed by the same CA, for the full-handshake rows
with the same and with a distinct client certificate per connection (loadgen --cert-pool):
DIR/ecdsa/pool/NNNN.pem (CN=bench-client-NNNN, OU=pool, serial POOL_SERIAL_BASE + NNNN, each a certificate of
its own) sharing one key, DIR/ecdsa/pool.key (one key keeps the generation to one openssl run per leaf; the
server verifies each certificate's signature and chain all the same), and DIR/ecdsa/pool-1/ holding only the
first of them (the same certificate on every connection, as a CDN edge presents it).

Why 1024: a server that caches verified chains (keyed on the chain) for a CDN's handful of edge certificates
holds tens to a few hundred; the round robin over 1024 brings each certificate back only every 1024
connections, so any cache of fewer than 1024 entries that evicts the least recently used misses on every
connection (round robin is that policy's worst case), and a cache that holds all 1024 is one no real edge fleet
needs. At about 1,000-2,500 full handshakes/s a certificate returns every 0.4-1 s, well inside any cache
lifetime, so the row measures the cache's size, not its expiry."""
import concurrent.futures
import os
import shutil
import subprocess

KINDS = {
    "ecdsa": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "rsa": ["-newkey", "rsa:2048"],
}

CLIENT_CN = "bench-client"
POOL_SIZE = 1024
POOL_SERIAL_BASE = 0x5000_0000

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


POOL_CNF = """\
[req]
distinguished_name = dn
[dn]
[client_ext]
""" + CLIENT_EXT


def pool_paths(kind_dir):
    """(the pool directory, the pool of one, the key every leaf of the pool shares)."""
    return os.path.join(kind_dir, "pool"), os.path.join(kind_dir, "pool-1"), os.path.join(kind_dir, "pool.key")


def _make_pool(d, size=POOL_SIZE, jobs=4):
    """`size` client certificates under d/pool, each its own serial and subject, signed by d's CA."""
    pool, one, key = pool_paths(d)
    for p in (pool, one):
        shutil.rmtree(p, ignore_errors=True)
        os.makedirs(p)
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key, cwd=d)
    cnf = os.path.join(d, "pool.cnf")
    with open(cnf, "w") as f:
        f.write(POOL_CNF)

    def issue(i):
        # openssl 3.0: req -x509 with -CA signs the leaf directly (one process per certificate).
        _openssl("req", "-x509", "-new", "-config", cnf, "-extensions", "client_ext", "-key", key,
                 "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", str(POOL_SERIAL_BASE + i), "-days", "30",
                 "-sha256", "-subj", "/O=certgate bench/OU=pool/CN=%s-%04d" % (CLIENT_CN, i),
                 "-out", os.path.join(pool, "%04d.pem" % i), cwd=d)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        list(ex.map(issue, range(size)))  # list(): an exception in any job is raised here
    shutil.copy(os.path.join(pool, "0000.pem"), os.path.join(one, "0000.pem"))
    open(os.path.join(d, "pool.complete"), "w").close()


def make(directory):
    """Makes both PKIs under `directory` (once: kept when already complete). Returns {kind: dir}."""
    out = {}
    for kind, newkey in KINDS.items():
        d = os.path.join(directory, kind)
        out[kind] = d
        if os.path.exists(os.path.join(d, "COMPLETE")):
            if kind == "ecdsa" and not os.path.exists(os.path.join(d, "pool.complete")):
                _make_pool(d)  # a PKI made before the pool existed
            continue
        os.makedirs(d, exist_ok=True)
        _openssl("req", "-x509", *newkey, "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                 "-sha256", "-subj", "/O=certgate bench/CN=certgate bench CA (%s)" % kind,
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
        _issue(d, "server", "/CN=localhost", SERVER_EXT, newkey)
        _issue(d, "client", "/O=certgate bench/CN=%s" % CLIENT_CN, CLIENT_EXT, newkey)
        if kind == "ecdsa":
            _make_pool(d)
        with open(os.path.join(d, "server-combined.pem"), "w") as f:
            f.write(open(os.path.join(d, "server.pem")).read() + open(os.path.join(d, "server.key")).read())
        open(os.path.join(d, "COMPLETE"), "w").close()
    return out
