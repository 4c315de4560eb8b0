"""Requests of nodejs/llhttp's strict-mode test suite (test/request/*.md; the section titles are named in each
source). llhttp's fixtures turn each newline of a block into CRLF and keep escaped \\r and \\n as bare
bytes; they are written here with explicit line ends. Where a fixture has no Host (llhttp does not require
one) a `Host: localhost` is added, unless the fixture is about the request line, so that the payload tests
what the fixture tests and not the missing Host.

llhttp's verdict is kept where it is a syntax rule of RFC 9112; where llhttp refuses something the RFC allows a
gateway to forward (an unregistered method), the payload expects `either`.
"""
from corpus import SMUGGLED, Payload, chunked, lines

TE = "nodejs/llhttp test/request/transfer-encoding.md"
CL = "nodejs/llhttp test/request/content-length.md"
CONN = "nodejs/llhttp test/request/connection.md"
INVALID = "nodejs/llhttp test/request/invalid.md"
PIPE = "nodejs/llhttp test/request/pipelining.md"
METHOD = "nodejs/llhttp test/request/method.md"
URI = "nodejs/llhttp test/request/uri.md"
SAMPLE = "nodejs/llhttp test/request/sample.md"

PAYLOADS = []


def add(name, raw, source, section, tests, expect, requests=1, **checks):
    PAYLOADS.append(Payload("llhttp." + name, raw, '%s "%s"' % (source, section), tests, expect, requests,
                            **checks))


def req(name, line, *fields, body=b"", host=True):
    """The fixture's request line and fields, with Host (unless host=False) and the marker after the line."""
    head = [line] + (["Host: localhost"] if host else []) + ["X-Test-Marker: llhttp.%s" % name] + list(fields)
    return lines(*head, body=body)


# --- transfer-encoding.md ---
add("te-lowercase-size", req("te-lowercase-size", "PUT /url HTTP/1.1", "Transfer-Encoding: chunked",
                             body="a\r\n0123456789\r\n0\r\n\r\n"),
    TE, "Parse chunks with lowercase size", "hex chunk size in lower case", "normalise", body=b"0123456789")
add("te-uppercase-size", req("te-uppercase-size", "PUT /url HTTP/1.1", "Transfer-Encoding: chunked",
                             body="A\r\n0123456789\r\n0\r\n\r\n"),
    TE, "Parse chunks with uppercase size", "hex chunk size in upper case", "normalise", body=b"0123456789")
add("te-triple-zero", req("te-triple-zero", "POST /two_chunks_mult_zero_end HTTP/1.1", "Transfer-Encoding: chunked",
                          body="5\r\nhello\r\n6\r\n world\r\n000\r\n\r\n"),
    TE, "Two chunks and triple zero prefixed end chunk", "last chunk written 000", "normalise",
    body=b"hello world")
add("te-trailers", req("te-trailers", "POST /chunked_w_trailing_headers HTTP/1.1", "Transfer-Encoding: chunked",
                       body="5\r\nhello\r\n6\r\n world\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n"),
    TE, "Trailing headers", "ordinary trailer fields", "normalise", body=b"hello world")
add("te-extensions", req("te-extensions", "POST /chunked_w_unicorns_after_length HTTP/1.1",
                         "Transfer-Encoding: chunked",
                         body="5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n"
                              "6;blahblah;blah\r\n world\r\n0\r\n\r\n"),
    TE, "Chunk extensions", "chunk extensions with and without values", "normalise", body=b"hello world")
add("te-extension-quoting", req("te-extension-quoting", "POST /chunked_w_unicorns_after_length HTTP/1.1",
                                "Transfer-Encoding: chunked",
                                body='5;ilovew3="I \\"love\\"; \\\\extensions\\\\";somuchlove="aretheseparametersfor";'
                                     'blah;foo=bar\r\nhello\r\n6;blahblah;blah\r\n world\r\n0\r\n\r\n'),
    TE, "Chunk extensions quoting", "quoted-string extension values with quoted pairs", "normalise",
    body=b"hello world")
add("te-no-semicolon-extension", req("te-no-semicolon-extension", "POST /chunked_w_unicorns_after_length HTTP/1.1",
                                     "Transfer-encoding: chunked", body="2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n"),
    TE, "No semicolon before chunk extensions", "words after the chunk size without `;`", "reject")
