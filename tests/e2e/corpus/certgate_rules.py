"""certgate's own rules for what it forwards (the request-path rules of the gateway; RFC 9110/9112 sections
named per payload): identity headers under every spelling, Connection-listed fields, Host and the request
target, the request line, field syntax, Expect, Upgrade and pipelining.

Identity: the gateway removes every reserved name (compared after folding case and `_` to `-`: the
X-Client-* set, Client-Cert, Client-Cert-Chain, X-Forwarded-*, Forwarded, X-Real-IP) and sends its own, so a
spoofed copy must never reach the origin, whatever its spelling. The runner checks the origin's view of every
request against what certgate vouches for.
"""
from corpus import SMUGGLED, Payload, chunked, cl, lines

RULES = "certgate request rules"
PAYLOADS = []


def add(name, raw, section, tests, expect, requests=1, **checks):
    PAYLOADS.append(Payload("certgate." + name, raw, "%s: %s" % (RULES, section), tests, expect, requests, **checks))


def req(name, *fields, method="GET", target=None, version="HTTP/1.1", body=b"", host=True):
    head = ["%s %s %s" % (method, target or "/" + name.replace("#", "/"), version)]
    head += (["Host: localhost"] if host else []) + ["X-Test-Marker: certgate.%s" % name] + list(fields)
    return lines(*head, body=body)


# --- identity headers under other spellings (the gateway's own replace every copy) ---
IDENTITY = "identity headers (RFC 9110 5.1: names are case-insensitive; `_` folds to `-` in CGI-style back ends)"
for name, field in (
        ("identity", "X-Client-Identity: admin"),
        ("identity-lowercase", "x-client-identity: admin"),
        ("identity-uppercase", "X-CLIENT-IDENTITY: admin"),
        ("identity-underscore", "X_Client_Identity: admin"),
        ("identity-underscore-lowercase", "x_client_identity: admin"),
        ("identity-mixed-separators", "X-Client_Identity: admin"),
        ("identity-no-ows", "X-Client-Identity:admin"),
        ("verify", "X-Client-Verify: SUCCESS"),
        ("verify-underscore", "X_Client_Verify: SUCCESS"),
        ("mapping", "X-Client-Mapping: admins"),
        ("subject", "X-Client-Cert-Subject: CN=admin,O=Example"),
        ("subject-underscore", "X_Client_Cert_Subject: CN=admin"),
        ("issuer", "X-Client-Cert-Issuer: CN=evil CA"),
        ("fingerprint", "X-Client-Cert-Fingerprint: 00"),
        ("serial", "X-Client-Cert-Serial: 01"),
        ("client-cert", "Client-Cert: :AAAA:"),
        ("client-cert-underscore", "Client_Cert: :AAAA:"),
        ("client-cert-chain", "Client-Cert-Chain: :AAAA:, :BBBB:"),
        ("x-forwarded-host", "X-Forwarded-Host: evil.example"),
        ("x-forwarded-host-underscore", "X_Forwarded_Host: evil.example"),
        ("forwarded", "Forwarded: for=10.0.0.1;host=evil.example;proto=http"),
        ("x-real-ip", "X-Real-IP: 10.0.0.1"),
        ("x-real-ip-underscore", "X_Real_IP: 10.0.0.1"),
        ("x-forwarded-for-underscore", "X_Forwarded_For: 10.0.0.1"),
        ("x-forwarded-proto", "X-Forwarded-Proto: http"),
        ("x-forwarded-proto-underscore", "X_Forwarded_Proto: http"),
):
    add(name, req(name, field), IDENTITY, "spoofed %s" % field.split(":")[0], "normalise")
add("identity-twice", req("identity-twice", "X-Client-Identity: admin", "X-Client-Identity: root"),
    IDENTITY, "two spoofed copies", "normalise")
add("identity-all-spellings", req("identity-all-spellings", "X-Client-Identity: a", "x-client-identity: b",
                                  "X_CLIENT_IDENTITY: c", "x_client-identity: d"),
    IDENTITY, "four spellings at once", "normalise")
add("x-forwarded-for-chain", req("x-forwarded-for-chain", "X-Forwarded-For: 10.0.0.1"),
    IDENTITY, "a client X-Forwarded-For is kept as the start of the chain", "normalise")
add("x-forwarded-for-twice", req("x-forwarded-for-twice", "X-Forwarded-For: 10.0.0.1", "X-Forwarded-For: 10.0.0.2"),
    IDENTITY, "two client X-Forwarded-For fields become one chain", "normalise")
