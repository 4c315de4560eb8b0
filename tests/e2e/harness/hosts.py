"""The two-policy configuration of the SNI tests: the default block (a.test, localhost, ...) trusts `ca` and maps
edge.example.com -> edge-user; the [[host]] block b.test trusts only `cab` and maps *.b.test -> b-user."""
from harness.gateway import base_config

B_MAPPING = {
    "name": "b-clients",
    "user": "b-user",
    "rules": [{"field": "subject", "subfield": "CN", "match": "*.b.test"}],
}


def two_host_config(pki, upstream_url):
    cfg = base_config(pki, upstream_url)
    cfg["host"] = [{
        "names": ["b.test"],
        "client_ca": [pki.pem("cab")],
        "mapping": {"many_to_one": [dict(B_MAPPING)]},
    }]
    return cfg