add("te-empty-extension", req("te-empty-extension", "POST /chunked_w_unicorns_after_length HTTP/1.1",
                              "Transfer-encoding: chunked", body="2;\r\naa\r\n0\r\n\r\n"),
    TE, "No extension after semicolon", "`;` with no extension name", "reject")
add("te-unbalanced-quote", req("te-unbalanced-quote", "POST /chunked_w_unicorns_after_length HTTP/1.1",
                               "Transfer-Encoding: chunked",
                               body='5;ilovew3="abc";somuchlove="def; ghi\r\nhello\r\n6;blahblah;blah\r\n world\r\n'
                                    '0\r\n\r\n'),
    TE, "Unbalanced chunk extensions quoting", "unterminated quoted-string in an extension", "reject")
add("te-pigeons", req("te-pigeons", "PUT /url HTTP/1.1", "Transfer-Encoding: pigeons", body=chunked("hello")),
    TE, "Ignoring `pigeons`", "unknown transfer coding", "reject")
add("te-identity-with-cl", req("te-identity-with-cl", "POST /post_identity_body_world?q=search HTTP/1.1",
                               "Accept: */*", "Transfer-Encoding: identity", "Content-Length: 5", body="World"),
    TE, "POST with `Transfer-Encoding` and `Content-Length`", "TE identity together with Content-Length", "reject")
add("te-empty-with-cl", req("te-empty-with-cl", "POST / HTTP/1.1", "Content-Length: 10", "Transfer-Encoding:",
                            "Transfer-Encoding:", "Transfer-Encoding:", body="2\r\nAA\r\n0\r\n\r\n"),
    TE, "POST with empty `Transfer-Encoding` and `Content-Length` (lenient)", "three empty TE fields and a length",
    "reject")
add("te-chunked-then-deflate", req("te-chunked-then-deflate", "POST /post_identity_body_world?q=search HTTP/1.1",
                                   "Accept: */*", "Transfer-Encoding: chunked, deflate", body=chunked("World")),
    TE, "POST with `chunked` before other transfer coding names", "chunked not the final coding", "reject")
add("te-chunked-then-deflate-field",
    req("te-chunked-then-deflate-field", "POST /post_identity_body_world?q=search HTTP/1.1", "Accept: */*",
        "Transfer-Encoding: chunked", "Transfer-Encoding: deflate", body=chunked("World")),
    TE, "POST with `chunked` and duplicate transfer-encoding", "a second TE field makes deflate final", "reject")
add("te-deflate-chunked", req("te-deflate-chunked", "POST /post_identity_body_world?q=search HTTP/1.1",
                              "Accept: */*", "Transfer-Encoding: deflate, chunked", body=chunked("World")),
    TE, "POST with `chunked` as last transfer-encoding", "a coding the gateway does not apply before chunked (501)",
    "reject")
add("te-deflate-chunked-fields",
    req("te-deflate-chunked-fields", "POST /post_identity_body_world?q=search HTTP/1.1", "Accept: */*",
        "Transfer-Encoding: deflate", "Transfer-Encoding: chunked", body=chunked("World")),
    TE, "POST with `chunked` as last transfer-encoding (multiple headers)", "deflate and chunked in two fields (501)",
    "reject")
add("te-chunkedchunked", req("te-chunkedchunked", "POST /post_identity_body_world?q=search HTTP/1.1",
                             "Accept: */*", "Transfer-Encoding: chunkedchunked", body=chunked("World")),
    TE, "POST with `chunkedchunked` as transfer-encoding", "chunked glued to itself", "reject")
add("te-missing-last-chunk", req("te-missing-last-chunk", "PUT /url HTTP/1.1", "Transfer-Encoding: chunked",
                                 body="3\r\nfoo\r\n\r\n"),
    TE, "Missing last-chunk", "an empty line where the next chunk size belongs", "either")
add("te-chunk-size-garbage", req("te-chunk-size-garbage", "PUT /url HTTP/1.1", "Transfer-Encoding: chunked",
                                 body="3 \n  \r\n\\\r\nfoo\r\n\r\n"),
    TE, "Validate chunk parameters", "SP and bare LF after the chunk size", "reject")
