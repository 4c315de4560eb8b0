"""Sends corpus payloads (tests/e2e/corpus) through a gateway over TLS and classifies what happened, from what
the client got back and what the recording origin (harness/raw_origin.py) saw during that payload only.

For each payload: a new TLS connection with the `edge` client certificate, the raw bytes in one write, the
responses read (bounded: until the connection closes, the expected responses are in, or nothing arrives for a
while); then a clean follow-up request with a fresh X-Test-Marker on the same connection when it is still open
(it also acts as a barrier: anything answered before it on that connection is extra), and one on a new
connection. Outcome classes:

  rejected    the gateway answered a 4xx (or 501/505) itself and no complete request of the payload reached the
              origin (a request the gateway abandoned mid-body, with the upstream connection closed, may have)
  normalised  the payload's legitimate requests (payload.requests) reached the origin, each with unambiguous
              framing and only the gateway's own identity headers, and their responses reached this client
  smuggled    more requests of the payload reached the origin than it contains, or any request for /smuggled
  forged      a reserved header reached the origin under any spelling with a value the gateway did not vouch for
              (or one the gateway vouches for is missing or doubled)
  ambiguous   the origin recorded an ambiguity in what it received
  crossed     a follow-up got a response that is not its own
  crash       the gateway process died
  error       anything else (detail says what)
"""
import json
import re
import socket
import ssl
import time

from harness.raw_origin import RESERVED, fold

FAILURES = ("smuggled", "forged", "ambiguous", "crossed", "crash", "error")
CLASSES = ("rejected", "normalised") + FAILURES
ACCEPTED = {"reject": ("rejected",), "normalise": ("normalised",), "either": ("rejected", "normalised")}

# Waits (seconds). Loopback answers take milliseconds; these only bound what never comes.
FIRST_IDLE = 1.0    # payload connection: nothing more arrives for this long -> stop reading
AFTER_REFUSAL = 0.3  # after a 4xx/5xx: how long to wait for the gateway to close
FOLLOWUP_IDLE = 1.0  # same-connection follow-up
NEW_FOLLOWUP = 5.0   # new-connection follow-up (must be answered)
CAP = 4.0            # no phase reads longer than this
SEND_TIMEOUT = 5.0   # a gateway that stops reading
CLIENT_IP = "127.0.0.1"


# --- what the gateway vouches for ---

class IdentityPolicy:
    """The reserved headers a gateway sends upstream: `exact` {spelling: value} (exactly one field each),
    X-Forwarded-For (last element the client address; `xff_single`: exactly one field, else the fields are
    one list), and `absent` names. Every reserved name must be covered. A field whose name folds to a
    reserved one but is spelled otherwise than the gateway's own (X_Client_Identity) is forged; letter case
    is not spelling (field names are case-insensitive, and HAProxy sends them in lower case)."""

    def __init__(self, exact, absent, xff_single=True, xff_spelling="X-Forwarded-For"):
        self.exact = {fold(k): (k, v) for k, v in exact.items()}
        self.absent = {fold(k): k for k in absent}
        self.xff = (fold(xff_spelling), xff_spelling) if xff_spelling else (None, None)
        self.xff_single = xff_single
        covered = set(self.exact) | set(self.absent) | {self.xff[0]}
        missing = set(RESERVED) - covered
        if missing:
            raise ValueError("identity policy does not cover %s" % sorted(missing))

    def spelling(self, folded):
        if folded in self.exact:
            return self.exact[folded][0]
        if folded == self.xff[0]:
            return self.xff[1]
        return self.absent[folded]

    def problems(self, rec):
        """What is wrong with the reserved headers of one origin record (empty: nothing)."""
        if not rec.get("parsed"):
            return []
        out = []
        groups = {}
        for name, value in rec["headers"]:
            f = fold(name)
            if f in RESERVED:
                groups.setdefault(f, []).append((name, value.strip(" \t")))
        for name, value in rec.get("trailers", []):
            if fold(name) in RESERVED:
                out.append("%s: %s in the trailer section" % (name, value.strip(" \t")[:60]))
        for f in RESERVED:
            fields = groups.get(f, [])
            own = self.spelling(f)
            values = []
            for name, value in fields:
                if name.lower() != own.lower():
                    out.append("%s: %s (the gateway's name is %s)" % (name, value[:60], own))
                else:
                    values.append(value)
            if f in self.exact:
                want = self.exact[f][1]
                if values != [want]:
                    out.append("%s: %r, expected exactly [%r]" % (own, [v[:60] for v in values], want[:60]))
            elif f == self.xff[0]:
                if not values:
                    out.append("%s missing" % own)
                elif self.xff_single and len(values) != 1:
                    out.append("%d %s fields: %r" % (len(values), own, values))
                else:
                    last = ",".join(values).split(",")[-1].strip(" \t")
                    if last != CLIENT_IP:
                        out.append("%s %r does not end with %s" % (own, values, CLIENT_IP))
            elif values:
                out.append("%s: %r" % (own, [v[:60] for v in values]))
        return out


