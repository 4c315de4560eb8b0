"""A corpus of raw HTTP/1.1 attack payloads: what a client sends after the TLS handshake, and the outcome class
a strict, RFC 9110/9112-conforming gateway must produce for it.

Each module holds the payloads drawn from one source; every payload names its source (project and
file/section) and what it tests. The facts come from those projects; the bytes are written here.

  llhttp.py          nodejs/llhttp test/request/*.md (what a strict parser accepts and refuses)
  smuggler.py        defparam/smuggler configs/*.py (Transfer-Encoding mutations)
  portswigger.py     PortSwigger/http-request-smuggler src/burp/*.java (TE/CL permutations, funky chunks,
                     parser discrepancies)
  http_garden.py     narfindustries/http-garden TROPHIES.md (server and transducer findings)
  certgate_rules.py  the gateway's own rules: identity headers, Host, request line, Expect, Upgrade,
                     Connection, pipelining

Expected classes (see harness/corpus_runner.py for how outcomes are classified):
  reject     the gateway itself answers 4xx (or 501/505) and nothing complete reaches the origin
  normalise  the payload's `requests` legitimate requests reach the origin, cleanly framed, with only the
             gateway's identity headers, and their responses come back
  either     both are acceptable (the RFC or the rules leave the choice to the gateway)

Conventions: `Host: localhost` (the gateway's default host); every request carries `X-Test-Marker: <name>`
(the origin echoes it); SMUGGLED is the request an attack tries to hide in a body: a request for /smuggled with
a forged identity. A body that is opaque to a strict reading may contain it; the origin must never see it as a
request.
"""
import importlib

EXPECTS = ("reject", "normalise", "either")
MODULES = ("llhttp", "smuggler", "portswigger", "http_garden", "certgate_rules")
CHECK_KEYS = ("target", "host", "body", "absent", "no_interim")

CRLF = b"\r\n"
SMUGGLED = (b"GET /smuggled HTTP/1.1\r\nHost: localhost\r\nX-Client-Identity: admin\r\n"
            b"X-Test-Marker: smuggled\r\n\r\n")


class Payload:
    """name: unique and readable; raw: the bytes sent; source: "project file/section"; tests: what it tests;
    expect: reject / normalise / either; requests: the numbers of requests a strict gateway may legitimately
    forward (for normalise); checks: what the origin must have received for normalise (target, host, body,
    absent header names, no_interim: no 1xx to the client)."""

    __slots__ = ("name", "raw", "source", "tests", "expect", "requests", "checks")

    def __init__(self, name, raw, source, tests, expect, requests=1, **checks):
        self.name, self.raw, self.source, self.tests, self.expect = name, raw, source, tests, expect
        self.requests = tuple(requests) if isinstance(requests, (tuple, list)) else (requests,)
        self.checks = checks

    def __repr__(self):
        return "Payload(%s, %s)" % (self.name, self.expect)


def b(text):
    """Bytes of a str (latin-1: every code point below 256 is one byte) or bytes as they are."""
    return text if isinstance(text, bytes) else text.encode("latin-1")


def lines(*parts, body=b""):
    """Joins a request line and header lines with CRLF, ends the head with an empty line, appends body."""
    return CRLF.join(b(p) for p in parts) + CRLF + CRLF + b(body)


def request(name, *headers, method="POST", target=None, version="HTTP/1.1", body=b"", host=True, first=()):
    """One request: `first` header lines right after the request line, then Host: localhost and the marker,
    then `headers`, then `body` (its length is not added: framing is each payload's business)."""
    head = ["%s %s %s" % (method, target or "/" + name.replace(".", "/"), version)]
    head += list(first)
    if host:
        head.append("Host: localhost")
    head.append("X-Test-Marker: %s" % name)
    head += list(headers)
    return lines(*head, body=body)


def cl(body):
    return "Content-Length: %d" % len(b(body))


def chunk(data):
    data = b(data)
    return b"%x\r\n" % len(data) + data + CRLF


def chunked(*datas, trailer=b""):
    """A valid chunked body of the given chunks, then the last chunk and the trailer section."""
    return b"".join(chunk(d) for d in datas) + b"0\r\n" + b(trailer) + CRLF


def load():
    """Every payload of every module, checked: unique names, known classes and check names."""
    payloads, seen = [], set()
    for module in MODULES:
        mod = importlib.import_module("corpus." + module)
        for p in mod.PAYLOADS:
            if p.name in seen:
                raise ValueError("duplicate payload name %s" % p.name)
            if p.expect not in EXPECTS:
                raise ValueError("%s: unknown expected class %r" % (p.name, p.expect))
            if not p.source or not p.tests:
                raise ValueError("%s: source and tests are required" % p.name)
            unknown = set(p.checks) - set(CHECK_KEYS)
            if unknown:
                raise ValueError("%s: unknown checks %s" % (p.name, sorted(unknown)))
            if not all(isinstance(n, int) and n >= 1 for n in p.requests):
                raise ValueError("%s: requests must be counts >= 1" % p.name)
            seen.add(p.name)
            payloads.append(p)
    return payloads
