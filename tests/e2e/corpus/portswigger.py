"""PortSwigger/http-request-smuggler: the Transfer-Encoding and Content-Length permutations of
src/burp/DesyncBox.java (applyDesync), the CL.0 gadget of ImplicitZeroScan.java, the Keep-Alive header removal
of HeaderRemovalScan.java, the hiding techniques of HiddenPair.java used by ParserDiscrepancyScan.java, and the
chunk-line terminator tests of ChunkSizeScan.java (TERM.EXT, EXT.TERM, TERM.SPILL, SPILL.TERM, ONE.TWO).

The TE permutations are applied to the line `Transfer-Encoding: chunked` of a POST that also carries
Content-Length (the CL.TE and TE.CL shapes of smuggler.py), or alone with a chunked body `hello` (te form).
"""
from corpus import SMUGGLED, Payload, chunked, cl, lines

DESYNC = "PortSwigger/http-request-smuggler src/burp/DesyncBox.java applyDesync"
IMPLICIT_ZERO = "PortSwigger/http-request-smuggler src/burp/ImplicitZeroScan.java"
HEADER_REMOVAL = "PortSwigger/http-request-smuggler src/burp/HeaderRemovalScan.java"
HIDDEN = "PortSwigger/http-request-smuggler src/burp/HiddenPair.java (ParserDiscrepancyScan.java)"
CHUNK_SIZE = "PortSwigger/http-request-smuggler src/burp/ChunkSizeScan.java"

CLTE_BODY = b"0\r\n\r\n" + SMUGGLED
TECL_BODY = chunked(SMUGGLED)
TECL_LENGTH = len(b"%x\r\n" % len(SMUGGLED))


def _post(name, fields, body, method="POST", version="HTTP/1.1"):
    return lines("%s /%s %s" % (method, name.replace(".", "/"), version), "Host: localhost",
                 "X-Test-Marker: %s" % name, "Content-Type: application/x-www-form-urlencoded", *fields, body=body)


def te(technique, te_lines, tests, version="HTTP/1.1", **forms):
    """te_lines: what replaces `Transfer-Encoding: chunked` (a str, may hold several lines)."""
    out = []
    for form, expect in forms.items():
        name = "portswigger.%s.%s" % (technique, form.replace("_", "-"))
        if form == "cl_te":
            raw = _post(name, [cl(CLTE_BODY), te_lines], CLTE_BODY, version=version)
            checks = {"body": CLTE_BODY} if expect != "reject" else {}
        elif form == "te_cl":
            raw = _post(name, ["Content-Length: %d" % TECL_LENGTH, te_lines], TECL_BODY, version=version)
            checks = {}
        else:
            raw = _post(name, [te_lines], chunked("hello"), version=version)
            checks = {"body": b"hello"} if expect != "reject" else {}
        out.append(Payload(name, raw, DESYNC + " " + technique, "%s (%s form)" % (tests, form.replace("_", "-")),
                           expect, **checks))
    return out


PAYLOADS = []
add = PAYLOADS.extend

# --- DesyncBox: shared and HTTP/1 permutations of the TE line ---
add(te("vanilla", "Transfer-Encoding: chunked", "Content-Length and Transfer-Encoding together",
       cl_te="reject", te_cl="reject", te="normalise"))
add(te("nameprefix1", "Foo: bar\r\n Transfer-Encoding: chunked", "TE line folded into Foo with SP (obs-fold)",
       cl_te="either"))
add(te("nameprefix2", "Foo: bar\r\n\tTransfer-Encoding: chunked", "TE line folded into Foo with TAB",
       cl_te="either"))
add(te("vertwrap", "Transfer-Encoding: \n\x0bchunked", "bare LF then VT", cl_te="reject"))
add(te("connection", "Connection: Transfer-Encoding\r\nTransfer-Encoding: chunked",
       "TE named in Connection does not drop it", cl_te="reject", te="normalise"))
