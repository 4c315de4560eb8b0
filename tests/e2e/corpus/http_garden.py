"""Findings of narfindustries/http-garden (TROPHIES.md): the server bugs (how an origin misreads a request) and
the transducer bugs (how a proxy misreads and re-emits one), each as the payload the entry gives, with
`Host: localhost` (the entries use throw-away names) and a marker added, and a smuggled request for /smuggled
where the entry smuggles `GET /` or `/evil`. A gateway must not let any of them through in a form that a
server with the listed bug would read differently.
"""
from corpus import SMUGGLED, Payload, chunked, cl, lines

SERVER = "narfindustries/http-garden TROPHIES.md, Server Bugs"
TRANSDUCER = "narfindustries/http-garden TROPHIES.md, Transducer Bugs"
CRASH = "narfindustries/http-garden TROPHIES.md, Crash bugs"

PAYLOADS = []


def add(name, raw, source, entry, tests, expect, requests=1, **checks):
    PAYLOADS.append(Payload("http-garden." + name, raw, "%s %s" % (source, entry), tests, expect, requests,
                            **checks))


def req(name, line, *fields, body=b"", host=True):
    head = [line] + (["Host: localhost"] if host else []) + ["X-Test-Marker: http-garden.%s" % name] + list(fields)
    return lines(*head, body=body)


S = SMUGGLED.decode("latin-1")

# --- Server Bugs ---
add("s1-chunk-size-underscore", req("s1-chunk-size-underscore", "POST /s1 HTTP/1.1", "Transfer-Encoding: chunked",
                                    body="0_2e\r\n\r\n" + S + "0\r\n\r\n"),
    SERVER, "1", "chunk size `0_2e` (Python int accepts underscores)", "reject")
add("s2-nul-cr-in-value", req("s2-nul-cr-in-value", "GET /s2 HTTP/1.1", "Header: v\x00\ralue"),
    SERVER, "2", "NUL and bare CR in a value", "reject")
add("s3-space-before-colon", req("s3-space-before-colon", "GET /s3 HTTP/1.1", "Content-Length : %d" % len(SMUGGLED),
                                 body=SMUGGLED),
    SERVER, "3", "`Content-Length :` hides a smuggled request", "reject")
_second = req("s4-leading-tab#2", "GET /second HTTP/1.1")
add("s4-leading-tab", lines("GET /s4 HTTP/1.1", "\tContent-Length: %d" % len(_second), "Host: localhost",
                            "X-Test-Marker: http-garden.s4-leading-tab", body=_second),
    SERVER, "4", "TAB before the first field: reject, or ignore the line (then the body is a second request)",
    "either", requests=2)
add("s5-version-1-32", req("s5-version-1-32", "GET /s5 HTTP/1.32"), SERVER, "5", "HTTP/1.32", "reject")
add("s6-method-garbage", req("s6-method-garbage", 'G=":<>(e),[T];? /get HTTP/1.1'),
    SERVER, "6", "separators in the method", "reject")
add("s7-target-bang", req("s7-target-bang", "GET ! HTTP/1.1"), SERVER, "7", "target `!`", "reject")
add("s8-non-ascii-name", req("s8-non-ascii-name", "GET /s8 HTTP/1.1", "\xefoo: bar"),
    SERVER, "8", "non-ASCII byte in a field name", "reject")
add("s9-lf-in-request-line", b"GET /s9\nHTTP/1.1\r\nHost: localhost\r\n\r\n",
    SERVER, "9", "bare LF as the separator in the request line", "reject")
add("s10-cl-plus-underscore", req("s10-cl-plus-underscore", "GET /s10 HTTP/1.1", "Content-Length: +1_0",
                                  body="0123456789"),
    SERVER, "10", "length `+1_0`", "reject")
add("s11-double-te-chunked", req("s11-double-te-chunked", "POST /s11 HTTP/1.1", "Transfer-Encoding: chunked",
                                 "Transfer-Encoding: chunked", body="1\r\nZ\r\n0\r\n\r\n"),
    SERVER, "11", "chunked applied twice (two TE fields)", "reject")