def certgate_policy(facts):
    """certgate with the e2e base configuration (harness/gateway.py base_config) and the `edge` certificate
    (facts: harness/checks.py cert_facts)."""
    return IdentityPolicy(
        exact={"X-Client-Verify": "SUCCESS", "X-Client-Identity": "edge-user", "X-Client-Mapping": "edge",
               "X-Client-Cert-Subject": facts["subject"], "X-Client-Cert-Issuer": facts["issuer"],
               "X-Client-Cert-Fingerprint": facts["fingerprint"], "X-Client-Cert-Serial": facts["serial"],
               "Client-Cert": facts["client_cert"], "X-Forwarded-Proto": "https", "X-Real-IP": CLIENT_IP},
        absent=["Client-Cert-Chain", "X-Forwarded-Host", "Forwarded"])


def nothing_vouched():
    """A gateway that sets no reserved header: every one of them must be absent."""
    return IdentityPolicy(exact={}, absent=[n.title() for n in RESERVED], xff_spelling=None)


class Target:
    """A gateway under test: where it listens, what it vouches for, whether its process lives."""

    def __init__(self, name, port, policy, alive, restart=None):
        self.name, self.port, self.policy, self.alive, self.restart = name, port, policy, alive, restart


# --- the client side ---

class Response:
    def __init__(self, version, status, reason, headers, body, complete=True):
        self.version, self.status, self.reason, self.headers, self.body = version, status, reason, headers, body
        self.complete = complete

    def header(self, name):
        return [v for n, v in self.headers if n == name]

    def echo(self):
        """The origin's JSON for a 2xx response, or None."""
        if not 200 <= self.status < 300:
            return None
        try:
            obj = json.loads(self.body)
        except ValueError:
            return None
        return obj if isinstance(obj, dict) and "seq" in obj else None

    def origin_seq(self):
        """The origin's sequence number in the body (its 200 and 400 answers carry one), or None."""
        try:
            obj = json.loads(self.body)
        except ValueError:
            return None
        return obj.get("seq") if isinstance(obj, dict) else None

    def short(self):
        e = self.echo()
        if e:
            return "%d(#%s %s)" % (self.status, e.get("seq"), e.get("marker"))
        return "%d%s" % (self.status, "" if self.complete else "(truncated)")