add("x-forwarded-proto-twice", req("x-forwarded-proto-twice", "X-Forwarded-Proto: http", "x-forwarded-proto: ws"),
    IDENTITY, "two spoofed X-Forwarded-Proto", "normalise")
add("identity-space-before-colon", req("identity-space-before-colon", "X-Client-Identity : admin"),
    IDENTITY, "SP before the colon of a spoofed identity", "reject")
add("identity-tab-before-colon", req("identity-tab-before-colon", "X-Client-Identity\t: admin"),
    IDENTITY, "TAB before the colon of a spoofed identity", "reject")
add("identity-folded-in", req("identity-folded-in", "X-Pad: x", " X-Client-Identity: admin"),
    IDENTITY, "identity line folded into another field", "either")
add("identity-value-folded", req("identity-value-folded", "X-Client-Identity: admin", " edge-user"),
    IDENTITY, "spoofed identity with a folded continuation", "either")
add("identity-nul", req("identity-nul", "X-Client-Identity:\x00admin"), IDENTITY, "NUL in a spoofed identity",
    "reject")
add("identity-nbsp-name", req("identity-nbsp-name", "X-Client-Identity\xa0: admin"),
    IDENTITY, "NBSP after the name", "reject")
add("identity-dash-lookalike", req("identity-dash-lookalike", "X-Client\xe2\x80\x93Identity: admin"),
    IDENTITY, "UTF-8 en dash in the name", "reject")
add("identity-in-trailer", req("identity-in-trailer", "Transfer-Encoding: chunked", method="POST",
                               body=chunked("hello", trailer="X-Client-Identity: admin\r\n")),
    IDENTITY + "; RFC 9110 6.5.1 trailers", "identity in the trailer section (reject, or drop it)", "either",
    body=b"hello")
add("identity-in-second-request", req("identity-in-second-request") +
    req("identity-in-second-request#2", "X-Client-Identity: admin", "X_Client_Verify: SUCCESS"),
    IDENTITY, "spoofed identity in the second of two pipelined requests", "normalise", requests=2)

# --- Connection never drops framing, Host or identity fields ---
CONNECTION = "Connection (RFC 9110 7.6.1): the gateway frames what it forwards from what it parsed"
add("connection-content-length", req("connection-content-length", "Connection: content-length", cl(SMUGGLED),
                                     method="POST", body=SMUGGLED),
    CONNECTION, "Content-Length named in Connection still frames the body", "normalise", body=SMUGGLED)
add("connection-content-length-keep-alive",
    req("connection-content-length-keep-alive", "Connection: keep-alive, Content-Length", cl(SMUGGLED),
        method="POST", body=SMUGGLED),
    CONNECTION, "keep-alive, Content-Length", "normalise", body=SMUGGLED)
add("connection-transfer-encoding", req("connection-transfer-encoding", "Connection: transfer-encoding",
                                        "Transfer-Encoding: chunked", method="POST", body=chunked(SMUGGLED)),
    CONNECTION, "Transfer-Encoding named in Connection still frames the body", "normalise", body=SMUGGLED)
add("connection-host", req("connection-host", "Connection: host"),
    CONNECTION, "Host named in Connection is still forwarded", "normalise", host="localhost")
add("connection-identity", req("connection-identity", "Connection: x-client-identity", "X-Client-Identity: admin"),
    CONNECTION, "X-Client-Identity named in Connection: the spoof is dropped, the gateway's copy stays",
    "normalise")
add("connection-identity-only", req("connection-identity-only", "Connection: X-Client-Verify, X-Client-Identity"),
    CONNECTION, "identity names in Connection with no client copies", "normalise")
add("connection-x-forwarded-for", req("connection-x-forwarded-for", "Connection: x-forwarded-for",
                                      "X-Forwarded-For: 10.0.0.1"),
    CONNECTION, "X-Forwarded-For named in Connection", "normalise")
add("connection-x-forwarded-proto", req("connection-x-forwarded-proto", "Connection: X-Forwarded-Proto"),
    CONNECTION, "X-Forwarded-Proto named in Connection", "normalise")
add("connection-subject-close", req("connection-subject-close", "Connection: close, x-client-cert-subject",
                                    "X-Client-Cert-Subject: CN=admin"),
    CONNECTION, "close and a spoofed, listed subject", "normalise")
