"""OCSP for the end-to-end tests: a PKI whose client certificates name an OCSP responder on 127.0.0.1 in their
authorityInfoAccess, and that responder. Each request is answered by the real `openssl ocsp` responder (with
-reqin/-respout, from the CA's `openssl ca` index), served over HTTP by a small Python server on loopback: the
`openssl ocsp -port` server would listen on every address, and this way the test also counts the requests."""
import http.server
import os
import subprocess
import sys
import threading

from harness import common
from harness.gateway import free_port

# Sections added to the CA's `openssl ca` configuration. {url}: the responder.
OCSP_SECTIONS = """
[ v3_client_ocsp ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:{url}
[ v3_client_no_aia ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ocsp_signer ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_intermediate_ocsp ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:{url}
[ v3_not_ocsp_signer ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

EDGE = "/O=Example/OU=edge/CN=edge.example.com"


class OcspPki:
    """Root `ca` (O=Example, CN=certgate e2e OCSP CA) with `server`, the OCSP signer `signer` (id-kp-OCSPSigning),
    `notsigner` (a certificate of the same CA without that EKU), and clients with the subject of the tests'
    edge mapping (CN=edge.example.com) whose AIA names http://127.0.0.1:PORT/: `good`, `revoked` (revoked in the
    CA's index, reason keyCompromise) and `unknown` (signed outside `openssl ca`: not in the index)."""

    def __init__(self, directory):
        sys.path.insert(0, common.HERE)
        import make_pki
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/" % self.port
        self.pki = make_pki.Pki(directory)
        self.pki.root("ca", "/O=Example/CN=certgate e2e OCSP CA")
        with open(self.pki.ca_config("ca"), "a") as f:
            f.write(OCSP_SECTIONS.format(url=self.url))
        self.pki.issue("server", "/O=Example/CN=localhost", "ca", extensions="v3_server")
        self.pki.issue("signer", "/O=Example/CN=certgate e2e OCSP signer", "ca", extensions="v3_ocsp_signer")
        self.pki.issue("notsigner", "/O=Example/CN=certgate e2e not an OCSP signer", "ca",
                       extensions="v3_not_ocsp_signer")
        self.pki.issue("good", EDGE, "ca", extensions="v3_client_ocsp")
        self.pki.issue("revoked", EDGE, "ca", extensions="v3_client_ocsp")
        make_pki.run("ca", "-batch", "-config", self.pki.ca_config("ca"), "-revoke", self.pki.pem("revoked"),
                     "-crl_reason", "keyCompromise")
        self.pki.issue_direct("unknown", EDGE, "ca", extensions="v3_client_ocsp")
        self.pki.issue("noaia", EDGE, "ca", extensions="v3_client_no_aia")
        self.index = os.path.join(directory, "db", "ca", "index.txt")
        self.ports = {"ca": self.port}

    def add_intermediate(self, name):
        """An intermediate CA `name` under ca (its AIA naming ca's responder) with its own responder port
        (self.ports[name]), its OCSP signer NAME-signer and the client NAME-leaf (CN=edge.example.com, AIA naming
        the intermediate's responder); NAME-leaf-chain.pem is the leaf and the intermediate."""
        import make_pki
        self.pki.issue(name, "/O=Example/CN=certgate e2e OCSP %s" % name, "ca", extensions="v3_intermediate_ocsp")
        self.pki.ca_db(name)
        port = free_port()
        self.ports[name] = port
        with open(self.pki.ca_config(name), "a") as f:
            f.write(OCSP_SECTIONS.format(url="http://127.0.0.1:%d/" % port))
        self.pki.issue(name + "-signer", "/O=Example/CN=certgate e2e OCSP %s signer" % name, name,
                       extensions="v3_ocsp_signer")
        self.pki.issue(name + "-leaf", EDGE, name, extensions="v3_client_ocsp")
        self.pki.concat(name + "-leaf-chain", [name + "-leaf", name])
        return port

    def revoke(self, name, issuer="ca"):
        import make_pki
        make_pki.run("ca", "-batch", "-config", self.pki.ca_config(issuer), "-revoke", self.pki.pem(name),
                     "-crl_reason", "keyCompromise")

    def index_of(self, ca):
        return os.path.join(self.pki.out, "db", ca, "index.txt")

    def pem(self, name):
        return self.pki.pem(name)

    def key(self, name):
        # NAME-leaf-chain.pem holds the key of NAME-leaf.
        return self.pki.key(name[:-len("-chain")] if name.endswith("-chain") else name)


class OcspResponder:
    """Answers POSTed OCSP requests for the CA `ca` on 127.0.0.1:pki.ports[ca] with `openssl ocsp`, from that
    CA's index, signing with `signer` (default: the CA's delegated OCSP signer). next_update: the openssl ocsp
    options that set it (default a day ahead). requests: how many it answered."""

    def __init__(self, pki, signer=None, next_update=("-ndays", "1"), ca="ca"):
        self.pki = pki
        self.ca = ca
        self.port = pki.ports[ca]
        self.signer = signer or ("signer" if ca == "ca" else ca + "-signer")
        self.next_update = list(next_update)
        self.requests = 0
        self.errors = []
        self.dir = common.subdir("ocsp-responder")
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                answer = responder.answer(body, self.headers.get("Content-Type"))
                self.send_response(200 if answer is not None else 500)
                self.send_header("Content-Type", "application/ocsp-response")
                self.send_header("Content-Length", str(len(answer or b"")))
                self.end_headers()
                self.wfile.write(answer or b"")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        common.register(self)

    def answer(self, request, content_type):
        n = self.requests = self.requests + 1
        if content_type != "application/ocsp-request":
            self.errors.append("request %d: Content-Type %r" % (n, content_type))
        reqin = os.path.join(self.dir, "req-%d.der" % n)
        respout = os.path.join(self.dir, "resp-%d.der" % n)
        with open(reqin, "wb") as f:
            f.write(request)
        proc = subprocess.run(["openssl", "ocsp", "-index", self.pki.index_of(self.ca), "-CA", self.pki.pem(self.ca),
                               "-rsigner", self.pki.pem(self.signer), "-rkey", self.pki.key(self.signer),
                               "-reqin", reqin, "-respout", respout] + self.next_update,
                              capture_output=True, text=True, timeout=30)
        if proc.returncode != 0 or not os.path.exists(respout):
            self.errors.append("request %d: openssl ocsp failed: %s" % (n, proc.stderr))
            return None
        with open(respout, "rb") as f:
            return f.read()

    def close(self):
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        self.server = None
        common.unregister(self)

    def describe(self):
        return "--- OCSP responder of %s on 127.0.0.1:%d: %d requests; errors: %s" % (
            self.ca, self.port, self.requests, self.errors or "none")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def ocsp_config(pki, upstream_url, **tls):
    """base_config for the OCSP PKI (trusting its CA, the edge mapping) with ocsp = "leaf" and the given [tls]
    keys."""
    from harness.gateway import base_config
    cfg = base_config(pki, upstream_url)
    cfg["tls"]["ocsp"] = "leaf"
    cfg["tls"].update(tls)
    return cfg