class ResponseParser:
    """HTTP/1.x responses from a byte stream; 1xx interim responses are counted and skipped."""

    def __init__(self):
        self.buf = bytearray()
        self.responses = []
        self.interim = 0
        self.error = None
        self._cur = None

    def feed(self, data):
        self.buf += data
        self._parse()

    def eof(self):
        if self._cur is not None and self._cur["mode"] == "close":
            self._finish(bytes(self.buf))
            self.buf.clear()
        elif self._cur is not None:
            self.responses.append(Response(*self._cur["head"], bytes(self.buf), complete=False))
            self._cur = None
            self.buf.clear()
        elif self.buf.strip():
            self.error = self.error or "bytes that are not a response: %r" % bytes(self.buf[:80])

    def _finish(self, body):
        self.responses.append(Response(*self._cur["head"], body))
        self._cur = None

    def _parse(self):
        while self.error is None:
            if self._cur is None:
                i = self.buf.find(b"\r\n\r\n")
                if i < 0:
                    if len(self.buf) > 65536:
                        self.error = "response head larger than 64 KiB"
                    if not b"HTTP/1.".startswith(bytes(self.buf[:7])):
                        self.error = "bytes that are not a response: %r" % bytes(self.buf[:80])
                    return
                head = bytes(self.buf[:i])
                del self.buf[:i + 4]
                lines = head.split(b"\r\n")
                m = re.match(rb"HTTP/(1\.[01]) ([0-9]{3})(?: (.*))?$", lines[0])
                if not m:
                    self.error = "not an HTTP/1.x status line: %r" % lines[0][:80]
                    return
                status = int(m.group(2))
                headers = []
                for line in lines[1:]:
                    n, _, v = line.partition(b":")
                    headers.append((n.strip().decode("latin-1").lower(), v.strip().decode("latin-1")))
                if 100 <= status < 200:
                    self.interim += 1
                    continue
                cur = {"head": (m.group(1).decode(), status, (m.group(3) or b"").decode("latin-1"), headers)}
                te = [v for n, v in headers if n == "transfer-encoding"]
                cl = [v for n, v in headers if n == "content-length"]
                if status in (204, 304):
                    cur["mode"], cur["length"] = "length", 0
                elif te and te[-1].lower().endswith("chunked"):
                    cur["mode"] = "chunked"
                elif cl and cl[0].isdigit():
                    cur["mode"], cur["length"] = "length", int(cl[0])
                else:
                    cur["mode"] = "close"
                self._cur = cur
            mode = self._cur["mode"]
            if mode == "length":
                n = self._cur["length"]
                if len(self.buf) < n:
                    return
                body = bytes(self.buf[:n])
                del self.buf[:n]
                self._finish(body)
            elif mode == "chunked":
                done = _dechunk(bytes(self.buf))
                if done is None:
                    return
                body, used = done
                del self.buf[:used]
                self._finish(body)
            else:
                return  # ends at close


def _dechunk(data):
    """(body, bytes used) of a complete chunked body at the start of data, or None when incomplete."""
    out, pos = b"", 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return None
        try:
            size = int(data[pos:end].split(b";")[0].strip() or b"x", 16)
        except ValueError:
            return out, len(data)  # not chunked after all: take what there is
        pos = end + 2
        if size == 0:
            end = data.find(b"\r\n\r\n", pos - 2)
            return (out, end + 4) if end >= 0 else None
        if len(data) < pos + size + 2:
            return None
        out += data[pos:pos + size]
        pos += size + 2


def client_context(pki, cert="edge"):
    ctx = ssl.create_default_context(cafile=pki.pem("ca"))
    ctx.load_cert_chain(pki.pem(cert), pki.key(cert))
    return ctx


def _connect(target, ctx, timeout=5.0):
    raw = socket.create_connection(("127.0.0.1", target.port), timeout=timeout)
    try:
        return ctx.wrap_socket(raw, server_hostname="localhost")
    except BaseException:
        raw.close()
        raise


def _pump(sock, parser, done, idle, cap):
    """Reads into parser until done() (-> "done"), the peer closes ("closed") or nothing arrives for `idle`
    seconds / `cap` seconds pass ("idle")."""
    start = last = time.monotonic()
    while True:
        if done():
            return "done"
        if parser.error:
            return "garbled"
        remaining = min(last + idle, start + cap) - time.monotonic()
        if remaining <= 0:
            return "idle"
        sock.settimeout(remaining)
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except (ssl.SSLError, OSError):
            parser.eof()
            return "closed"
        if not data:
            parser.eof()
            return "closed"
        parser.feed(data)
        last = time.monotonic()


def _close(sock):
    try:
        sock.close()
    except OSError:
        pass


def followup_request(path, marker):
    return ("GET %s HTTP/1.1\r\nHost: localhost\r\nX-Test-Marker: %s\r\n\r\n" % (path, marker)).encode()