add("te-obs-fold-after-chunked", req("te-obs-fold-after-chunked", "PUT /url HTTP/1.1", "Transfer-Encoding: chunked",
                                     "  abc", body="5\r\nWorld\r\n0\r\n\r\n"),
    TE, "Invalid OBS fold after chunked value", "folded line turns the coding into `chunked abc`", "reject")
add("te-chunk-line-cr", req("te-chunk-line-cr", "GET / HTTP/1.1", "Connection: close ", "Transfer-Encoding: chunked ",
                            body="5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n" + SMUGGLED.decode() + "0\r\n\r\n"),
    TE, "Chunk header not terminated by CRLF", "bare CR after the chunk size hides a second request", "reject")
add("te-chunk-data-no-crlf", req("te-chunk-data-no-crlf", "GET / HTTP/1.1", "Connection: close ",
                                 "Transfer-Encoding: chunked ", body="5\r\nABCDE0\r\n\r\n"),
    TE, "Chunk data not terminated by CRLF", "chunk data runs into the next chunk size", "either")
add("te-space-after-size", req("te-space-after-size", "PUT /url HTTP/1.1", "Transfer-Encoding: chunked",
                               body="a \r\n0123456789\r\n0\r\n\r\n"),
    TE, "Space after chunk header", "SP after the chunk size, no extension", "reject")

# --- content-length.md ---
add("cl-zeroes", req("cl-zeroes", "PUT /url HTTP/1.1", "Content-Length: 003", body="abc"),
    CL, "`Content-Length` with zeroes", "leading zeros in the length", "normalise", body=b"abc")
add("cl-overflow", req("cl-overflow", "PUT /url HTTP/1.1", "Content-Length: 1000000000000000000000"),
    CL, "Error on `Content-Length` overflow", "a length beyond 64 bits", "reject")
add("cl-duplicate", req("cl-duplicate", "PUT /url HTTP/1.1", "Content-Length: 1", "Content-Length: 2", body="ab"),
    CL, "Error on duplicate `Content-Length`", "two different lengths", "reject")
add("cl-with-te-identity", req("cl-with-te-identity", "PUT /url HTTP/1.1", "Content-Length: 1",
                               "Transfer-Encoding: identity", body="a"),
    CL, "Error on simultaneous `Content-Length` and `Transfer-Encoding: identity`", "length with TE identity",
    "reject")
add("cl-space-before-colon", req("cl-space-before-colon", "PUT /url HTTP/1.1", "Connection: upgrade",
                                 "Content-Length : 4", "Upgrade: ws", body="abcdefgh"),
    CL, "Invalid whitespace token with `Content-Length` header field", "SP before the colon, with an upgrade",
    "reject")
add("cl-funky-case-http10", req("cl-funky-case-http10", "GET /get_funky_content_length_body_hello HTTP/1.0",
                                "conTENT-Length: 5", body="HELLO"),
    CL, "Funky `Content-Length` with body", "mixed-case name, HTTP/1.0 GET with a body", "normalise", body=b"HELLO")
add("cl-surrounding-spaces", req("cl-surrounding-spaces", "POST / HTTP/1.1", "Content-Length:  42 ", body="x" * 42),
    CL, "Spaces in `Content-Length` (surrounding)", "OWS around the length", "normalise", body=b"x" * 42)
add("cl-surrounding-tabs", req("cl-surrounding-tabs", "POST / HTTP/1.1", "Content-Length:\t42\t  ", body="y" * 42),
    CL, "Tabs in `Content-Length` (surrounding)", "TAB and SP around the length", "normalise", body=b"y" * 42)
add("cl-inner-space", req("cl-inner-space", "POST / HTTP/1.1", "Content-Length: 4 2", body="z" * 42),
    CL, "Spaces in `Content-Length` #2", "SP between digits", "reject")
add("cl-inner-space-2", req("cl-inner-space-2", "POST / HTTP/1.1", "Content-Length: 13 37", body="z" * 37),
    CL, "Spaces in `Content-Length` #3", "two numbers", "reject")
add("cl-empty", req("cl-empty", "POST / HTTP/1.1", "Content-Length:"),
    CL, "Empty `Content-Length`", "no value", "reject")
add("cl-cr-for-dash", req("cl-cr-for-dash", "PUT /url HTTP/1.1", "Content\rLength: 003", body="abc"),
    CL, "`Content-Length` with CR instead of dash", "bare CR inside the name", "reject")