add(te("spjunk", "Transfer-Encoding x: chunked", "junk word before the colon (Amit Klein)", cl_te="reject"))
add(te("backslash", "Transfer\\Encoding: chunked", "backslash for the dash (Amit Klein)", cl_te="reject"))
add(te("unispace", "Transfer-Encoding:\xa0chunked", "NBSP as the separator", te_cl="reject", te="reject"))
add(te("commaCow", "Transfer-Encoding: chunked, identity", "identity after chunked", te="reject"))
add(te("cowComma", "Transfer-Encoding: identity, chunked", "identity before chunked", te="reject",
       cl_te="reject"))
add(te("dualchunk", "Transfer-Encoding: chunked\r\nTransfer-encoding: identity", "second TE field: identity",
       te="reject"))
add(te("nested", "Transfer-Encoding: identity, chunked, identity", "chunked in the middle", te="reject"))
add(te("encode", "Transfer-%45ncoding: chunked", "percent-encoded name: a different field", cl_te="normalise"))
add(te("qencode", "Transfer-Encoding: =?iso-8859-1?B?Y2h1bmtlZA==?=", "RFC 2047 encoded word", te="reject"))
add(te("qencodeutf", "Transfer-Encoding: =?UTF-8?B?Y2h1bmtlZA==?=", "RFC 2047 encoded word (UTF-8)",
       cl_te="reject"))
add(te("nel", "Transfer-Encoding\x85: chunked", "NEL before the colon", cl_te="reject"))
add(te("nbsp", "Transfer-Encoding\xa0: chunked", "NBSP before the colon", cl_te="reject"))
add(te("shy2", "Transfer-Encoding\xad: chunked", "soft hyphen before the colon", cl_te="reject"))
add(te("shy", "Transfer\xadEncoding: chunked", "soft hyphen for the dash", cl_te="reject"))
for ch, forms in ((0, {"cl_te": "reject"}), (9, {"te_cl": "reject"}), (11, {"cl_te": "reject"}),
                  (12, {"te": "reject"}), (13, {"cl_te": "reject"}), (127, {"cl_te": "reject"})):
    add(te("spacefix1-%d" % ch, "Transfer-Encoding:%cchunked" % ch, "byte %d instead of the SP" % ch, **forms))
for ch, forms in ((0, {"cl_te": "reject"}), (11, {"te": "reject"}), (13, {"cl_te": "reject"})):
    add(te("prefix1-%d" % ch, "Transfer-Encoding: %cchunked" % ch, "byte %d before chunked" % ch, **forms))
for ch, forms in ((0, {"te": "reject"}), (9, {"te": "normalise"}), (11, {"cl_te": "reject"}),
                  (127, {"te": "reject"})):
    add(te("suffix1-%d" % ch, "Transfer-Encoding: chunked%c" % ch, "byte %d after chunked" % ch, **forms))
for ch in (0, 9, 11, 12, 13, 127):
    add(te("namesuffix1-%d" % ch, "Transfer-Encoding%c: chunked" % ch, "byte %d before the colon" % ch,
           cl_te="reject"))
add(te("nospace1", "Transfer-Encoding:chunked", "no OWS", te_cl="reject", te="normalise"))
add(te("doublewrapped", "Transfer-Encoding:\r\n \r\n chunked", "value folded twice", cl_te="reject", te="either"))
add(te("gareth1", "Transfer-Encoding\n : chunked", "bare LF and SP before the colon", cl_te="reject"))
add(te("badsetupCR", "Foo: bar\rTransfer-Encoding: chunked", "bare CR ends Foo", cl_te="reject"))
add(te("badsetupLF", "Foo: bar\nTransfer-Encoding: chunked", "bare LF ends Foo", cl_te="reject",
       te_cl="reject"))
add(te("multiCase", "tRANSFER-ENCODING: chunked", "mixed-case name", cl_te="reject"))
add(te("tabwrap", "Transfer-Encoding: \r\n\tchunked", "value on a TAB-folded line", cl_te="reject", te="either"))
add(te("0dwrap", "Foo: bar\r\n\rTransfer-Encoding: chunked", "line starting with CR", cl_te="reject"))
add(te("bodysplit", "X: y\r\nFoo: barn\n\nTransfer-Encoding: chunked", "bare LF LF ends the head early",
       cl_te="reject"))