add("connection-everything", req("connection-everything", "Connection: Host, X-Client-Identity, Content-Length",
                                 "X-Client-Identity: admin", cl("hello"), method="POST", body="hello"),
    CONNECTION, "Host, identity and length named at once", "normalise", body=b"hello")

# --- Host and the request target ---
HOST = "Host and target (RFC 9112 3.2, 3.2.2; RFC 9110 7.2, 4.2.4)"
add("host-duplicate-same", req("host-duplicate-same", "Host: localhost"), HOST, "Host twice, same value", "reject")
add("host-duplicate-different", req("host-duplicate-different", "Host: evil.example"), HOST,
    "Host twice, different values", "reject")
add("host-missing", req("host-missing", host=False), HOST, "HTTP/1.1 without Host", "reject")
add("host-missing-http10", req("host-missing-http10", version="HTTP/1.0", host=False), HOST,
    "HTTP/1.0 without Host (reject, or forward with a Host)", "either")
for name, value, tests in (("host-two-ports", "a:1:2", "two ports"),
                           ("host-userinfo", "user@localhost", "userinfo in Host"),
                           ("host-list", "localhost, evil.example", "a comma list"),
                           ("host-space", "local host", "SP inside the name"),
                           ("host-slash", "localhost/evil", "a path in Host"),
                           ("host-backslash", "localhost\\evil", "a backslash in Host")):
    add(name, req(name, host=False).replace(b"X-Test-Marker", b"Host: " + value.encode() + b"\r\nX-Test-Marker"),
        HOST, tests, "reject")
for name, value, tests in (("host-with-port", "localhost:8443", "a port"),
                           ("host-uppercase", "LOCALHOST", "upper case"), ("host-ipv6", "[::1]", "an IPv6 literal")):
    add(name, req(name, host=False).replace(b"X-Test-Marker", b"Host: " + value.encode() + b"\r\nX-Test-Marker"),
        HOST, "valid Host with %s" % tests, "normalise")
add("host-empty", req("host-empty", host=False).replace(b"X-Test-Marker", b"Host:\r\nX-Test-Marker"),
    HOST, "empty Host", "either")
add("absolute-other-host", req("absolute-other-host", target="http://other.example/abs"),
    HOST, "absolute-form naming another host than Host: the target's authority wins", "normalise",
    target="/abs", host="other.example")
add("absolute-same-host", req("absolute-same-host", target="http://localhost/abs?q=1"),
    HOST, "absolute-form is forwarded in origin-form", "normalise", target="/abs?q=1", host="localhost")
add("absolute-https", req("absolute-https", target="https://localhost/secure"),
    HOST, "https absolute-form", "normalise", target="/secure", host="localhost")
add("absolute-userinfo", req("absolute-userinfo", target="http://admin:secret@localhost/"),
    HOST, "userinfo in an absolute-form target", "reject")
add("absolute-no-host", req("absolute-no-host", target="http://localhost/abs", host=False),
    HOST, "absolute-form without a Host field on HTTP/1.1", "reject")
add("absolute-duplicate-host", req("absolute-duplicate-host", "Host: evil.example", target="http://localhost/abs"),
    HOST, "absolute-form with two Host fields", "reject")
add("absolute-ftp", req("absolute-ftp", target="ftp://localhost/file"), HOST, "a scheme other than http(s)",
    "reject")
add("absolute-fragment", req("absolute-fragment", target="http://localhost/abs#frag"), HOST,
    "a fragment in an absolute-form target", "reject")
add("authority-form-get", req("authority-form-get", target="localhost:443"), HOST, "authority-form with GET",
    "reject")
add("connect", req("connect", method="CONNECT", target="localhost:443"), HOST, "CONNECT", "reject")
add("asterisk-get", req("asterisk-get", target="*"), HOST, "asterisk-form with GET", "reject")
add("asterisk-options", req("asterisk-options", method="OPTIONS", target="*"), HOST, "OPTIONS *", "normalise",
    target="*")

# --- the request line ---
LINE = "request line (RFC 9112 3, 2.3)"
add("double-space", b"GET  /certgate/double-space HTTP/1.1\r\nHost: localhost\r\n"
                    b"X-Test-Marker: certgate.double-space\r\n\r\n",
    LINE, "two SP between method and target (reject, or parse on whitespace)", "either")
add("tab-separators", b"GET\t/certgate/tab-separators\tHTTP/1.1\r\nHost: localhost\r\n"
                      b"X-Test-Marker: certgate.tab-separators\r\n\r\n",
    LINE, "TAB as the separator (reject, or parse on whitespace)", "either")