add("s12-nbsp-around-chunked", req("s12-nbsp-around-chunked", "POST /s12 HTTP/1.1",
                                   "Transfer-Encoding: \xa0chunked\xa0", body="0\r\n\r\n"),
    SERVER, "12", "NBSP around chunked (not OWS)", "reject")
add("s13-cr-ends-field", req("s13-cr-ends-field", "GET /s13 HTTP/1.1", "Visible: :/\rX-Client-Identity: admin"),
    SERVER, "13", "bare CR read as a line end hides an identity field", "reject")
add("s14-ctl-in-name", req("s14-ctl-in-name", "GET /s14 HTTP/1.1",
                           '\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17'
                           '\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "(),/;<=>?@[/]{}: whatever'),
    SERVER, "14", "every disallowed ASCII byte in one name", "reject")
add("s15-version-cr", req("s15-version-cr", "GET /s15 HTTP/\r\r1.1"), SERVER, "15", "CR inside the version", "reject")
add("s16-empty-cl", req("s16-empty-cl", "GET /s16 HTTP/1.1", "Content-Length: "), SERVER, "16",
    "empty length", "reject")
add("s17-empty-chunk-size", req("s17-empty-chunk-size", "GET /s17 HTTP/1.1", "Transfer-Encoding: chunked",
                                body="\r\n\r\n"),
    SERVER, "17", "empty chunk size", "reject")
add("s18-empty-name", lines("GET /s18 HTTP/1.1", ": ignored", "Host: localhost",
                            "X-Test-Marker: http-garden.s18-empty-name"),
    SERVER, "18", "field line with an empty name", "reject")
add("s19-empty-value-lf", req("s19-empty-value-lf", "GET /s19 HTTP/1.1", "Useless:\n\nGET /smuggled HTTP/1.1"),
    SERVER, "19", "empty value then bare LF LF", "reject")
add("s20-nel-before-colon", req("s20-nel-before-colon", "GET /s20 HTTP/1.1", "Content-Length\x85: 10",
                                body="0123456789"),
    SERVER, "20", "NEL before the colon", "reject")
add("s21-comma-chunked-with-cl", req("s21-comma-chunked-with-cl", "GET /s21 HTTP/1.1", "Transfer-Encoding: ,chunked",
                                     "Content-Length: 5", body="0\r\n\r\n"),
    SERVER, "21", "`,chunked` with a length", "reject")
add("s23-cl-first-wins", req("s23-cl-first-wins", "GET /s23 HTTP/1.1", "Content-Length: 1", "Content-Length: 0",
                             body="Z"),
    SERVER, "23", "conflicting lengths (first wins)", "reject")
add("s24-version-overflow", req("s24-version-overflow", "GET /s24 HTTP/4294967295.255"),
    SERVER, "24", "version numbers that overflow", "reject")
for prefix in ("0x", "+", "-"):
    tag = {"0x": "hex", "+": "plus", "-": "minus"}[prefix]
    add("s25-chunk-size-%s" % tag, req("s25-chunk-size-%s" % tag, "POST /s25 HTTP/1.1", "Transfer-Encoding: chunked",
                                       body="%s5\r\nhello\r\n0\r\n\r\n" % prefix),
        SERVER, "25", "chunk size with a `%s` prefix (strtoll)" % prefix, "reject")
add("s26-negative-cl", req("s26-negative-cl", "GET /s26 HTTP/1.1", "Content-Length: -48"),
    SERVER, "26", "negative length", "reject")
add("s27-empty-field-line", req("s27-empty-field-line", "GET /s27 HTTP/1.1", ":", "I: am chopped off"),
    SERVER, "27", "a lone colon as a field line", "reject")
add("s28-no-colon", req("s28-no-colon", "GET /s28 HTTP/1.1", "Content-Length 10", body="0123456789"),
    SERVER, "28", "name and value separated by SP only", "reject")
add("s29-cl-digit-letter", req("s29-cl-digit-letter", "GET /s29 HTTP/1.1", "Content-Length: 1Z", body="Z"),
    SERVER, "29", "length `1Z`", "reject")