add(te("http1.0", "Transfer-Encoding: chunked", "TE in an HTTP/1.0 request", version="HTTP/1.0",
       te="reject", cl_te="reject"))

# badwrap: the TE line moves to a folded line right after the request line.
_name = "portswigger.badwrap.cl-te"
PAYLOADS.append(Payload(
    _name, lines("POST /portswigger/badwrap HTTP/1.1", " Transfer-Encoding: chunked", "Host: localhost",
                 "X-Test-Marker: %s" % _name, cl(CLTE_BODY), "X-Blah-Ignore: chunked", body=CLTE_BODY),
    DESYNC + " badwrap", "TE on a whitespace-preceded line after the request line (reject or ignore the line)",
    "either", body=CLTE_BODY))

# --- DesyncBox: Content-Length permutations (CL.0 shape: the body is a request) ---


def cl_perm(technique, value, tests, expect, extra=(), **checks):
    name = "portswigger.%s" % technique
    raw = _post(name, list(extra) + ["Content-Length: %s" % value], SMUGGLED)
    return Payload(name, raw, DESYNC + " " + technique, tests, expect, **checks)


n = len(SMUGGLED)
PAYLOADS += [
    cl_perm("CL-plus", "+%d" % n, "sign before the length", "reject"),
    cl_perm("CL-minus", "-%d" % n, "negative length", "reject"),
    cl_perm("CL-pad", "0%d" % n, "leading zero: still 1*DIGIT", "normalise", body=SMUGGLED),
    cl_perm("CL-bigpad", "00000000000%d" % n, "eleven leading zeros: still 1*DIGIT", "normalise", body=SMUGGLED),
    cl_perm("CL-spacepad", "0 %d" % n, "SP inside the value", "reject"),
    cl_perm("CL-e", "%de0" % n, "exponent notation", "reject"),
    cl_perm("CL-dec", "%d.0" % n, "decimal fraction", "reject"),
    cl_perm("CL-commaprefix", "0, %d" % n, "list with 0 first", "reject"),
    cl_perm("CL-commasuffix", "%d, 0" % n, "list with 0 last", "reject"),
    cl_perm("CL-expect", n, "Expect: 100-continue with the body already sent", "normalise",
            extra=["Expect: 100-continue"], body=SMUGGLED),
    cl_perm("CL-expect-obfs", n, "unknown expectation `x 100-continue` (417)", "reject",
            extra=["Expect: x 100-continue"]),
    cl_perm("CL-error", n, "a malformed field line before Content-Length", "reject", extra=["X-Invalid Y: "]),
]

# --- ImplicitZeroScan: CL.0, a body on a request the front end may think has none ---
for method in ("GET", "POST"):
    _name = "portswigger.cl0-%s" % method.lower()
    PAYLOADS.append(Payload(
        _name, _post(_name, ["Connection: keep-alive", cl(SMUGGLED)], SMUGGLED, method=method),
        IMPLICIT_ZERO, "CL.0: %s with a Content-Length body that holds a request" % method, "normalise",
        body=SMUGGLED))

# --- HeaderRemovalScan: Keep-Alive must not make Content-Length disappear ---
_body = b"Host: wrtzwrrrrr"
_name = "portswigger.keep-alive-header-removal"
PAYLOADS.append(Payload(
    _name, _post(_name, ["Connection: keep-alive", "Keep-Alive: timeout=5, max=1000", cl(_body)], _body),
    HEADER_REMOVAL, "a Keep-Alive header does not drop Content-Length", "normalise", body=_body))

# --- HiddenPair hiding techniques applied to ParserDiscrepancyScan's canary headers ---


def hidden(technique, fields, tests, expect, send=b"", host=True, **checks):
    name = "portswigger.hide-%s" % technique
    head = ["GET /%s HTTP/1.1" % name.replace(".", "/")]
    if host:
        head.append("Host: localhost")
    head += ["X-Test-Marker: %s" % name] + list(fields)
    return Payload(name, lines(*head, body=send), HIDDEN + " " + technique.split("-")[-1].upper(), tests, expect,
                   **checks)


