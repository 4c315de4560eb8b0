#!/usr/bin/env python3
"""Generates the end-to-end test PKI with the openssl command line, at test time (nothing that can expire is
checked in). Usage: make_pki.py OUTDIR

All keys are EC P-256. Files (OUTDIR/NAME.pem with its key in OUTDIR/NAME.key):
  ca          test root CA (trust anchor of the default host block)
  ca2         a "rogue" root CA nobody trusts
  int         an intermediate CA under ca (pathlen 0)
  cab         the second trusted root, for host b.test
  server      server certificate: localhost, 127.0.0.1, ::1, a.test, b.test
  edge        client: O=Example, OU=edge, CN=edge.example.com, EKU clientAuth (ca)
  deep        client behind int: CN=deep.example.com; deep-chain.pem = leaf + intermediate
  expired     like edge, valid 2020-01-01 .. 2021-01-01
  notyet      like edge, valid 2090-01-01 .. 2091-01-01
  shortlived  like edge, valid from an hour ago until 30 minutes after the PKI was made
  revoked     like edge, revoked; crl.pem is ca's CRL listing it
  rogue       like edge, but issued by ca2
  serverauth  like edge, but EKU serverAuth only
  unmapped    CN=other.example.com (ca): verifies, matches no mapping
  blocked     CN=blocked.example.com (ca): matches the deny mapping of the tests
  bclient     CN=bob.b.test, O=B Org (cab)
  injected    client: O=Example, CN="edge<CR><LF>X-Injected: 1" (ca): a CN that would break a header line
The CRL checks of the whole chain (root rvca, intermediates rvint and gdint under it):
  rvleaf      client behind rvint (rvleaf-chain.pem = leaf + rvint); rvint is revoked on rvca-crl.pem
  gdleaf      client behind gdint (gdleaf-chain.pem); nothing revoked
  gdrevoked   client behind gdint (gdrevoked-chain.pem), revoked on gdint-crl.pem
  rvint-crl.pem  rvint's CRL, listing nothing
Certificates RFC 5280 refuses (each a client of ca unless said otherwise; *-chain.pem = leaf + its CA):
  noaki       no authorityKeyIdentifier
  kcsleaf     keyUsage keyCertSign in a CA:FALSE certificate
  nbcint      intermediate under ca whose basicConstraints CA:TRUE is not critical; nbcleaf behind it
  ncint       intermediate under ca with nameConstraints excluded DNS:evil.test; dotleaf behind it, whose
              dNSName www.evil.test. (trailing dot) slips past that subtree in OpenSSL
  ncleaf      a client certificate carrying nameConstraints
  v1leaf      an X.509 v1 client certificate
  nonumber-crl.pem  ca's CRL without a CRL number
A file named COMPLETE is written last.
"""
import datetime
import os
import secrets
import shutil
import subprocess
import sys

REQ_CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
x509_extensions = v3_root
[ dn ]
CN = unused
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""

# A minimal `openssl ca` configuration: `openssl ca` is the only way in OpenSSL 3.0 to choose arbitrary
# validity dates (-startdate/-enddate) and to revoke and issue CRLs.
CA_CONFIG = """\
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = {cert}
private_key = {key}
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
emailAddress = optional
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_serverauth_only ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1, DNS:a.test, DNS:b.test
[ v3_intermediate ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client_noaki ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = none
[ v3_client_keycertsign ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyCertSign
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client_dotted_dns ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:www.evil.test.
[ v3_client_name_constraints ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical, permitted;DNS:example.com
[ v3_intermediate_bc_not_critical ]
basicConstraints = CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_intermediate_name_constrained ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
nameConstraints = critical, excluded;DNS:evil.test
[ crl_ext ]
authorityKeyIdentifier = keyid
"""