add("s30-cr-byte-ends-head", req("s30-cr-byte-ends-head", "GET /s30 HTTP/1.1",
                                 "X: y\r\n\rZGET /smuggled HTTP/1.1\r\nHost: localhost"),
    SERVER, "30", "CR and a byte read as the end of the head", "reject")
add("s31-chunk-line-cr", req("s31-chunk-line-cr", "GET /s31 HTTP/1.1", "Transfer-Encoding: chunked",
                             body="5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n" + S + "0\r\n\r\n"),
    SERVER, "31", "chunk line ended by CR and any byte", "reject")
add("s32-cl-leading-zero", req("s32-cl-leading-zero", "GET /s32 HTTP/1.1", "Content-Length: 010", body="0123456789"),
    SERVER, "32", "length 010 is ten (not octal eight)", "normalise", body=b"0123456789")
add("s33-cl-last-wins", req("s33-cl-last-wins", "GET /s33 HTTP/1.1", "Content-Length: 0", "Content-Length: 1",
                            body="Z"),
    SERVER, "33", "conflicting lengths (last wins)", "reject")
add("s34-cr-in-value", req("s34-cr-in-value", "GET /s34 HTTP/1.1", "Header: va\rlue"),
    SERVER, "34", "bare CR inside a value", "reject")
add("s35-nul-in-value", req("s35-nul-in-value", "GET /s35 HTTP/1.1", "Test: test\x00THESE BYTES GET DROPPED",
                            "Connection: close"),
    SERVER, "35", "NUL inside a value", "reject")
add("s36-cr-in-chunk-ext", req("s36-cr-in-chunk-ext", "POST /s36 HTTP/1.1", "Transfer-Encoding: chunked",
                               body="41;a=b\r\r" + "X" * 65 + "\r\n0\r\n\r\n" + S),
    SERVER, "36", "CR inside a chunk extension", "reject")
add("s37-name-continued", req("s37-name-continued", "POST /s37 HTTP/1.1", "Transfer-\r\nEncoding: chunked",
                              "Content-Length: 5", body="0\r\n\r\n"),
    SERVER, "37", "a field name broken over two lines", "reject")
add("s38-empty-cl-then-request", req("s38-empty-cl-then-request", "GET /s38 HTTP/1.1", "Content-Length: ",
                                     body=SMUGGLED),
    SERVER, "38", "empty length followed by a request", "reject")
add("s39-trailer-looks-like-request", req("s39-trailer-looks-like-request", "POST /s39 HTTP/1.1",
                                          "Transfer-Encoding: chunked", body="0\r\nX:POST / HTTP/1.1\r\n\r\n"),
    SERVER, "39", "a trailer field whose value is a request line: just a trailer", "normalise", body=b"")
add("s40-nul-method-dotted-version", b"\x00 /s40 HTTP/............0596.7407.\r\nHost: localhost\r\n\r\n",
    SERVER, "40", "NUL method and a dotted version", "reject")
add("s41-nel-nbsp-around-value", req("s41-nel-nbsp-around-value", "GET /login HTTP/1.1", "User: \x85admin\xa0"),
    SERVER, "41", "NEL and NBSP around a value are obs-text, not whitespace", "normalise")
add("s42-empty-cl-first", req("s42-empty-cl-first", "GET /s42 HTTP/1.1", "Content-Length: ",
                              "Content-Length: %d" % len(SMUGGLED), body=SMUGGLED),
    SERVER, "42", "empty length before a real one", "reject")
add("s43-nul-ends-value", req("s43-nul-ends-value", "GET /s43 HTTP/1.1", "Evil: evil\x00"),
    SERVER, "43", "NUL at the end of a value", "reject")
add("s44-unknown-coding", req("s44-unknown-coding", "POST /s44 HTTP/1.1", "Transfer-Encoding: blegh",
                              body="1\r\nZ\r\n0\r\n\r\n"),
    SERVER, "44", "unknown transfer coding", "reject")
add("s45-close-then-invalid", req("s45-close-then-invalid", "GET /s45 HTTP/1.1", "Connection: close",
                                  body="Invalid\r\n\r\n"),
    SERVER, "45", "an invalid request after Connection: close is never read", "normalise")
