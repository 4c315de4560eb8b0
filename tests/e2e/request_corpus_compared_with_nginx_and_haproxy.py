#!/usr/bin/env python3
"""The request-smuggling corpus (tests/e2e/corpus) through certgate, Debian's nginx and HAProxy, each
terminating TLS with client-certificate verification against the same CA and proxying to its own strict
recording origin over kept-alive upstream connections, each passing identity headers from the certificate
(harness/corpus_gateways.py). Writes a Markdown table: the count of each outcome class per server, then one
row per payload where the servers' outcomes differ, to $CERTGATE_CORPUS_TABLE (default: the scratch
directory; the path is printed).

Asserted: every server proxies a clean request correctly (a broken peer setup fails the test), and certgate
has no failure outcome. The peers' outcomes are recorded, not asserted."""
import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus
from harness import corpus_gateways
from harness.checks import cert_facts
from harness.common import check, fail, keep_workdir, pki, run_test, workdir
from harness.corpus_runner import CLASSES, FAILURES, Runner, clean_payload, summarise, write_outcomes
from harness.raw_origin import RawOrigin

SERVERS = (("certgate", corpus_gateways.certgate), ("nginx", corpus_gateways.nginx),
           ("HAProxy", corpus_gateways.haproxy))


def _cell(o):
    return o.cls + (" (%s)" % o.detail[:90].replace("|", "/") if o.detail and o.cls not in ("rejected",) else "")


def table(payloads, results):
    names = [n for n, _ in SERVERS]
    out = ["# Request corpus: certgate, nginx, HAProxy", "",
           "%d payloads (tests/e2e/corpus), each sent over TLS with the edge client certificate; outcome classes "
           "as in tests/e2e/harness/corpus_runner.py." % len(payloads), "",
           "| outcome | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    counts = {n: summarise(results[n]) for n in names}
    for cls in CLASSES:
        out.append("| %s | %s |" % (cls, " | ".join(str(counts[n][cls]) for n in names)))
    for label, pred in (("failures", lambda o: o.failure), ("not as expected", lambda o: not o.as_expected)):
        out.append("| *%s* | %s |" % (label, " | ".join(str(sum(1 for o in results[n] if pred(o))) for n in names)))
    out += ["", "## Payloads where the outcomes differ", "",
            "| payload | expected | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for i, p in enumerate(payloads):
        row = [results[n][i] for n in names]
        if len({o.cls for o in row}) > 1:
            out.append("| %s | %s | %s |" % (p.name, p.expect, " | ".join(_cell(o) for o in row)))
    return "\n".join(out) + "\n"


def main():
    p = pki()
    payloads = corpus.load()
    facts = cert_facts(p.pem("edge"))
    started = time.monotonic()
    results, errors = {}, {}
    origins = {name: RawOrigin(name="origin-" + name) for name, _ in SERVERS}
    try:
        targets = {name: start(p, origins[name], facts) for name, start in SERVERS}
        for name, target in targets.items():
            clean = Runner(target, origins[name], p).run(clean_payload("clean-" + name))
            check(clean.cls == "normalised", "%s does not proxy a clean request: %s" % (name, clean.summary()))

        def run(name):
            try:
                results[name] = Runner(targets[name], origins[name], p).run_all(payloads)
            except BaseException as e:  # reported below, with the others' results
                errors[name] = e

        threads = [threading.Thread(target=run, args=(name,), name="corpus-" + name) for name, _ in SERVERS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        check(not errors, "the corpus run failed: %r" % errors)
        check(all(n in results for n, _ in SERVERS), "a corpus run did not finish")
        for name, target in targets.items():
            target.stop()
            origins[name].dump(os.path.join(workdir(), "origin-records-%s.json" % name))
            write_outcomes(os.path.join(workdir(), "outcomes-%s.txt" % name), results[name])
    finally:
        for o in origins.values():
            o.close()

    text = table(payloads, results)
    path = os.environ.get("CERTGATE_CORPUS_TABLE") or os.path.join(keep_workdir(), "request-corpus-table.md")
    with open(path, "w") as f:
        f.write(text)
    print("%d payloads through %d servers in %.1f s; table: %s" % (len(payloads), len(SERVERS),
                                                                time.monotonic() - started, path))
    for name, _ in SERVERS:
        counts = summarise(results[name])
        print("  %-9s %s" % (name, "  ".join("%s %d" % (c, counts[c]) for c in CLASSES)))
    bad = [o for o in results["certgate"] if o.cls in FAILURES]
    if bad:
        fail("certgate has %d failure outcomes (table: %s):\n%s" % (len(bad), path,
                                                                    "\n".join("  " + o.summary() for o in bad)))


if __name__ == "__main__":
    run_test(main)
