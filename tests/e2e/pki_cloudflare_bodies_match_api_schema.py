#!/usr/bin/env python3
"""The Cloudflare request bodies of `pki issue --json` match Cloudflare's documented schemas
(tests/data/cloudflare-api): the upload body file (certificate = the leaf alone, private_key = the key file, the
file 0600 and named in the curl line, never its contents) and the enable body (config[] with hostname, cert_id,
enabled). The validator itself is seen refusing an extra field and a wrong type."""
import json
import os
import stat
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, run_test, subdir, test_data_dir
from harness.json_schema import problems
from harness.pki_cli import init, issue, read_json


def main():
    schemas = os.path.join(test_data_dir(), "cloudflare-api")
    upload_schema = read_json(os.path.join(schemas, "upload-hostname-certificate.request.schema.json"))
    enable_schema = read_json(os.path.join(schemas, "enable-hostname-client-auth.request.schema.json"))
    check(problems({"certificate": "x", "private_key": "y", "extra": 1}, upload_schema), "validator: extra field")
    check(problems({"config": [{"hostname": "a", "enabled": "yes"}]}, enable_schema), "validator: wrong type")

    d = subdir("pki-bodies")
    aop = os.path.join(d, "aop")
    init(aop, d)
    steps = issue(aop, d, "www.example.com")
    by_name = {s["name"]: s for s in steps["cloudflare"]}
    check_eq(list(by_name), ["zone_setting", "upload", "enable"], "steps in order")
    zone = by_name["zone_setting"]
    check_eq((zone["method"], zone["path"], zone["body"]),
             ("PATCH", "/zones/$ZONE_ID/settings/tls_client_auth", {"value": "on"}), "zone-level setting")

    upload = by_name["upload"]
    check_eq((upload["method"], upload["path"]),
             ("POST", "/zones/$ZONE_ID/origin_tls_client_auth/hostnames/certificates"), "upload endpoint")
    body_file = upload["body_file"]
    check_eq(stat.S_IMODE(os.stat(body_file).st_mode), 0o600, "upload body mode")
    check("@" + body_file in upload["curl"] and "PRIVATE KEY" not in json.dumps(steps), "no secret printed")
    body = read_json(body_file)
    check_eq(problems(body, upload_schema), [], "upload body matches the schema")
    leaf_and_ca = os.path.join(aop, "edge", "www.example.com", steps["certificate"] + ".pem")
    with open(leaf_and_ca) as f:
        first = f.read().split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    check_eq(body["certificate"], first, "the leaf alone is uploaded")
    with open(os.path.join(aop, "edge", "www.example.com", steps["certificate"] + ".key")) as f:
        check_eq(body["private_key"], f.read(), "the key file is uploaded")

    enable = by_name["enable"]
    check_eq((enable["method"], enable["path"]), ("PUT", "/zones/$ZONE_ID/origin_tls_client_auth/hostnames"),
             "enable endpoint")
    check_eq(problems(enable["body"], enable_schema), [], "enable body matches the schema")
    check_eq(enable["body"], {"config": [{"hostname": "www.example.com", "cert_id": "$CERT_ID", "enabled": True}]},
             "enable body")
    for s in steps["cloudflare"]:
        check("Authorization: Bearer $CLOUDFLARE_API_TOKEN" in s["curl"] and
              "https://api.cloudflare.com/client/v4/zones/$ZONE_ID/" in s["curl"], "curl line of " + s["name"])


if __name__ == "__main__":
    run_test(main)