add("trailing-space", b"GET /certgate/trailing-space HTTP/1.1 \r\nHost: localhost\r\n"
                      b"X-Test-Marker: certgate.trailing-space\r\n\r\n",
    LINE, "SP after the version", "either")
for name, version in (("version-lowercase", "http/1.1"), ("version-1-2", "HTTP/1.2"), ("version-2-0", "HTTP/2.0"),
                      ("version-0-9", "HTTP/0.9"), ("version-1-10", "HTTP/1.10"), ("version-01-1", "HTTP/01.1"),
                      ("version-3", "HTTP/3")):
    add(name, req(name, version=version), LINE, "version %s" % version, "reject")
add("version-missing", b"GET /certgate/version-missing\r\nHost: localhost\r\n\r\n", LINE,
    "no version, with fields", "reject")
for name, target, tests in (("target-fragment", "/a#frag", "a fragment"), ("target-ctl", "/a\x01b", "a control byte"),
                            ("target-del", "/a\x7fb", "DEL"), ("target-nul", "/a\x00b", "NUL"),
                            ("target-non-ascii", "/caf\xc3\xa9", "non-ASCII bytes")):
    add(name, req(name, target=target), LINE, "%s in the target" % tests, "reject")
add("target-percent-nul", req("target-percent-nul", target="/a%00b"), LINE,
    "a percent-encoded NUL is an ordinary target", "normalise", target="/a%00b")
add("target-huge", req("target-huge", target="/" + "a" * 70000), LINE, "a 70000-byte target", "reject")
add("method-separator", req("method-separator", method="GE(T"), LINE, "a separator in the method", "reject")

# --- field syntax ---
FIELDS = "field syntax (RFC 9112 5, 5.2; RFC 9110 5.5)"
add("space-before-colon", req("space-before-colon", "X-Foo : bar"), FIELDS, "SP before the colon", "reject")
add("obs-fold", req("obs-fold", "X-Foo: a", " b"), FIELDS, "obs-fold (reject, or replace with SP)", "either")
add("no-colon", req("no-colon", "X-NoColon"), FIELDS, "a field line without a colon", "reject")
add("paren-in-name", req("paren-in-name", "X(Foo): bar"), FIELDS, "a separator in the name", "reject")
add("quote-in-name", req("quote-in-name", 'X"Foo: bar'), FIELDS, "DQUOTE in the name", "reject")
add("ctl-in-value", req("ctl-in-value", "X-Ctl: a\x01b"), FIELDS, "a control byte in a value", "reject")
add("del-in-value", req("del-in-value", "X-Del: a\x7fb"), FIELDS, "DEL in a value", "reject")
add("huge-value", req("huge-value", "X-Huge: " + "v" * 70000), FIELDS, "a 70000-byte value", "reject")
add("cl-obs-fold", req("cl-obs-fold", "Content-Length:", " 5", method="POST", body="hello"), FIELDS,
    "a length on a folded line (reject, or unfold)", "either", body=b"hello")
add("cl-and-te-chunked-zero", req("cl-and-te-chunked-zero", "Content-Length: 0", "Transfer-Encoding: chunked",
                                  method="POST", body="0\r\n\r\n"),
    FIELDS, "length 0 with chunked", "reject")
add("cl-huge", req("cl-huge", "Content-Length: 18446744073709551616", method="POST"), FIELDS, "length 2^64", "reject")
add("cl-duplicate-equal", req("cl-duplicate-equal", "Content-Length: 5", "Content-Length: 5", method="POST",
                              body="hello"),
    FIELDS, "two equal lengths", "reject")
add("cl-list-equal", req("cl-list-equal", "Content-Length: 5, 5", method="POST", body="hello"), FIELDS,
    "a list of equal lengths", "reject")
add("te-gzip", req("te-gzip", "Transfer-Encoding: gzip", method="POST", body=chunked("hello")), FIELDS,
    "gzip as the only coding", "reject")
add("te-identity", req("te-identity", "Transfer-Encoding: identity", method="POST", body="hello"), FIELDS,
    "identity as the only coding", "reject")
add("te-chunked-gzip", req("te-chunked-gzip", "Transfer-Encoding: chunked, gzip", method="POST",
                           body=chunked("hello")), FIELDS, "gzip after chunked", "reject")
add("te-gzip-chunked", req("te-gzip-chunked", "Transfer-Encoding: gzip, chunked", method="POST",
                           body=chunked("hello")), FIELDS, "gzip before chunked (501)", "reject")
