"""Access log lines as certgate writes them (src/http/access_log.cpp, docs/operations.md "Logging"), text and
JSON, for the tests of `certgate report`: a Line is one request; text()/json() render it the way
AccessLog::format_text / format_json do, and drop_marker() the lines_dropped line."""
import datetime
import json as jsonlib
import os


def iso_time(t):
    """datetime (UTC) -> "2026-12-02T10:00:00.123Z"."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def _escaped(value, keep_space):
    out = []
    for b in value.encode("utf-8", "surrogateescape"):
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 < b < 0x7F or (c == " " and keep_space):
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def text_field(value):
    """log/escape.cpp text_field."""
    if value == "":
        return "-"
    quoted = value == "-" or any(c in value for c in ' "\\')
    inner = _escaped(value, quoted)
    return '"%s"' % inner if quoted else inner


class Line:
    def __init__(self, time, client="173.245.48.9:40000", host="www.example.com", status=200, substatus=0,
                 would_refuse="", reason="", fingerprint="9d6b43286231a578", sni=None, identity="edge",
                 mapping="cloudflare", verify="SUCCESS", method="GET", path="/", proto="h1"):
        self.time, self.client, self.host, self.status, self.substatus = time, client, host, status, substatus
        self.would_refuse, self.reason, self.fingerprint = would_refuse, reason, fingerprint
        self.sni = host if sni is None else sni
        self.identity, self.mapping, self.verify = identity, mapping, verify
        self.method, self.path, self.proto = method, path, proto
        self.request_id = os.urandom(16).hex()

    def status_text(self):
        return "%d.%d" % (self.status, self.substatus) if self.substatus else "%d" % self.status

    def upstream(self):
        return self.status if self.status < 400 or not self.substatus else 0

    def text(self):
        up = self.upstream()
        request = '"%s %s"' % (_escaped(self.method, False), _escaped(self.path, False))
        return (iso_time(self.time) + " " + text_field(self.client) + " sni=" + text_field(self.sni) + " host=" +
                text_field(self.host) + " " + request + " " + self.status_text() + " identity=" +
                text_field(self.identity) + " mapping=" + text_field(self.mapping) + " verify=" +
                text_field(self.verify) + " fp=" + text_field(self.fingerprint) + " upstream=" +
                (str(up) if up else "-") + " upstream_ms=" + ("4.2" if up else "-") + " upstream_addr=" +
                ("10.0.0.1:8080" if up else "-") + " bytes=1466 proto=" + self.proto +
                (" stream=1" if self.proto == "h2" else "") +
                (" would_refuse=" + text_field(self.would_refuse) if self.would_refuse else "") +
                " request_id=" + text_field(self.request_id) + " reason=" + text_field(self.reason))

    def json(self):
        up = self.upstream()
        fields = [("time", iso_time(self.time)), ("client", self.client), ("sni", self.sni), ("host", self.host),
                  ("method", self.method), ("path", self.path), ("status", self.status),
                  ("substatus", self.substatus), ("identity", self.identity), ("mapping", self.mapping),
                  ("verify", self.verify), ("reason", self.reason), ("would_refuse", self.would_refuse or None),
                  ("fingerprint", self.fingerprint), ("upstream_status", up), ("upstream_ms", 4.2 if up else None),
                  ("upstream_addr", "10.0.0.1:8080" if up else ""), ("bytes_sent", 1466), ("resumed", False),
                  ("chain_cached", False), ("proto", self.proto)]
        if self.proto == "h2":
            fields.append(("stream", 1))
        fields.append(("request_id", self.request_id))
        return jsonlib.dumps(dict(fields), separators=(",", ":"), ensure_ascii=False)


def refused_by_edge_ca(time, **kw):
    """A request report-only admitted that enforcing would refuse with 403.16 (an untrusted client certificate)."""
    kw.setdefault("fingerprint", "c0ffee0000000000000000000000000000000000000000000000000000000000")
    return Line(time, would_refuse="403.16", reason="unable to get local issuer certificate", identity="",
                mapping="", verify="FAILED:unable to get local issuer certificate", **kw)


def drop_marker(time, dropped, json=False):
    if json:
        return '{"time":"%s","event":"lines_dropped","dropped":%d}' % (iso_time(time), dropped)
    return "%s event=lines_dropped dropped=%d" % (iso_time(time), dropped)


def write_log(path, lines, json=False):
    """lines: Line objects or ready strings (drop markers, broken lines)."""
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else (line.json() if json else line.text())) + "\n")
    return path
