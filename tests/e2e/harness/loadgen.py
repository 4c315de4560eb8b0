"""The benchmark load generator (bench/loadgen) driven by an end-to-end test: one run, its JSON report."""
import json
import os
import subprocess

from harness.common import certgate_bin, check, check_eq, fail, pki


def loadgen_bin():
    path = os.environ.get("CERTGATE_LOADGEN") or os.path.join(os.path.dirname(certgate_bin()), "bench", "loadgen")
    if not os.access(path, os.X_OK):
        fail("load generator not found: %s (built by bench/loadgen.cmake; set CERTGATE_LOADGEN)" % path)
    return path


class LoadgenRun:
    def __init__(self, argv, code, report, stderr):
        self.argv, self.code, self.report, self.stderr = argv, code, report, stderr

    def describe(self):
        return "--- loadgen exit %s: %s\nreport: %s\nstderr: %s" % (self.code, " ".join(self.argv),
                                                                  json.dumps(self.report), self.stderr[-2000:])


def loadgen(gw, mode, *extra, timeout=60):
    p = pki()
    return loadgen_with(gw, mode, ["--cert", p.pem("edge"), "--key", p.key("edge")], *extra, timeout=timeout)


def loadgen_with(gw, mode, identity, *extra, timeout=60):
    p = pki()
    argv = [loadgen_bin(), "--connect", gw.address(), "--mode", mode, "--sni", "localhost",
            *identity, "--ca", p.pem("ca"), "--json", *extra]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("loadgen did not finish within %d s: %s" % (timeout, " ".join(argv)))
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = None
    run = LoadgenRun(argv, proc.returncode, report, proc.stderr)
    check(report is not None, "loadgen printed no JSON report", run)
    return run


def check_clean(run, what):
    r = run.report
    check_eq(r["errors"], 0, "%s: errors %s" % (what, r["error_kinds"]), run)
    check_eq(r["non_200"], 0, "%s: non-200 answers %s" % (what, r["statuses"]), run)
    check_eq(run.code, 0, "%s: loadgen exit code (a run that counts exits 0)" % what, run)
    check_eq(r["ok"], True, "%s: the run counts" % what, run)
