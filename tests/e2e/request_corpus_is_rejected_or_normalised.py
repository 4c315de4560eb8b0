#!/usr/bin/env python3
"""Every payload of the request-smuggling corpus (tests/e2e/corpus: llhttp, smuggler, http-request-smuggler,
http-garden and certgate's own rules), sent through certgate over TLS to a strict recording origin, ends as
its expected class: rejected by certgate itself, or normalised (the legitimate requests reach the origin
unambiguously framed, with only certgate's identity headers, and their answers come back). No payload may be
smuggled, forged, ambiguous or crossed, or crash the gateway.

Before the corpus, two checks of the harness itself: the origin flags what it must flag, and a relay that
forwards bytes unchanged is caught."""
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus
from harness import corpus_gateways
from harness.checks import cert_facts
from harness.common import check, check_eq, fail, pki, run_test, workdir
from harness.corpus_runner import (CLASSES, FAILURES, Runner, Target, clean_payload, nothing_vouched, summarise,
                                   write_outcomes)
from harness.raw_origin import RawOrigin
from harness.raw_relay import RawRelay


def origin_flags(origin, raw):
    """Sends raw bytes straight to the origin (no gateway); returns the records they made."""
    mark = origin.mark()
    with socket.create_connection(("127.0.0.1", origin.port), timeout=5) as s:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(5)
        while s.recv(65536):
            pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and origin.connections_open():
        time.sleep(0.01)
    return origin.records_since(mark)


def check_origin(origin):
    recs = origin_flags(origin, b"GET /a HTTP/1.1\r\nHost: localhost\r\nX-Test-Marker: m\r\n\r\n")
    check(len(recs) == 1 and recs[0]["complete"] and not recs[0]["ambiguities"],
          "origin: a clean request is recorded without ambiguity: %r" % recs)
    for raw, what in ((b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
                       b"\r\n\r\n0\r\n\r\n", "Content-Length and Transfer-Encoding"),
                      (b"GET / HTTP/1.1\r\nHost: localhost\r\nX: a\r\n b\r\n\r\n", "obs-fold"),
                      (b"GET / HTTP/1.1\nHost: localhost\n\n", "bare LF"),
                      (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "Host fields"),
                      (b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", "chunk"),
                      (b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\nJUNK\r\n\r\n", "request line")):
        recs = origin_flags(origin, raw)
        check(any(what in a for r in recs for a in r["ambiguities"]),
              "origin: %r must be flagged (%s): %r" % (raw, what, recs))


def check_relay_is_caught(p, origin):
    """A TLS relay that forwards bytes unchanged and vouches for nothing fails the corpus checks."""
    head = "GET /relay HTTP/1.1\r\nHost: localhost\r\nX-Test-Marker: relay\r\n"
    cases = (
        ("ambiguous", head.replace("GET", "POST") + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("forged", head + "X-Client-Identity: admin\r\n\r\n"),
        ("smuggled", head + "\r\n" + corpus.SMUGGLED.decode()),
    )
    relay = RawRelay(p, origin.port)
    try:
        runner = Runner(Target("raw-relay", relay.port, nothing_vouched(), alive=relay.alive), origin, p)
        for cls, raw in cases:
            o = runner.run(corpus.Payload("relay-" + cls, raw.encode(), "this test", "harness check", "reject"))
            check_eq(o.cls, cls, "outcome through a byte relay (%s)" % o.summary())
    finally:
        relay.close()


def main():
    p = pki()
    payloads = corpus.load()
    sources = {x.name.split(".")[0] for x in payloads}
    check(len(payloads) >= 200, "the corpus has %d payloads, at least 200 expected" % len(payloads))
    check_eq(sorted(sources), ["certgate", "http-garden", "llhttp", "portswigger", "smuggler"], "payload sources")
    facts = cert_facts(p.pem("edge"))
    started = time.monotonic()
    with RawOrigin() as origin:
        check_origin(origin)
        check_relay_is_caught(p, origin)
        target = corpus_gateways.certgate(p, origin, facts)
        runner = Runner(target, origin, p)
        clean = runner.run(clean_payload("clean-before"))
        check_eq(clean.cls, "normalised", "a clean request through certgate (%s)" % clean.summary())
        outcomes = runner.run_all(payloads)
        clean = runner.run(clean_payload("clean-after"))
        check_eq(clean.cls, "normalised", "a clean request after the corpus (%s)" % clean.summary())
        target.stop()
        origin.dump(os.path.join(workdir(), "origin-records.json"))
    write_outcomes(os.path.join(workdir(), "outcomes.txt"), outcomes)

    counts = summarise(outcomes)
    print("%d payloads in %.1f s" % (len(outcomes), time.monotonic() - started))
    print("  ".join("%s %d" % (c, counts[c]) for c in CLASSES))
    for expect in corpus.EXPECTS:
        mine = [o for o in outcomes if o.payload.expect == expect]
        got = summarise(mine)
        print("  expected %-9s (%3d): %s" % (expect, len(mine), ", ".join("%s %d" % (c, n) for c, n in got.items()
                                                                           if n)))
    bad = [o for o in outcomes if o.failure or not o.as_expected]
    if bad:
        lines = ["%d of %d payloads did not end as expected:" % (len(bad), len(outcomes))]
        for cls in CLASSES:
            group = [o for o in bad if o.cls == cls]
            if group:
                lines.append("[%s%s] %d" % (cls, "" if cls in FAILURES else ", not the expected class", len(group)))
                lines.extend("  expected %s: %s" % (o.payload.expect, o.summary()) for o in group)
        lines.append("every outcome: %s" % os.path.join(workdir(), "outcomes.txt"))
        fail("\n".join(lines))


if __name__ == "__main__":
    run_test(main)