class Outcome:
    def __init__(self, payload, server):
        self.payload, self.server = payload, server
        self.cls, self.detail = None, ""
        self.responses = []        # final responses on the payload connection, before the follow-up's
        self.records = []          # origin records during this payload (follow-ups included)
        self.notes = []
        self.interim = 0           # 1xx responses the client got on the payload connection

    @property
    def failure(self):
        return self.cls in FAILURES

    @property
    def as_expected(self):
        return self.cls in ACCEPTED[self.payload.expect]

    def summary(self):
        recs = ["#%s %s %s%s%s" % (r.get("seq"), r.get("method"), (r.get("target") or "")[:40],
                                   "" if r.get("complete") else " (incomplete)",
                                   " " + "; ".join(r["ambiguities"])[:160] if r["ambiguities"] else "")
                for r in self.records if not r.get("followup")]
        return "%s: %s%s | client: %s | origin: %s%s" % (
            self.payload.name, self.cls, " (%s)" % self.detail if self.detail else "",
            " ".join(x.short() for x in self.responses) or "-", ", ".join(recs) or "-",
            "".join(" | " + n for n in self.notes))


class Runner:
    """Runs payloads through one target, recording into one origin."""

    def __init__(self, target, origin, pki):
        self.target, self.origin = target, origin
        self.ctx = client_context(pki)
        self.count = 0

    def run_all(self, payloads, progress=None):
        outcomes = []
        for p in payloads:
            o = self.run(p)
            outcomes.append(o)
            if progress:
                progress(o)
            if o.cls == "crash" and self.target.restart and not self.target.alive():
                self.target.restart()
        return outcomes

    def run(self, payload):
        self.count += 1
        n = self.count
        out = Outcome(payload, self.target.name)
        mark = self.origin.mark()
        tag = "fu-%s-%d" % (self.target.name, n)
        same = {"path": "/follow-up/%d/same" % n, "marker": tag + "-same", "response": None, "sent": False}
        new = {"path": "/follow-up/%d/new" % n, "marker": tag + "-new", "response": None}
        parser = ResponseParser()
        state = self._payload_connection(payload, parser, same, out)
        out.responses = list(parser.responses)
        out.interim = parser.interim
        if parser.error:
            out.notes.append(parser.error)
        # The new-connection follow-up: the barrier after which this payload's records are complete.
        new["response"] = self._new_connection_followup(new, out)
        out.records = self.origin.records_since(mark)
        for r in out.records:
            r["followup"] = (r.get("target") in (same["path"], new["path"])
                             and _marker(r) in (same["marker"], new["marker"]) and not r["ambiguities"])
        self._classify(out, payload, same, new, state)
        self._isolate(out, parser, same, new)
        return out

    def _payload_connection(self, payload, parser, same, out):
        """Sends the payload, reads the answers, then the same-connection follow-up when the connection is
        still open. The follow-up's answer is taken out of parser.responses; what remains came before it.
        Returns how the connection ended: "closed", "idle" (open, nothing more came) or "garbled"."""
        try:
            sock = _connect(self.target, self.ctx)
        except (OSError, ssl.SSLError) as e:
            out.notes.append("TLS connection failed: %s" % e)
            return "closed"
        try:
            try:
                sock.settimeout(SEND_TIMEOUT)
                sock.sendall(payload.raw)
            except (OSError, ssl.SSLError) as e:
                out.notes.append("send stopped: %s" % e)
            want = max(payload.requests)

            def answered():
                finals = parser.responses
                return any(r.status >= 400 for r in finals) or len(finals) >= want

            state = _pump(sock, parser, answered, FIRST_IDLE, CAP)
            if state == "done" and any(r.status >= 400 for r in parser.responses):
                state = _pump(sock, parser, lambda: False, AFTER_REFUSAL, AFTER_REFUSAL)
            if state not in ("done", "idle"):
                return state
            before = len(parser.responses)
            try:
                sock.settimeout(SEND_TIMEOUT)
                sock.sendall(followup_request(same["path"], same["marker"]))
                same["sent"] = True
            except (OSError, ssl.SSLError):
                return "closed"

            def mine(r):
                return (r.echo() or {}).get("marker") == same["marker"]

            state = _pump(sock, parser, lambda: any(mine(r) for r in parser.responses), FOLLOWUP_IDLE, CAP)
            for i, r in enumerate(parser.responses[before:], before):
                if mine(r):
                    same["response"] = r
                    del parser.responses[i]
                    break
            if same["response"] is None and state == "done":
                state = "idle"
            same["state"] = state
            return state
        finally:
            _close(sock)

    def _new_connection_followup(self, new, out):
        try:
            sock = _connect(self.target, self.ctx)
        except (OSError, ssl.SSLError) as e:
            out.notes.append("new-connection follow-up failed: %s" % e)
            return None
        try:
            parser = ResponseParser()
            sock.sendall(followup_request(new["path"], new["marker"]))
            _pump(sock, parser, lambda: bool(parser.responses), NEW_FOLLOWUP, NEW_FOLLOWUP)
            return parser.responses[0] if parser.responses else None
        except (OSError, ssl.SSLError) as e:
            out.notes.append("new-connection follow-up failed: %s" % e)
            return None
        finally:
            _close(sock)

    def _isolate(self, out, parser, same, new):
        """Whatever this payload left on the gateway's upstream connections (an unanswered request, an extra
        response, half a body) must not be blamed on the next payload: close them from the origin's side,
        and restart the gateway when an origin answer reached no client (it may still sit in a buffer of a
        pooled connection)."""
        delivered = {r.origin_seq() for r in parser.responses + [same["response"], new["response"]] if r}
        stranded = [r["seq"] for r in out.records if r.get("status") and r["seq"] not in delivered]
        if stranded:
            out.notes.append("origin answers that reached no client: %s" % ", ".join("#%d" % s for s in stranded))
        if out.failure or stranded or any(not r.get("complete") for r in out.records):
            self.origin.drop_connections()
            if stranded and self.target.restart:
                self.target.restart()
            time.sleep(0.02)

    def _classify(self, out, payload, same, new, state):
        recs = out.records
        mine = [r for r in recs if not r["followup"]]
        complete = [r for r in mine if r.get("parsed") and r.get("complete")]

        def result(cls, detail=""):
            out.cls, out.detail = cls, detail
            return out

        if not self.target.alive():
            return result("crash", "the gateway process exited")
        smuggled = [r for r in recs if re.search(r"(^|/)smuggled", _path(r.get("target") or ""))]
        if smuggled:
            return result("smuggled", "origin received %s %s" % (smuggled[0]["method"], smuggled[0]["target"]))
        if len(complete) > max(payload.requests):
            return result("smuggled", "origin received %d requests, the payload contains %s"
                          % (len(complete), "/".join(map(str, payload.requests))))
        for r in recs:
            problems = self.target.policy.problems(r)
            if problems:
                return result("forged", "#%s %s: %s" % (r["seq"], r.get("target"), "; ".join(problems)))
        for r in recs:
            if r["ambiguities"]:
                return result("ambiguous", "#%s: %s" % (r["seq"], "; ".join(r["ambiguities"])))
        for fu, where in ((same, "same connection"), (new, "new connection")):
            resp = fu["response"]
            if resp is None:
                continue
            echo = resp.echo()
            own = [r for r in recs if r["followup"] and _marker(r) == fu["marker"]]
            if echo is not None and (echo.get("marker") != fu["marker"] or not own
                                     or echo.get("seq") != own[0]["seq"]):
                return result("crossed", "follow-up on the %s got the response to #%s (%s)"
                              % (where, echo.get("seq"), echo.get("marker")))
        for r in out.responses:
            echo = r.echo()
            if echo is not None and echo.get("seq") not in [x["seq"] for x in recs]:
                return result("crossed", "the payload connection got the response to #%s (%s), not from this "
                                         "payload" % (echo.get("seq"), echo.get("marker")))
        if new["response"] is None or new["response"].status != 200 or new["response"].echo() is None:
            return result("error", "follow-up on a new connection: %s" % (
                new["response"].short() if new["response"] else "no response"))
        if same["sent"] and same["response"] is None and same.get("state") != "closed":
            return result("error", "follow-up on the payload's connection unanswered, connection open "
                                   "(the gateway is still reading the payload)")
        finals = out.responses
        if not finals:
            return result("error", "no response (%s)%s" % (
                "connection closed" if state == "closed" else "connection left open",
                "; origin saw %d request(s)" % len(mine) if mine else ""))
        first = finals[0]
        if not complete:
            if 400 <= first.status < 500 or first.status in (501, 505):
                aborted = [r for r in mine if r.get("parsed")]
                return result("rejected", "%d%s" % (first.status, ", after the origin saw the head of #%s"
                                                    % aborted[0]["seq"] if aborted else ""))
            return result("error", "gateway answered %s and nothing complete reached the origin" % first.short())
        ok = [r for r in finals if 200 <= r.status < 300]
        seqs = [(r.echo() or {}).get("seq") for r in ok]
        if len(complete) not in payload.requests:
            return result("error", "%d request(s) reached the origin, the payload contains %s; client got %s"
                          % (len(complete), "/".join(map(str, payload.requests)), " ".join(x.short() for x in finals)))
        if seqs != [r["seq"] for r in complete]:
            return result("error", "responses %s do not match the origin's requests %s" % (
                " ".join(x.short() for x in finals), [r["seq"] for r in complete]))
        trailing = finals[len(ok):]
        if finals[:len(ok)] != ok or any(not 400 <= r.status < 500 for r in trailing):
            return result("error", "unexpected responses: %s" % " ".join(x.short() for x in finals))
        problem = _check(payload, complete, out.interim)
        if problem:
            return result("error", problem)
        return result("normalised", "%d request(s)%s" % (len(complete), ", then %d" % trailing[0].status
                                                         if trailing else ""))