add("cl-missing-crlf-before-body", lines("PUT /url HTTP/1.1", "Host: localhost",
                                         "X-Test-Marker: llhttp.cl-missing-crlf-before-body",
                                         "Content-Length: 3\r\n\rabc"),
    CL, "Missing CRLF-CRLF before body", "the head ends with CRLF CR", "reject")

# --- connection.md ---
add("keep-alive-two", req("keep-alive-two", "PUT /url HTTP/1.1", "Connection: keep-alive") +
    req("keep-alive-two#2", "PUT /url HTTP/1.1", "Connection: keep-alive"),
    CONN, "Restarting when keep-alive is explicitly", "two requests on a kept-alive connection", "normalise",
    requests=2)
add("http10-no-restart", req("http10-no-restart", "PUT /url HTTP/1.0") +
    req("http10-no-restart#2", "PUT /after-close HTTP/1.1"),
    CONN, "No restart when keep-alive is off (1.0)", "HTTP/1.0 without keep-alive ends the connection",
    "normalise")
add("crlf-between-requests", req("crlf-between-requests", "POST / HTTP/1.1",
                                 "Content-Type: application/x-www-form-urlencoded", "Content-Length: 4",
                                 body="q=42\r\n") + req("crlf-between-requests#2", "GET / HTTP/1.1"),
    CONN, "CRLF between requests, implicit `keep-alive`",
    "an empty line before the next request line (may be ignored)", "normalise", requests=(1, 2))
add("crlf-after-close", req("crlf-after-close", "POST / HTTP/1.1", "Content-Type: application/x-www-form-urlencoded",
                            "Content-Length: 4", "Connection: close", body="q=42\r\n") +
    req("crlf-after-close#2", "GET /after-close HTTP/1.1"),
    CONN, "CRLF between requests, explicit `close`", "nothing after Connection: close is read", "normalise")
add("connection-cr-in-value", req("connection-cr-in-value", "PUT /url HTTP/1.1", "Connection: keep\ralive"),
    CONN, "Not treating `\\r` as `-`", "bare CR inside the Connection value", "reject")
add("connection-close-tab", req("connection-close-tab", "PUT /url HTTP/1.1", "Connection: close\t"),
    CONN, "Setting flag on `close` followed by tab", "trailing TAB after close", "normalise")
add("connection-tokens", req("connection-tokens", "PUT /url HTTP/1.1",
                             "Connection: close, token, upgrade, token, keep-alive"),
    CONN, "Parsing multiple tokens", "several tokens, some repeated", "normalise")
add("connection-space-before-colon", req("connection-space-before-colon", "PUT /url HTTP/1.1",
                                         "Connection : upgrade", "Content-Length: 4", "Upgrade: ws", body="abcd"),
    CONN, "Invalid whitespace token with `Connection` header field", "SP before the colon", "reject")
add("upgrade-post-http2", req("upgrade-post-http2", "POST /demo HTTP/1.1", "Connection: Upgrade",
                              "Upgrade: HTTP/2.0", "Content-Length: 15", body="sweet post body"),
    CONN, "Upgrade POST request", "Upgrade to HTTP/2.0 on a POST with a body: proxied as a plain request",
    "normalise", body=b"sweet post body", absent=["upgrade"])
add("upgrade-put-ws", req("upgrade-put-ws", "PUT /url HTTP/1.1", "Connection: upgrade", "Upgrade: ws"),
    CONN, "Setting a flag and pausing", "Upgrade to `ws` on a PUT: not WebSocket, proxied as a plain request",
    "normalise", absent=["upgrade"])

# --- invalid.md ---
add("ice-protocol", req("ice-protocol", "GET /music/sweet/music ICE/1.0"),
    INVALID, "ICE protocol and GET method", "ICE/1.0 instead of HTTP", "reject")
add("ihttp-protocol", req("ihttp-protocol", "GET /music/sweet/music IHTTP/1.0"),
    INVALID, "ICE protocol, but not really", "IHTTP/1.0", "reject")
add("rtsp-protocol", req("rtsp-protocol", "PUT /music/sweet/music RTSP/1.0"),
    INVALID, "RTSP protocol and PUT method", "RTSP/1.0", "reject")
add("announce-http10", req("announce-http10", "ANNOUNCE /music/sweet/music HTTP/1.0"),
    INVALID, "HTTP protocol and ANNOUNCE method", "an unregistered method (a token)", "either")