add("te-chunked-chunked", req("te-chunked-chunked", "Transfer-Encoding: chunked, chunked", method="POST",
                              body=chunked("hello")), FIELDS, "chunked twice in one field", "reject")
add("te-http10", req("te-http10", "Transfer-Encoding: chunked", method="POST", version="HTTP/1.0",
                     body=chunked("hello")), FIELDS, "chunked in an HTTP/1.0 request", "reject")
add("te-chunked-param", req("te-chunked-param", "Transfer-Encoding: chunked;q=1", method="POST",
                            body=chunked("hello")), FIELDS, "a parameter on chunked", "reject")
add("chunk-size-overflow", req("chunk-size-overflow", "Transfer-Encoding: chunked", method="POST",
                               body="10000000000000005\r\nhello\r\n0\r\n\r\n"),
    FIELDS, "a chunk size that wraps 64 bits to 5", "reject")
add("chunk-size-max", req("chunk-size-max", "Transfer-Encoding: chunked", method="POST",
                          body="ffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
    FIELDS, "the largest 64-bit chunk size", "reject")
add("chunk-leading-zeros", req("chunk-leading-zeros", "Transfer-Encoding: chunked", method="POST",
                               body="0005\r\nhello\r\n0\r\n\r\n"),
    FIELDS, "leading zeros in a chunk size", "normalise", body=b"hello")
add("chunk-ext-bws", req("chunk-ext-bws", "Transfer-Encoding: chunked", method="POST",
                         body="5 ; a=b\r\nhello\r\n0\r\n\r\n"),
    FIELDS, "BWS around the `;` of an extension", "either", body=b"hello")
add("chunk-ext-quoted-crlf", req("chunk-ext-quoted-crlf", "Transfer-Encoding: chunked", method="POST",
                                 body='5;a="x\r\n0\r\n\r\n' + SMUGGLED.decode() + '"\r\nhello\r\n0\r\n\r\n'),
    FIELDS, "CRLF inside a quoted extension value", "reject")
add("chunk-lf-line", req("chunk-lf-line", "Transfer-Encoding: chunked", method="POST",
                         body="5\nhello\r\n0\r\n\r\n"),
    FIELDS, "bare LF ends the chunk-size line", "reject")
add("chunk-data-too-long", req("chunk-data-too-long", "Transfer-Encoding: chunked", method="POST",
                               body="3\r\nhello\r\n0\r\n\r\n"),
    FIELDS, "more data than the chunk size", "either")
add("trailer-content-length", req("trailer-content-length", "Transfer-Encoding: chunked", method="POST",
                                  body=chunked("hello", trailer="Content-Length: 50\r\n")),
    FIELDS + "; RFC 9110 6.5.1", "Content-Length in the trailer (reject, or drop it)", "either", body=b"hello")
add("trailer-transfer-encoding", req("trailer-transfer-encoding", "Transfer-Encoding: chunked", method="POST",
                                     body=chunked("hello", trailer="Transfer-Encoding: chunked\r\n")),
    FIELDS + "; RFC 9110 6.5.1", "Transfer-Encoding in the trailer (reject, or drop it)", "either", body=b"hello")
add("trailer-host", req("trailer-host", "Transfer-Encoding: chunked", method="POST",
                        body=chunked("hello", trailer="Host: evil.example\r\n")),
    FIELDS + "; RFC 9110 6.5.1", "Host in the trailer (reject, or drop it)", "either", body=b"hello")
add("trailer-bare-lf", req("trailer-bare-lf", "Transfer-Encoding: chunked", method="POST",
                           body="5\r\nhello\r\n0\r\nX-T: 1\n\r\n"),
    FIELDS, "bare LF ends a trailer field", "either")

# --- Expect ---
EXPECT = "Expect (RFC 9110 10.1.1)"
add("expect-100", req("expect-100", "Expect: 100-continue", cl("hello"), method="POST", body="hello"),
    EXPECT, "100-continue with the body sent at once", "normalise", body=b"hello")
add("expect-100-http10", req("expect-100-http10", "Expect: 100-continue", cl("hello"), method="POST",
                             version="HTTP/1.0", body="hello"),
    EXPECT, "100-continue on HTTP/1.0 is ignored (no 100 to a 1.0 client)", "normalise", body=b"hello",
    no_interim=True)
add("expect-100-case", req("expect-100-case", "Expect: 100-Continue", cl("hello"), method="POST", body="hello"),
    EXPECT, "the expectation is case-insensitive", "normalise", body=b"hello")
add("expect-100-no-body", req("expect-100-no-body", "Expect: 100-continue"), EXPECT, "100-continue on a GET",
    "normalise")
add("expect-unknown", req("expect-unknown", "Expect: 200-ok", cl("hello"), method="POST", body="hello"),
    EXPECT, "an unknown expectation (417)", "reject")
add("expect-list", req("expect-list", "Expect: 100-continue, foo", cl("hello"), method="POST", body="hello"),
    EXPECT, "100-continue and an unknown expectation (417)", "reject")

# --- Upgrade: only WebSocket (GET, HTTP/1.1, no body) is upgraded; others are plain requests ---
UPGRADE = "Upgrade (RFC 9110 7.8; RFC 6455 4.1)"
WS = ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
      "Sec-WebSocket-Version: 13"]
