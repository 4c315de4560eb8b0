#!/usr/bin/env python3
"""Client-controlled values with CR, LF, quotes, backslashes, spaces, tabs and bytes that are not UTF-8 (in
the Host header and the request target) cannot forge a log line or a field: with log_format "text"
every line is printable ASCII and splits into the documented fields, each unescaping to the bytes sent;
with "json" every line is valid JSON whose values are what was sent (bytes that are not UTF-8 read as
Latin-1). One line per request, whatever line-splitting rule the reader uses. An SNI that is not a host name
never gets that far: the handshake is aborted (illegal_parameter) and nothing of it is logged as a request."""
import codecs
import json
import os
import socket
import ssl
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import common
from harness.client import exchange_on
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway
from harness.hosts import two_host_config
from harness.upstream import Upstream

# What the HTTP parser lets through: no controls but tab in header values, no space or controls in the
# target. (No U+0085 in the target: the test origin, Python's http.server, would split its request line there.)
HOSTILE_SNI = 'evil\r\n2024-01-01T00:00:00.000Z 10.0.0.1:1 sni=x "GET /" 200 x="y z"\\w'
SNI = "LocalHost"  # lower-cased in the log
HOST = b'h\t"q" \\ \xff\xfe \xc3\xa9 reason=forged \xe2\x80\xa8\xc2\x85'
TARGET = b'/t"x\\y\xff\xc3\xa9\xe2\x80\xa8z?q="1"&r=\\x41'  # not ASCII: refused with 400, logged
ASCII_TARGET = b'/t"x\\y?q="1"&r=\\x41&s=%22'  # proxied


def latin1_fallback(err):
    return "".join(chr(b) for b in err.object[err.start:err.end]), err.end


codecs.register_error("certgate-latin1", latin1_fallback)


def json_view(raw):
    """The string a JSON line carries for the bytes `raw`: valid UTF-8 as is, other bytes as U+00XX."""
    return raw.decode("utf-8", "certgate-latin1")


# --- the text format, as docs/operations.md describes it ---

def split_fields(line):
    fields, cur, quoted, i = [], "", False, 0
    while i < len(line):
        c = line[i]
        if quoted:
            cur += c
            if c == "\\" and i + 1 < len(line):
                i += 1
                cur += line[i]
            elif c == '"':
                quoted = False
        elif c == " ":
            fields.append(cur)
            cur = ""
        else:
            quoted = quoted or c == '"'
            cur += c
        i += 1
    fields.append(cur)
    return fields


def unescape(value, dash_is_empty=True):
    if dash_is_empty and value == "-":
        return b""
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    out, i = b"", 0
    while i < len(value):
        if value[i] == "\\":
            if value[i + 1] == "x":
                out += bytes([int(value[i + 2:i + 4], 16)])
                i += 4
                continue
            check(value[i + 1] in '"\\', "unknown escape in %r" % value)
            out += value[i + 1].encode()
            i += 2
            continue
        out += value[i].encode()
        i += 1
    return out


def keyed(field, key):
    check(field.startswith(key + "="), "expected %s=..., got %r" % (key, field))
    return unescape(field[len(key) + 1:])


def text_record(line):
    check(all(0x20 <= ord(c) < 0x7f for c in line), "text line is not printable ASCII: %r" % line)
    f = split_fields(line)
    check(len(f) in (16, 17, 18, 19), "text line splits into %d fields: %r" % (len(f), f))
    request = f[4]
    check(request.startswith('"') and request.endswith('"') and request[1:-1].count(" ") == 1,
          "request field %r" % request)
    method, target = request[1:-1].split(" ")
    # proto=h1, or proto=h2 stream=N, right before request_id (these requests are HTTP/1.1).
    check_eq(f[-3], "proto=h1", "the protocol field before request_id")
    rid = keyed(f[-2], "request_id")
    check(len(rid) == 32 and all(c in b"0123456789abcdef" for c in rid), "request_id %r" % rid)
    return {
        "client": unescape(f[1]), "sni": keyed(f[2], "sni"), "host": keyed(f[3], "host"),
        "method": unescape(method, False), "path": unescape(target, False), "status": f[5],
        "identity": keyed(f[6], "identity"), "request_id": rid, "reason": keyed(f[-1], "reason"),
    }


