#!/usr/bin/env python3
"""The one-to-one certificate attribute holds the base64 of the certificate's DER, on one line. Operators paste
other things there: the PEM file with its armour, the SHA-1 thumbprint IIS Manager shows (with the invisible
left-to-right mark Windows copies in front of it), a SHA-256 fingerprint, the base64 of a .pfx. IIS maps none of
them, so certgate refuses each with file:line:column of the attribute, says what was pasted and what IIS expects,
and gives the command that makes the right value (`certgate cert convert ... --to iis-blob`); `check`, `explain`
and `serve` alike. The value that command prints is then accepted."""
import base64
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test, subdir
from harness.run import run_certgate
from harness.tools import run, run_json, write

WEB_CONFIG = """<configuration>
  <system.webServer>
    <security>
      <authentication>
        <iisClientCertificateMappingAuthentication enabled="true">
          <oneToOneMappings>
            <add userName="edge-one"
                 certificate="%s" />
          </oneToOneMappings>
        </iisClientCertificateMappingAuthentication>
      </authentication>
    </security>
  </system.webServer>
</configuration>
"""
EXPECTS = "IIS expects the base64 of the certificate's DER, on one line, without the -----BEGIN/END----- lines"


def main():
    p = pki()
    d = subdir("pasted")
    pem = open(p.pem("edge")).read().strip()
    _, shown = run_json(["cert", "show", p.pem("edge")], d)
    cert = shown["certificates"][0]
    sha1, sha256 = cert["sha1"], cert["sha256"]
    pfx = os.path.join(d, "edge.pfx")
    subprocess.run(["openssl", "pkcs12", "-export", "-in", p.pem("edge"), "-inkey", p.key("edge"), "-out", pfx,
                    "-passout", "pass:secret"], check=True, capture_output=True)
    pfx_base64 = base64.b64encode(open(pfx, "rb").read()).decode()

    cases = [
        (pem, "this is PEM armour (-----BEGIN CERTIFICATE-----)"),
        ("\u200e" + " ".join(sha1[i:i + 2] for i in range(0, 40, 2)), "this is a SHA-1 thumbprint (40 hex digits)"),
        (sha256.upper(), "this is a SHA-256 thumbprint (64 hex digits)"),
        (pfx_base64, "this is base64 of a PKCS#12 (.pfx) file"),
    ]
    for value, said in cases:
        write(d, "web.config", WEB_CONFIG % value)
        r = run(["check", "--iis-config", "web.config", "--client-ca", p.pem("ca")], d)
        check_eq(r.code, 2, "check refuses: %s" % said, r)
        check("web.config:8:18: error CG001: <add> certificate in <oneToOneMappings>: " + said in r.stdout,
              "position and what was pasted", r)
        check(EXPECTS in r.stdout, "what IIS expects", r)
        check("certgate cert convert edge.pem --to iis-blob" in r.stdout, "how to make it", r)
        r = run(["explain", "--iis-config", "web.config", "--client-ca", p.pem("ca"), "--cert", p.pem("edge")], d)
        check_eq(r.code, 2, "explain refuses the configuration too", r)
        check("web.config:8:18: <add> certificate in <oneToOneMappings>: " + said in r.stderr, "explain's message", r)

    # serve refuses to start with it.
    r = run_certgate(["serve", "--listen", "127.0.0.1:1", "--cert", p.pem("server"), "--key", p.key("server"),
                      "--client-ca", p.pem("ca"), "--upstream", "http://127.0.0.1:1",
                      "--iis-config", os.path.join(d, "web.config")], cwd=d, timeout=30)
    check_eq(r.code, 2, "serve refuses the configuration", r)
    check("web.config:8:18:" in r.stderr, "serve names the position", r)

    # What the command prints is what IIS wants.
    blob = run(["cert", "convert", pfx, "--password", "secret", "--to", "iis-blob"], d).stdout.strip()
    write(d, "web.config", WEB_CONFIG % blob)
    r = run(["explain", "--iis-config", "web.config", "--client-ca", p.pem("ca"), "--cert", p.pem("edge")], d)
    check_eq(r.code, 0, "the converted blob maps the certificate", r)
    check("X-Client-Identity: edge-one\n" in r.stdout, "as its user", r)


if __name__ == "__main__":
    run_test(main)