add("h2c", req("h2c", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c",
               "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"),
    UPGRADE, "h2c upgrade with HTTP2-Settings: not forwarded", "normalise", absent=["upgrade", "http2-settings"])
add("h2c-post", req("h2c-post", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c",
                    "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA", cl("hello"), method="POST", body="hello"),
    UPGRADE, "h2c upgrade on a POST with a body", "normalise", absent=["upgrade"], body=b"hello")
add("h2c-settings-not-listed", req("h2c-settings-not-listed", "Connection: Upgrade", "Upgrade: h2c",
                                   "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"),
    UPGRADE, "h2c upgrade, HTTP2-Settings not named in Connection", "normalise", absent=["upgrade"])
add("upgrade-tls", req("upgrade-tls", "Connection: Upgrade", "Upgrade: TLS/1.0"), UPGRADE,
    "Upgrade: TLS/1.0", "normalise", absent=["upgrade"])
add("upgrade-without-connection", req("upgrade-without-connection", "Upgrade: h2c"), UPGRADE,
    "Upgrade not named in Connection", "normalise", absent=["upgrade"])
add("websocket", req("websocket", *WS), UPGRADE, "a valid WebSocket upgrade (the origin declines it)", "normalise")
add("websocket-post-body", req("websocket-post-body", *WS, cl("hello"), method="POST", body="hello"),
    UPGRADE, "WebSocket upgrade on a POST with a body: a plain request", "normalise", absent=["upgrade"],
    body=b"hello")
add("websocket-get-body", req("websocket-get-body", *WS, cl(SMUGGLED), body=SMUGGLED),
    UPGRADE, "WebSocket upgrade on a GET with a body: a plain request", "normalise", absent=["upgrade"],
    body=SMUGGLED)
add("websocket-http10", req("websocket-http10", *WS, version="HTTP/1.0"), UPGRADE,
    "WebSocket upgrade on HTTP/1.0 is ignored", "normalise", absent=["upgrade"])

# --- pipelining ---
PIPE = "pipelining (RFC 9112 9.3.2)"
add("pipeline-three", req("pipeline-three") + req("pipeline-three#2") + req("pipeline-three#3"),
    PIPE, "three requests in one write", "normalise", requests=3)
add("pipeline-ten", b"".join(req("pipeline-ten#%d" % i) for i in range(1, 11)),
    PIPE, "ten requests in one write", "normalise", requests=10)
add("pipeline-garbage", req("pipeline-garbage") + b"GARBAGE\r\n\r\n",
    PIPE, "a request and garbage: the request, then a refusal", "normalise")
add("pipeline-after-close", req("pipeline-after-close", "Connection: close") + req("pipeline-after-close#2"),
    PIPE, "nothing after Connection: close is read", "normalise")
add("pipeline-body-then-get", req("pipeline-body-then-get", cl("hello"), method="POST", body="hello") +
    req("pipeline-body-then-get#2"), PIPE, "a body, then a request", "normalise", requests=2)
add("pipeline-chunked-then-get", req("pipeline-chunked-then-get", "Transfer-Encoding: chunked", method="POST",
                                     body=chunked("hel", "lo")) + req("pipeline-chunked-then-get#2"),
    PIPE, "a chunked body, then a request", "normalise", requests=2)
add("pipeline-then-clte", req("pipeline-then-clte") +
    req("pipeline-then-clte#2", cl(b"0\r\n\r\n" + SMUGGLED), "Transfer-Encoding: chunked", method="POST",
        body=b"0\r\n\r\n" + SMUGGLED),
    PIPE, "a good request, then CL.TE: the first is answered, the second refused", "normalise")