add("headers-separated-by-cr", req("headers-separated-by-cr", "GET / HTTP/1.1", "Foo: 1\rBar: 2"),
    INVALID, "Headers separated by CR", "bare CR between two fields", "reject")
add("headers-separated-by-lf", req("headers-separated-by-lf", "POST / HTTP/1.1", "x:x\nTransfer-Encoding: chunked",
                                   body="1\r\nA\r\n0\r\n\r\n"),
    INVALID, "Headers separated by LF", "bare LF hides a TE field", "reject")
add("headers-dummy-separator", req("headers-dummy-separator", "GET / HTTP/1.1", "Connection: close",
                                   "Host: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a"),
    INVALID, "Headers separated by dummy characters", "CR and a byte where the empty line belongs", "reject")
add("empty-header-cr", req("empty-header-cr", "POST / HTTP/1.1", "Connection: Close", "x:\rTransfer-Encoding: chunked",
                           body="1\r\nA\r\n0\r\n\r\n"),
    INVALID, "Empty headers separated by CR", "empty value then bare CR", "reject")
add("empty-header-lf", req("empty-header-lf", "POST / HTTP/1.1", "x:\nTransfer-Encoding: chunked",
                           body="1\r\nA\r\n0\r\n\r\n"),
    INVALID, "Empty headers separated by LF", "empty value then bare LF", "reject")
add("header-token-at", req("header-token-at", "GET / HTTP/1.1", "Fo@: Failure"),
    INVALID, "Invalid header token #1", "@ in a field name", "reject")
add("header-token-ctl", req("header-token-ctl", "GET / HTTP/1.1", "Foo\x01\test: Bar"),
    INVALID, "Invalid header token #2", "control bytes in a field name", "reject")
add("header-token-empty", req("header-token-empty", "GET / HTTP/1.1", ": Bar"),
    INVALID, "Invalid header token #3", "empty field name", "reject")
add("unknown-method", req("unknown-method", "MKCOLA / HTTP/1.1"),
    INVALID, "Invalid method", "an unregistered method (a token)", "either")
add("name-line-folding", req("name-line-folding", "GET / HTTP/1.1", "name", " : value"),
    INVALID, "Illegal header field name line folding", "a name alone, the colon on a folded line", "reject")
add("corrupted-connection", req("corrupted-connection", "GET / HTTP/1.1", "Connection\r\x1b\x35\xd5eep-Alive",
                                "Accept-Encoding: gzip"),
    INVALID, "Corrupted Connection header", "CR and binary bytes inside a name", "reject")