# --- requests ---

def send(gw, sni, host, cert, target=TARGET):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False  # the SNI is not a name the server certificate could carry
    ctx.load_verify_locations(pki().pem("ca"))
    if cert:
        ctx.load_cert_chain(pki().pem(cert), pki().key(cert))
    raw = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
    with ctx.wrap_socket(raw, server_hostname=sni) as s:
        req = b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
        status, _, _ = exchange_on(s, req)
    return status


def wait_lines(gw, n):
    deadline = time.monotonic() + 10
    while len(gw.access_log_lines()) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = gw.access_log_lines()  # str.splitlines(): splits at \x85, \u2028 and more, not only \n
    check_eq(len(lines), n, "access log lines (one per request)")
    return lines


CASES = [
    # (SNI, Host, target, client certificate, statuses the gateway may answer with)
    (SNI, b"localhost", ASCII_TARGET, "edge", {"200"}),  # admitted and proxied
    (SNI, b"localhost", TARGET, "edge", {"400"}),        # a target that is not ASCII: refused, still logged
    (SNI, HOST, TARGET, "edge", {"400"}),                # a Host that is not a host: refused as malformed
    (SNI, HOST, TARGET, None, {"403.7", "400"}),         # refused: no certificate
    (SNI, b"b.test", ASCII_TARGET, "edge", {"421"}),     # refused: the reason quotes the SNI and the Host
]


def run(fmt):
    p = pki()
    with Upstream() as up:
        cfg = two_host_config(p, up.url)
        cfg["server"] = {"log_format": fmt, "workers": 1}
        with Gateway(cfg, name="gateway-" + fmt) as gw:
            try:
                send(gw, HOSTILE_SNI, b"localhost", "edge")
                common.fail("%s: a handshake with the SNI %r was accepted" % (fmt, HOSTILE_SNI))
            except ssl.SSLError as e:
                check("ILLEGAL_PARAMETER" in str(e), "%s: the hostile SNI is refused with illegal_parameter: %s" % (fmt, e))
            check(not any("evil" in l for l in gw.access_log_lines()), "%s: the hostile SNI reached the access log" % fmt)
            for n, (sni, host, target, cert, statuses) in enumerate(CASES, 1):
                wire = str(send(gw, sni, host, cert, target))
                check(any(s.split(".")[0] == wire for s in statuses),
                      "%s: status of case %d: %s, expected one of %s" % (fmt, n, wire, sorted(statuses)))
                line = wait_lines(gw, n)[-1]
                if fmt == "text":
                    rec = text_record(line)
                    want = {"sni": sni.lower().encode(), "host": host, "method": b"GET", "path": target}
                    identity = b"edge-user"
                else:
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        common.fail("json line is not JSON: %r" % line)
                    sub = rec.get("substatus")
                    rec["status"] = "%d.%d" % (rec["status"], sub) if sub else str(rec["status"])
                    want = {"sni": sni.lower(), "host": json_view(host), "method": "GET", "path": json_view(target)}
                    identity = "edge-user"
                    check_eq((rec.get("proto"), "stream" in rec), ("h1", False), "json log, case %d: (proto, has stream)" % n)
                for key, value in want.items():
                    check_eq(rec[key], value, "%s log, case %d: %s" % (fmt, n, key))
                check(rec["status"] in statuses and rec["status"].split(".")[0] == wire,
                      "%s log, case %d: status %s (the wire said %s)" % (fmt, n, rec["status"], wire))
                if rec["status"] == "200":
                    check_eq(rec["identity"], identity, "%s log, case %d: identity" % (fmt, n))
                if rec["status"] == "421":
                    check(want["sni"] in rec["reason"], "%s: the 421 reason names the SNI: %r" % (fmt, rec["reason"]))


def main():
    run("text")
    run("json")


if __name__ == "__main__":
    run_test(main)