add("s46-ff-around-values", req("s46-ff-around-values", "POST /s46 HTTP/1.1", host=False,
                                body="1\r\nZ\r\n0\r\n\r\n").replace(
    b"X-Test-Marker", b"Host: \xffa\xff\r\nTransfer-Encoding: \xffchunked\xff\r\nX-Test-Marker"),
    SERVER, "46", "0xFF around the Host and the coding", "reject")
add("s47-invalid-chunk-then-request", req("s47-invalid-chunk-then-request", "POST /s47 HTTP/1.1",
                                          "Transfer-Encoding: chunked", body="INVALID!!!\r\n" + S),
    SERVER, "47", "an invalid chunk followed by a request", "reject")
_inner = req("s48-cl0-pipeline#3", "GET /s48 HTTP/1.1", "id: 2")
add("s48-cl0-pipeline", req("s48-cl0-pipeline", "POST /s48 HTTP/1.1", "Content-Length: 0", "Connection:keep-alive",
                            "id: 0") +
    req("s48-cl0-pipeline#2", "POST /s48 HTTP/1.1", "id: 1", cl(_inner), body=_inner),
    SERVER, "48", "Content-Length 0 then a request whose body looks like a request", "normalise", requests=2)

# --- Transducer Bugs ---
add("t1-cl-hex", req("t1-cl-hex", "POST /t1 HTTP/1.1", "Content-Length: 0x10", body="Z"),
    TRANSDUCER, "1", "length 0x10", "reject")
add("t2-invalid-chunk-sizes", req("t2-invalid-chunk-sizes", "POST /t2 HTTP/1.1", "Transfer-Encoding: chunked",
                                  body="Z\r\nZZ\r\nZZZ\r\n\r\n"),
    TRANSDUCER, "2", "non-hex chunk sizes", "reject")
add("t3-cr-before-ext", req("t3-cr-before-ext", "POST /t3 HTTP/1.1", "Transfer-Encoding: chunked",
                            body="2\r\r;a\r\n02\r\n41\r\n0\r\n\r\n" + S + "0\r\n\r\n"),
    TRANSDUCER, "3", "CR before the `;` of an extension", "reject")
add("t4-bad-chunk-line", req("t4-bad-chunk-line", "POST /t4 HTTP/1.1", "Transfer-Encoding: chunked", body="1\r0\n"),
    TRANSDUCER, "4", "chunk line `1\\r0\\n`", "reject")
add("t5-empty-cl-lowercase", req("t5-empty-cl-lowercase", "GET /t5 HTTP/1.1", "content-length: "),
    TRANSDUCER, "5", "empty lower-case content-length", "reject")
add("t6-nel-in-name", req("t6-nel-in-name", "GET /t6 HTTP/1.1", "Header\x85: value"),
    TRANSDUCER, "6", "NEL inside a name", "reject")
add("t7-chunk-size-junk", req("t7-chunk-size-junk", "POST /t7 HTTP/1.1", "Transfer-Encoding: chunked",
                              body="1these-bytes-never-get-validated\r\nZ\r\n0\r\n\r\n"),
    TRANSDUCER, "7", "junk after the chunk size", "reject")
add("t9-comma-chunked", req("t9-comma-chunked", "POST /t9 HTTP/1.1", "Transfer-Encoding: ,chunked",
                            body="0\r\n\r\n"),
    TRANSDUCER, "9", "`,chunked`: an empty list element before chunked (reject, or read as chunked)", "either",
    body=b"")
add("t10-cr-in-value", req("t10-cr-in-value", "GET /t10 HTTP/1.1", "Invalid-Header: this\rvalue\ris\rinvalid"),
    TRANSDUCER, "10", "bare CRs inside a value", "reject")
add("t11-empty-cl-then-cl", req("t11-empty-cl-then-cl", "GET /t11 HTTP/1.1", "content-length: ",
                                "content-length: %d" % len(SMUGGLED), body=SMUGGLED),
    TRANSDUCER, "11", "empty length then a real one, with a smuggled request", "reject")
add("t12-nul-in-host", req("t12-nul-in-host", "GET /t12 HTTP/1.1", host=False).replace(
    b"X-Test-Marker", b"Host: localhost\x00.kallus.org\r\nX-Test-Marker"),
    TRANSDUCER, "12", "NUL inside the Host", "reject")
