#!/usr/bin/env python3
"""The benchmark load generator (bench/loadgen) runs a few seconds against certgate in each of its modes and
everything it sent is answered correctly: requests were made, no errors, every answer 200 (with the mapped
identity at the upstream), sessions resumed in resume mode, every idle connection established. Only
correctness is asserted here; speed is `make bench`'s business."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, pki, run_test
from harness.gateway import Gateway, base_config
from harness.loadgen import check_clean, loadgen, loadgen_with
from harness.upstream import Upstream


def one_worker_config(p, upstream_url):
    config = base_config(p, upstream_url)
    config["server"]["workers"] = 1
    return config


def main():
    p = pki()
    with Upstream() as up, Gateway(one_worker_config(p, up.url)) as gw:
        keepalive = loadgen(gw, "keepalive", "--connections", "4", "--duration", "2", "--path", "/smoke/keepalive")
        check_clean(keepalive, "keepalive")
        r = keepalive.report
        check(r["requests"] > 0, "keepalive: some requests were answered", keepalive)
        check_eq(r["statuses"], {"200": r["requests_total"]}, "keepalive: every answer is 200", keepalive)
        # Keep-alive: a handful of handshakes carried all the requests.
        check(r["handshakes_full"] <= 4, "keepalive: at most one handshake per connection", keepalive)
        check(r["requests"] > r["handshakes_full"], "keepalive: several requests per connection", keepalive)
        seen = up.requests_for("/smoke/keepalive")
        check(len(seen) >= r["requests"], "the upstream saw every counted request (%d < %d)" % (len(seen), r["requests"]),
              keepalive)
        identities = {v for req in seen[:50] for k, v in req["headers"] if k.lower() == "x-client-identity"}
        check_eq(identities, {"edge-user"}, "identity at the upstream for loadgen requests", keepalive)

        full = loadgen(gw, "full", "--connections", "2", "--duration", "1", "--path", "/smoke/full")
        check_clean(full, "full")
        r = full.report
        check(r["requests"] > 0, "full: some requests were answered", full)
        check(r["handshakes_full"] >= r["requests"], "full: one full handshake per request", full)
        check_eq(r["handshakes_resumed"], 0, "full: no resumed handshakes", full)

        # --cert-pool: each new connection presents the next certificate of the pool (the bench's distinct row).
        pool = os.path.join(gw.dir, "pool")
        os.makedirs(pool, exist_ok=True)
        for i, name in enumerate(("edge", "shortlived")):
            for src, ext in ((p.pem(name), ".pem"), (p.key(name), ".key")):
                with open(src, "rb") as f, open(os.path.join(pool, "%02d%s" % (i, ext)), "wb") as g:
                    g.write(f.read())
        pooled = loadgen_with(gw, "full", ["--cert-pool", pool], "--connections", "2", "--duration", "1",
                              "--path", "/smoke/pool")
        check_clean(pooled, "full with a certificate pool")
        check_eq(pooled.report["client_certificates"], 2, "pool: both certificates loaded", pooled)
        check_eq(pooled.report["client_certificates_used"], 2, "pool: both certificates presented", pooled)
        prints = {v for req in up.requests_for("/smoke/pool") for k, v in req["headers"]
                  if k.lower() == "x-client-cert-fingerprint"}
        check_eq(len(prints), 2, "pool: the upstream saw two distinct certificates (%s)" % sorted(prints), pooled)

        resume = loadgen(gw, "resume", "--connections", "2", "--duration", "1", "--path", "/smoke/resume")
        check_clean(resume, "resume")
        r = resume.report
        check(r["requests"] > 0, "resume: some requests were answered", resume)
        check(r["handshakes_resumed"] > 0, "resume: sessions were resumed", resume)
        check_eq(r["resume_misses"], 0, "resume: every offered session was resumed", resume)

        rate = loadgen(gw, "keepalive", "--connections", "2", "--duration", "1", "--rate", "50", "--path", "/smoke/rate")
        check_clean(rate, "keepalive at a fixed rate")
        check(20 <= rate.report["requests"] <= 60, "fixed rate 50/s for 1 s: about 50 requests", rate)

        idle = loadgen(gw, "idle", "--connections", "20", "--hold", "1", "--path", "/smoke/idle")
        check_clean(idle, "idle")
        check_eq(idle.report["established"], 20, "idle: every connection established", idle)


if __name__ == "__main__":
    run_test(main)