add("missing-cr-between-headers", req("missing-cr-between-headers", "GET / HTTP/1.1", "Dummy: x\nContent-Length: 23",
                                      body="GET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    INVALID, "Missing CR between headers", "bare LF hides the length of a smuggled request", "reject")
add("http-5-6", req("http-5-6", "GET / HTTP/5.6"), INVALID, "Invalid HTTP version", "HTTP/5.6", "reject")
add("space-after-start-line", lines("GET / HTTP/1.1", " Host: localhost",
                                    "X-Test-Marker: llhttp.space-after-start-line"),
    INVALID, "Invalid space after start line", "the only Host on a whitespace-preceded first line", "reject")
add("only-lfs", ("POST / HTTP/1.1\nHost: localhost\nX-Test-Marker: llhttp.only-lfs\nTransfer-Encoding: chunked\n"
                 "Trailer: Baz\nFoo: abc\nBar: def\n\n1\nA\n1;abc\nB\n1;def=ghi\nC\n1;jkl=\"mno\"\nD\n0\n\n"
                 "Baz: ghi\n\n").encode(),
    INVALID, "Only LFs present", "every line ended by a bare LF", "reject")
add("spaces-before-headers", req("spaces-before-headers", "POST /hello HTTP/1.1", "Foo: bar",
                                 " Content-Length: %d" % len(req("spaces-before-headers#2", "GET /bye HTTP/1.1")),
                                 body=req("spaces-before-headers#2", "GET /bye HTTP/1.1")),
    INVALID, "Spaces before headers", "a folded Content-Length: the body is a second request once unfolded",
    "either", requests=2)

# --- pipelining.md ---
add("pipelined-bodies", req("pipelined-bodies", "POST /aaa HTTP/1.1", "Content-Length: 3", body="AAA") +
    req("pipelined-bodies#2", "PUT /bbb HTTP/1.1", "Content-Length: 4", body="BBBB") +
    req("pipelined-bodies#3", "PATCH /ccc HTTP/1.1", "Content-Length: 5", body="CCCCC"),
    PIPE, "Should parse multiple events", "three requests with bodies in one write", "normalise", requests=3)

# --- method.md ---
add("connect", req("connect", "CONNECT 0-home0.netscape.com:443 HTTP/1.0", "User-agent: Mozilla/1.1N",
                   "Proxy-authorization: basic aGVsbG86d29ybGQ=", host=False),
    METHOD, "CONNECT request", "CONNECT with an authority-form target", "reject")
add("connect-with-body", req("connect-with-body", "CONNECT foo.bar.com:443 HTTP/1.0", "User-agent: Mozilla/1.1N",
                             "Content-Length: 10", body="blarfcicle", host=False),
    METHOD, "CONNECT with body", "CONNECT with a body", "reject")
add("m-search-asterisk", req("m-search-asterisk", "M-SEARCH * HTTP/1.1", 'MAN: "ssdp:discover"', 'ST: "ssdp:all"'),
    METHOD, "M-SEARCH request", "asterisk-form with a method other than OPTIONS", "reject")
add("patch", req("patch", "PATCH /file.txt HTTP/1.1", "Content-Type: application/example",
                 'If-Match: "e0023aa4e"', "Content-Length: 10", body="cccccccccc"),
    METHOD, "PATCH request", "PATCH with a body", "normalise", body=b"cccccccccc")
add("pri-h2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    METHOD, "PRI request HTTP2", "the HTTP/2 connection preface over HTTP/1.1", "reject")
add("pri-http11", req("pri-http11", "PRI * HTTP/1.1", body="SM\r\n\r\n"),
    METHOD, "PRI request HTTP2", "PRI * with HTTP/1.1", "reject")
add("query-method", req("query-method", "QUERY /contacts HTTP/1.1", "Content-Type: example/query",
                        "Accept: text/csv", "Content-Length: 41", body="select surname, givenname, email limit 10"),
    METHOD, "QUERY request", "QUERY with a body", "either")
add("source-ice", req("source-ice", "SOURCE /music/sweet/music ICE/1.0"),
    METHOD, "SOURCE request with ICE", "ICE/1.0", "reject")
add("report", req("report", "REPORT /test HTTP/1.1"), METHOD, "REPORT request", "WebDAV REPORT", "normalise")

# --- uri.md ---
add("quotes-in-uri", req("quotes-in-uri", 'GET /with_"lovely"_quotes?foo=\\"bar\\" HTTP/1.1'),
    URI, "Quotes in URI", "DQUOTE and backslash in the target", "either")
add("query-question-mark", req("query-question-mark", "GET /test.cgi?foo=bar?baz HTTP/1.1"),
    URI, "Query URL with question mark", "? inside the query", "normalise", target="/test.cgi?foo=bar?baz")
add("absolute-query", req("absolute-query", "GET http://hypnotoad.org?hail=all HTTP/1.1"),
    URI, "Host terminated by a query string", "absolute-form, the query right after the authority", "normalise",
    target="/?hail=all", host="hypnotoad.org")
add("absolute-port-query", req("absolute-port-query", "GET http://hypnotoad.org:1234?hail=all HTTP/1.1"),
    URI, "`host:port` terminated by a query string", "absolute-form with a port and a query", "normalise",
    target="/?hail=all")
add("vertical-bar", req("vertical-bar", "GET /test.cgi?query=| HTTP/1.1"),
    URI, "Query URL with vertical bar character", "| in the query", "either")
add("absolute-port-only", req("absolute-port-only", "GET http://hypnotoad.org:1234 HTTP/1.1"),
    URI, "`host:port` terminated by a space", "absolute-form with no path", "normalise", target="/")
add("utf8-path", req("utf8-path", "GET /\xce\xb4\xc2\xb6/\xce\xb4t/pope?q=1 HTTP/1.1"),
    URI, "Disallow UTF-8 in URI path in strict mode", "raw UTF-8 in the target", "reject")
add("fragment", req("fragment", "GET /forums/1/topics/2375?page=1#posts-17408 HTTP/1.1"),
    URI, "Fragment in URI", "a fragment in the request target", "reject")
add("absolute-userinfo", req("absolute-userinfo", "GET http://a%12:b!&*$@hypnotoad.org:1234/toto HTTP/1.1"),
    URI, "`host:port` and basic auth", "userinfo in an absolute-form target", "reject")
add("space-in-uri", req("space-in-uri", "GET /foo bar/ HTTP/1.1"), URI, "Space in URI", "SP inside the target",
    "reject")

# --- sample.md ---
add("simple-options", req("simple-options", "OPTIONS /url HTTP/1.1", "Header1: Value1", "Header2:\t Value2"),
    SAMPLE, "Simple request", "TAB and SP before a value", "normalise")
add("dumbpack", req("dumbpack", "GET /dumbpack HTTP/1.1", "aaaaaaaaaaaaa:++++++++++"),
    SAMPLE, "DUMBPACK", "a value of plus signs, no OWS", "normalise")
add("prefix-newline", b"\r\n" + req("prefix-newline", "GET /test HTTP/1.1"),
    SAMPLE, "Prefix newline", "CRLF before the request line (may be ignored)", "either")
add("no-http-version", b"GET /\r\n\r\n", SAMPLE, "No HTTP version", "an HTTP/0.9 simple request", "reject")
add("folding-crlf", req("folding-crlf", "GET / HTTP/1.1", "Line1:   abc", "\tdef", " ghi", "\t\tjkl", "  mno ",
                        "\t \tqrs", "Line2: \t line2\t", "Line3:", " line3", "Line4: ", " "),
    SAMPLE, "Line folding in header value with CRLF", "obs-fold over several lines", "either")
add("folding-lf", ("GET / HTTP/1.1\r\nHost: localhost\r\nX-Test-Marker: llhttp.folding-lf\r\nLine1:   abc\n\tdef\n"
                   " ghi\n\t\tjkl\n  mno \n\t \tqrs\nLine2: \t line2\t\nLine3:\n line3\nLine4: \n \nConnection:\n close"
                   "\n\n").encode(),
    SAMPLE, "Line folding in header value with LF", "obs-fold with bare LF line ends", "reject")
add("no-lf-after-cr", b"GET / HTTP/1.1\rLine: 1\r\nHost: localhost\r\n\r\n",
    SAMPLE, "No LF after CR", "bare CR ends the request line", "reject")
add("extended-characters", req("extended-characters", "GET / HTTP/1.1", "Test: D\xc3\xbcsseldorf"),
    SAMPLE, "Extended Characters", "UTF-8 in a value (obs-text)", "normalise")
add("byte-255-in-value", req("byte-255-in-value", "OPTIONS /url HTTP/1.1", "Header1: Value1", "Header2: \xffValue2"),
    SAMPLE, "255 ASCII in header value", "0xFF in a value (obs-text)", "normalise")
add("x-ssl-nonsense", req("x-ssl-nonsense", "GET / HTTP/1.1", "X-SSL-Nonsense:   -----BEGIN CERTIFICATE-----",
                          "\tMIIFbTCCBFWgAwIBAgICH4cwDQYJKoZIhvcNAQEFBQAwcDELMAkGA1UEBhMCVUsx",
                          "\tETAPBgNVBAoTCGVTY2llbmNlMRIwEAYDVQQLEwlBdXRob3JpdHkxCzAJBgNVBAMT",
                          "\t-----END CERTIFICATE-----"),
    SAMPLE, "X-SSL-Nonsense", "a certificate folded over several lines", "either")
add("apache-bench-http10", req("apache-bench-http10", "GET /test HTTP/1.0", "User-Agent: ApacheBench/2.3",
                               "Accept: */*"),
    SAMPLE, "Apache bench GET", "plain HTTP/1.0 request", "normalise")
add("curl-host-equals", req("curl-host-equals", "GET /test HTTP/1.1",
                            "User-Agent: curl/7.18.0 (i486-pc-linux-gnu) libcurl/7.18.0", "Accept: */*",
                            host=False).replace(b"X-Test-Marker", b"Host: 0.0.0.0=5000\r\nX-Test-Marker"),
    SAMPLE, "curl GET", "a Host with `=` (a sub-delim: valid reg-name)", "either")