def _marker(rec):
    for n, v in rec.get("headers", []):
        if n.lower() == "x-test-marker":
            return v.strip(" \t")
    return None


def _path(target):
    if target.lower().startswith(("http://", "https://")):
        rest = target.split("//", 1)[1]
        target = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return target.split("?", 1)[0]


def _check(payload, complete, interim):
    """The payload's own checks on what the origin received and the client got (payload.checks), or None."""
    checks = payload.checks
    first = complete[0]
    if checks.get("no_interim") and interim:
        return "%d interim (1xx) response(s) sent to the client" % interim
    if "target" in checks and first["target"] != checks["target"]:
        return "origin received target %r, expected %r" % (first["target"], checks["target"])
    if "host" in checks:
        hosts = [v.strip(" \t") for n, v in first["headers"] if n.lower() == "host"]
        if [h.lower() for h in hosts] != [checks["host"].lower()]:
            return "origin received Host %r, expected %r" % (hosts, checks["host"])
    if "body" in checks and first["body"] != checks["body"]:
        return "origin received body %r, expected %r" % (first["body"][:80], checks["body"][:80])
    for name in checks.get("absent", ()):
        for r in complete:
            if any(n.lower() == name.lower() for n, _ in r["headers"]):
                return "origin received %s" % name
    return None


def summarise(outcomes):
    """{class: count} in CLASSES order."""
    counts = {c: 0 for c in CLASSES}
    for o in outcomes:
        counts[o.cls] += 1
    return counts


def clean_payload(name):
    """A plain request every gateway must proxy: the sanity check of a gateway's setup and of this harness."""
    from corpus import Payload
    raw = ("GET /clean HTTP/1.1\r\nHost: localhost\r\nX-Test-Marker: %s\r\n\r\n" % name).encode()
    return Payload(name, raw, "this harness", "a plain request is proxied", "normalise", target="/clean")


def write_outcomes(path, outcomes):
    """One line per payload: name, expected, outcome, detail, what the client and the origin saw."""
    with open(path, "w") as f:
        for o in outcomes:
            f.write("%-9s %s\n" % (o.payload.expect, o.summary()))