def run(*args):
    proc = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        sys.stderr.write("openssl %s failed (%d):\n%s%s" % (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
        raise SystemExit(1)
    return proc.stdout


class Pki:
    def __init__(self, out):
        self.out = out
        self.req_config = os.path.join(out, "db", "req.cnf")
        os.makedirs(os.path.join(out, "db"), exist_ok=True)
        with open(self.req_config, "w") as f:
            f.write(REQ_CONFIG)

    def pem(self, name):
        return os.path.join(self.out, name + ".pem")

    def key(self, name):
        return os.path.join(self.out, name + ".key")

    def new_key(self, name):
        run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", self.key(name))

    def root(self, name, subject):
        self.new_key(name)
        run("req", "-new", "-x509", "-config", self.req_config, "-key", self.key(name), "-subj", subject,
            "-days", "3650", "-sha256", "-set_serial", "0x" + random_serial(), "-out", self.pem(name))
        self.ca_db(name)

    def ca_db(self, name):
        """The `openssl ca` database of the CA `name`."""
        d = os.path.join(self.out, "db", name)
        os.makedirs(os.path.join(d, "newcerts"), exist_ok=True)
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write(random_serial() + "\n")
        with open(os.path.join(d, "crlnumber"), "w") as f:
            f.write("01\n")
        with open(os.path.join(d, "ca.cnf"), "w") as f:
            f.write(CA_CONFIG.format(dir=d, cert=self.pem(name), key=self.key(name)))

    def ca_config(self, issuer):
        return os.path.join(self.out, "db", issuer, "ca.cnf")

    def issue(self, name, subject, issuer, extensions="v3_client", start=None, end=None):
        """extensions: a section of CA_CONFIG, or None for an X.509 v1 certificate (no extensions)."""
        self.new_key(name)
        csr = os.path.join(self.out, "db", name + ".csr")
        run("req", "-new", "-config", self.req_config, "-key", self.key(name), "-subj", subject, "-out", csr)
        args = ["ca", "-batch", "-notext", "-preserveDN", "-config", self.ca_config(issuer), "-in", csr,
                "-out", self.pem(name)]
        if extensions:
            args += ["-extensions", extensions]
        if start:
            args += ["-startdate", start, "-enddate", end]
        else:
            args += ["-days", "30"]
        run(*args)

    def issue_direct(self, name, subject, issuer, extensions="v3_client"):
        """Signed with `openssl x509 -req` instead of `openssl ca`, whose text database cannot hold a subject
        with a line break in it."""
        self.new_key(name)
        csr = os.path.join(self.out, "db", name + ".csr")
        run("req", "-new", "-config", self.req_config, "-key", self.key(name), "-subj", subject, "-out", csr)
        run("x509", "-req", "-in", csr, "-CA", self.pem(issuer), "-CAkey", self.key(issuer), "-days", "30",
            "-set_serial", "0x" + random_serial(), "-sha256", "-extfile", self.ca_config(issuer),
            "-extensions", extensions, "-out", self.pem(name))

    def revoke(self, name, issuer, crl_name):
        run("ca", "-batch", "-config", self.ca_config(issuer), "-revoke", self.pem(name), "-crl_reason", "keyCompromise")
        self.gencrl(issuer, crl_name)

    def gencrl(self, issuer, crl_name, crl_number=True):
        """The CRL of `issuer` (its revocations so far) as OUTDIR/CRL_NAME.pem; crl_number=False leaves the CRL
        number out (`openssl ca` writes one only when its configuration names a crlnumber file)."""
        config = self.ca_config(issuer)
        if not crl_number:
            with open(config) as f:
                text = f.read()
            config = config + ".nonumber"
            with open(config, "w") as f:
                f.write(text.replace("crlnumber = $dir/crlnumber\n", ""))
        run("ca", "-batch", "-config", config, "-gencrl", "-crlexts", "crl_ext", "-crldays", "30",
            "-out", os.path.join(self.out, crl_name + ".pem"))

    def concat(self, name, parts):
        with open(self.pem(name), "w") as out:
            for p in parts:
                with open(self.pem(p)) as f:
                    out.write(f.read())


def random_serial():
    """16 random bytes as hex, first nibble 1..7: positive, and no leading zero to argue about."""
    return "%x" % secrets.choice(range(1, 8)) + secrets.token_hex(16)[1:]


def openssl_time(t):
    return t.strftime("%Y%m%d%H%M%SZ")


EDGE = "/O=Example/OU=edge/CN=edge.example.com"


def make(out):
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    p = Pki(out)
    p.root("ca", "/O=Example/CN=certgate e2e test CA")
    p.root("ca2", "/O=Rogue/CN=certgate e2e rogue CA")
    p.root("cab", "/O=B Org/CN=certgate e2e host b CA")

    p.issue("int", "/O=Example/CN=certgate e2e intermediate CA", "ca", extensions="v3_intermediate")
    p.ca_db("int")

    p.issue("server", "/O=Example/CN=localhost", "ca", extensions="v3_server")
    p.issue("edge", EDGE, "ca")
    p.issue("deep", "/O=Example/OU=edge/CN=deep.example.com", "int")
    p.concat("deep-chain", ["deep", "int"])
    p.issue("expired", EDGE, "ca", start="20200101000000Z", end="20210101000000Z")
    p.issue("notyet", EDGE, "ca", start="20900101000000Z", end="20910101000000Z")
    now = datetime.datetime.now(datetime.timezone.utc)
    p.issue("shortlived", EDGE, "ca", start=openssl_time(now - datetime.timedelta(hours=1)),
            end=openssl_time(now + datetime.timedelta(minutes=30)))
    p.issue("revoked", EDGE, "ca")
    p.issue("serverauth", EDGE, "ca", extensions="v3_serverauth_only")
    p.issue("unmapped", "/O=Example/OU=edge/CN=other.example.com", "ca")
    p.issue("blocked", "/O=Example/OU=edge/CN=blocked.example.com", "ca")
    p.issue("rogue", EDGE, "ca2")
    p.issue("bclient", "/O=B Org/CN=bob.b.test", "cab")
    p.issue_direct("injected", "/O=Example/CN=edge\r\nX-Injected: 1", "ca")
    p.revoke("revoked", "ca", "crl")

    # Revocation across the chain: rvca -> rvint (revoked) -> rvleaf; rvca -> gdint -> gdleaf, gdrevoked.
    p.root("rvca", "/O=Example/CN=certgate e2e revocation root")
    for ca in ("rvint", "gdint"):
        p.issue(ca, "/O=Example/CN=certgate e2e %s" % ca, "rvca", extensions="v3_intermediate")
        p.ca_db(ca)
    p.issue("rvleaf", "/O=Example/OU=edge/CN=rvleaf.example.com", "rvint")
    p.issue("gdleaf", "/O=Example/OU=edge/CN=gdleaf.example.com", "gdint")
    p.issue("gdrevoked", "/O=Example/OU=edge/CN=gdrevoked.example.com", "gdint")
    for leaf, ca in (("rvleaf", "rvint"), ("gdleaf", "gdint"), ("gdrevoked", "gdint")):
        p.concat(leaf + "-chain", [leaf, ca])
    p.revoke("rvint", "rvca", "rvca-crl")
    p.revoke("gdrevoked", "gdint", "gdint-crl")
    p.gencrl("rvint", "rvint-crl")

    # What RFC 5280 refuses beyond OpenSSL's defaults.
    p.issue("noaki", EDGE, "ca", extensions="v3_client_noaki")
    p.issue("kcsleaf", EDGE, "ca", extensions="v3_client_keycertsign")
    p.issue("nbcint", "/O=Example/CN=certgate e2e non-critical basicConstraints CA", "ca",
            extensions="v3_intermediate_bc_not_critical")
    p.ca_db("nbcint")
    p.issue("nbcleaf", EDGE, "nbcint")
    p.concat("nbcleaf-chain", ["nbcleaf", "nbcint"])
    p.issue("ncint", "/O=Example/CN=certgate e2e name-constrained CA", "ca",
            extensions="v3_intermediate_name_constrained")
    p.ca_db("ncint")
    p.issue("dotleaf", EDGE, "ncint", extensions="v3_client_dotted_dns")
    p.concat("dotleaf-chain", ["dotleaf", "ncint"])
    p.issue("ncleaf", EDGE, "ca", extensions="v3_client_name_constraints")
    p.issue("v1leaf", EDGE, "ca", extensions=None)
    p.gencrl("ca", "nonumber-crl", crl_number=False)

    with open(os.path.join(out, "COMPLETE"), "w") as f:
        f.write("ok\n")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: make_pki.py OUTDIR\n")
        return 2
    make(os.path.abspath(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
