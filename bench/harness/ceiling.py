"""The physical ceiling: how many full mTLS handshakes per second one core could do if it did nothing but
the handshake's public-key cryptography, from `openssl speed -seconds 3 ecdsap256 ecdhx25519 rsa2048`.

Per TLS 1.3 full handshake with a client certificate and X25519 key exchange, the server does:
  1 signature    (its CertificateVerify, with the server key)
  2 verifications (the client's CertificateVerify with the client's key, and the CA's signature on the
                   client certificate)
  2 X25519 operations (generating its key share, deriving the shared secret; keygen is counted as one
                   X25519 operation, an upper bound on its cost, as `openssl speed` measures derive only)
so   ceiling = 1 / (1/sign_per_s + 2/verify_per_s + 2/x25519_per_s).
A resumed handshake (psk_dhe_ke) does only the 2 X25519 operations: ceiling_resumed = x25519_per_s / 2.
Hashing, HKDF, AES-GCM, certificate parsing and the kernel are left out: real servers stay below.
"""
import re
import subprocess


def run_speed(cpus="0", seconds=3):
    argv = ["taskset", "-c", cpus, "openssl", "speed", "-seconds", str(seconds), "ecdsap256", "ecdhx25519", "rsa2048"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=seconds * 12 + 60)
    if proc.returncode != 0:
        raise RuntimeError("openssl speed failed:\n" + proc.stderr[-2000:])
    return " ".join(argv), proc.stdout


def parse_speed(text):
    """{ecdsa_sign, ecdsa_verify, x25519, rsa_sign, rsa_verify} in operations per second."""
    out = {}
    m = re.search(r"256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text)
    if m:
        out["ecdsa_sign"], out["ecdsa_verify"] = float(m.group(1)), float(m.group(2))
    m = re.search(r"253 bits ecdh \(X25519\)\s+\S+s\s+([\d.]+)", text)
    if m:
        out["x25519"] = float(m.group(1))
    m = re.search(r"rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", text)
    if m:
        out["rsa_sign"], out["rsa_verify"] = float(m.group(1)), float(m.group(2))
    missing = {"ecdsa_sign", "ecdsa_verify", "x25519", "rsa_sign", "rsa_verify"} - set(out)
    if missing:
        raise RuntimeError("could not read %s from openssl speed output:\n%s" % (sorted(missing), text[-2000:]))
    return out


def ceilings(ops):
    def full(sign, verify):
        return 1.0 / (1.0 / sign + 2.0 / verify + 2.0 / ops["x25519"])
    return {
        "ecdsa_full_handshakes_per_s": full(ops["ecdsa_sign"], ops["ecdsa_verify"]),
        "rsa_full_handshakes_per_s": full(ops["rsa_sign"], ops["rsa_verify"]),
        "resumed_handshakes_per_s": ops["x25519"] / 2.0,
    }


FORMULA = ("ceiling = 1 / (1/sign + 2/verify + 2/X25519)  (server side of one TLS 1.3 mTLS full handshake: "
           "its CertificateVerify signature; the client's CertificateVerify and the CA signature on the client "
           "certificate; X25519 keygen + derive)")
