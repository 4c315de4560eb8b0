"""Session ticket keys for the scale-out tests: nginx-format key files (80 random bytes, as `openssl rand 80`
makes them) and the configuration of an instance that uses them."""
import os

from harness import common
from harness.gateway import base_config, EDGE_MAPPING

DEEP_MAPPING = {"name": "deep", "user": "deep-user",
                "rules": [{"field": "subject", "subfield": "CN", "match": "deep.example.com"}]}
PROTOCOLS = (("tls13", ["-tls1_3"]), ("tls12", ["-tls1_2"]))
IDENTITY_HEADERS = ("X-Client-Verify", "X-Client-Identity", "X-Client-Mapping", "X-Client-Cert-Subject",
                    "X-Client-Cert-Issuer", "X-Client-Cert-Fingerprint", "X-Client-Cert-Serial")


def new_key_file(name, size=80, content=None):
    """A key file in the test's directory (mode 0600, as a deployment keeps it)."""
    path = os.path.join(common.subdir("ticket-keys"), name)
    with open(path, "wb") as f:
        f.write(content if content is not None else os.urandom(size))
    os.chmod(path, 0o600)
    return path


def ticket_config(pki, upstream_url, keys, mappings=None):
    cfg = base_config(pki, upstream_url, mappings if mappings is not None else [EDGE_MAPPING, DEEP_MAPPING])
    cfg["tls"]["session_ticket_keys"] = list(keys)
    return cfg


def client_credentials(pki, cert):
    """s_client arguments presenting `cert`; a "<name>-chain" certificate also sends its intermediate."""
    if cert is None:
        return {}, []
    if cert == "deep":
        return dict(cert=pki.pem("deep"), key=pki.key("deep")), ["-cert_chain", pki.pem("int")]
    return dict(cert=pki.pem(cert), key=pki.key(cert)), []