PAYLOADS += [
    hidden("host-space", ["Host : foo/bar"], "invalid second Host hidden by SP before the colon", "reject"),
    hidden("host-tab", ["Host\t: foo/bar"], "invalid second Host hidden by TAB before the colon", "reject"),
    hidden("host-wrap", ["Host: \r\n foo/bar"], "second Host with its value on a folded line", "reject"),
    hidden("host-lpad", ["X-Junk: x", " Host: foo/bar"], "Host line folded into X-Junk (obs-fold)", "either"),
    hidden("host-hop", ["Host: foo/bar", "Connection: Host"], "a second, invalid Host named in Connection",
           "reject"),
    hidden("host-nwrap", ["X-Junk: x\nHost: foo/bar"], "bare LF hides a second Host", "reject"),
    hidden("host-rwrap", ["X-Junk: x\rHost: foo/bar"], "bare CR hides a second Host", "reject"),
    hidden("missing-host-space", ["Host : localhost"], "the only Host hidden by SP before the colon", "reject",
           host=False),
    hidden("cl-invalid-space", ["Content-Length : Z"], "invalid length hidden by SP before the colon", "reject"),
    hidden("cl-invalid-hop", ["Content-Length: Z", "Connection: Content-Length"],
           "invalid length named in Connection", "reject"),
    hidden("cl-valid-hop", ["Content-Length: 5", "Connection: Content-Length"],
           "a length named in Connection still frames the body", "normalise", send=b"hello", body=b"hello"),
    hidden("cl-valid-wrap", ["Content-Length: \r\n 5"], "length on a folded line (reject or unfold)", "either",
           send=b"hello", body=b"hello"),
]

# --- ChunkSizeScan: line terminators inside chunk lines (funky chunks) ---


def chunk_scan(technique, term_name, body, tests, expect):
    name = "portswigger.%s-%s" % (technique, term_name)
    raw = lines("POST /%s HTTP/1.1" % name.replace(".", "/"), "Host: localhost", "X-Test-Marker: %s" % name,
                "Transfer-Encoding: chunked", body=body)
    return Payload(name, raw, CHUNK_SIZE + " " + technique, tests, expect)


for term_name, term in (("lf", "\n"), ("cr", "\r"), ("crx", "\rX"), ("crcr", "\r\r")):
    PAYLOADS.append(chunk_scan("TERM.EXT", term_name,
                               "2;%sXX\r\n10\r\n1f\r\nAAAABBBBCCCC\r\n0\r\n\r\nDDDDEEEEFFFF\r\n0\r\n\r\n" % term,
                               "%r inside a chunk extension" % term, "reject"))
for term_name, term in (("lf", "\n"), ("crcr", "\r\r")):
    PAYLOADS.append(chunk_scan("EXT.TERM", term_name,
                               "2;%sXX\r\n22\r\nc\r\nAAAABBBBCCCC\r\n0\r\n\r\nDDDDEEEEFFFF\r\n0\r\n\r\n" % term,
                               "%r inside a chunk extension, lengths for the other reading" % term, "reject"))
for term_name, term in (("lf", "\n"), ("cr", "\r")):
    PAYLOADS.append(chunk_scan("TERM.SPILL", term_name,
                               "5\r\nAAAAA%sc\r\n17\r\nAAAABBBB\r\n0\r\n\r\nCCCCDDDD\r\n0\r\n\r\n" % term,
                               "%r instead of the CRLF after chunk data" % term, "either"))
    PAYLOADS.append(chunk_scan("SPILL.TERM", term_name,
                               "5\r\nAAAAA%s1a\r\n8\r\nAAAABBBB\r\n0\r\n\r\nCCCCDDDD\r\n0\r\n\r\n" % term,
                               "%r instead of the CRLF after chunk data, other lengths" % term, "either"))
PAYLOADS.append(chunk_scan("ONE.TWO", "lf",
                           "2\r\nXX\n12\r\nXX\r\n19\r\nXXAAAABBBB\r\n0\r\n\r\nCCCCDDDD\r\n0\r\n\r\n",
                           "bare LF ends chunk data: one-byte and two-byte terminator readings differ", "either"))