add("t13-lf-after-chunk-data", req("t13-lf-after-chunk-data", "POST /t13 HTTP/1.1", "Transfer-Encoding: chunked",
                                   body="a\r\n0123456789\n0\r\n\r\n"),
    TRANSDUCER, "13", "bare LF ends chunk data", "either")
add("t14-lf-inside-name", req("t14-lf-inside-name", "GET /t14 HTTP/1.1", "Te\nst: test", "Connection: close"),
    TRANSDUCER, "14", "a field line broken by a bare LF", "reject")
add("t15-comma-chunked-cl-close", req("t15-comma-chunked-cl-close", "GET /t15 HTTP/1.1",
                                      "Transfer-Encoding: ,chunked", "Content-Length: 5", "Connection: close",
                                      body="0\r\n\r\n"),
    TRANSDUCER, "15", "`,chunked` with a length and close", "reject")
add("t16-bare-lf-request", b"GET /t16 HTTP/1.1\nHost: localhost\nX-Test-Marker: http-garden.t16-bare-lf-request\n"
                           b"Connection: close\n\n",
    TRANSDUCER, "16", "a request with bare LF line ends", "reject")
add("t17-extra-crlf-before-last", req("t17-extra-crlf-before-last", "POST /t17 HTTP/1.1",
                                      "Transfer-Encoding: chunked",
                                      body="17\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n\r\n\r\n0\r\n\r\n"),
    TRANSDUCER, "17", "an extra CRLF before the last chunk", "either")
add("t19-signed-hex-chunk", req("t19-signed-hex-chunk", "POST /t19 HTTP/1.1", "Transfer-Encoding: chunked",
                                body="-0x0\r\n\r\n"),
    TRANSDUCER, "19", "chunk size -0x0", "reject")
add("t20-nul-line", req("t20-nul-line", "GET /t20 HTTP/1.1", "a:b", "c\x00"),
    TRANSDUCER, "20", "a line of a name and NUL, no colon", "reject")
add("t21-get-with-body", req("t21-get-with-body", "GET /t21 HTTP/1.1", "Content-Length: 10", body="1234567890"),
    TRANSDUCER, "21", "a GET body is forwarded with its length", "normalise", body=b"1234567890")
add("t22-cl-last-smuggle", req("t22-cl-last-smuggle", "POST /t22 HTTP/1.1", "Content-Length: 0",
                               "Content-Length: %d" % len(SMUGGLED), body=SMUGGLED),
    TRANSDUCER, "22", "two lengths, the last one covers a smuggled request", "reject")
add("t23-cl-and-te", req("t23-cl-and-te", "POST /t23 HTTP/1.1", "Content-Length: 5", "Transfer-Encoding: chunked",
                         body="0\r\n\r\n"),
    TRANSDUCER, "23", "Content-Length and Transfer-Encoding forwarded together", "reject")
add("t24-space-before-chunk-size", req("t24-space-before-chunk-size", "POST /t24 HTTP/1.1",
                                       "Transfer-Encoding: chunked", body="           0\r\n\r\n"),
    TRANSDUCER, "24", "SP before the chunk size", "reject")
add("t25-double-te-forwarded", req("t25-double-te-forwarded", "POST /t25 HTTP/1.1", "Transfer-Encoding: chunked",
                                   "Transfer-Encoding: chunked", body="0\r\n\r\n"),
    TRANSDUCER, "25", "two TE chunked fields", "reject")

# --- Crash and misc bugs ---
add("c3-byte-after-chunked", req("c3-byte-after-chunked", "GET /c3 HTTP/1.1", "Transfer-Encoding: chunked",
                                 body="0\r\n\r\n\x00"),
    CRASH, "3", "a NUL after a complete chunked body: the request, then a refusal", "normalise", body=b"")
add("c4-chunked-echo", req("c4-chunked-echo", "POST /c4 HTTP/1.1", "Transfer-Encoding: chunked",
                           body=chunked("Z")),
    CRASH, "4", "a plain chunked body", "normalise", body=b"Z")
