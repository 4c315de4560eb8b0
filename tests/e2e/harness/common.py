"""Shared pieces of the end-to-end tests: where things are, the test PKI, check(), and the test runner that
always cleans up what it started."""
import atexit
import os
import shutil
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))

SKIP = 77  # ctest SKIP_RETURN_CODE

# Everything a test started (gateways, upstreams, child processes): stopped by run_test() and at exit,
# and asked for context when a check fails.
_live = []
_state = {"workdir": None, "failed": False}


def register(thing):
    _live.append(thing)
    return thing


def unregister(thing):
    if thing in _live:
        _live.remove(thing)


def _cleanup():
    while _live:
        thing = _live.pop()
        try:
            thing.close()
        except Exception:  # cleanup must go on for the others
            traceback.print_exc()


atexit.register(_cleanup)


def certgate_bin():
    path = os.environ.get("CERTGATE_BIN") or os.path.join(REPO, "build", "certgate")
    if not os.access(path, os.X_OK):
        fail("certgate binary not found or not executable: %s (set CERTGATE_BIN)" % path)
    return path


def test_data_dir():
    return os.environ.get("CERTGATE_TEST_DATA_DIR") or os.path.join(REPO, "tests", "data")


def workdir():
    """This test's scratch directory: removed when the test passes, kept (and named) when it fails."""
    if _state["workdir"] is None:
        name = os.path.splitext(os.path.basename(sys.argv[0]))[0] or "test"
        _state["workdir"] = tempfile.mkdtemp(prefix="certgate-e2e-%s-" % name)
    return _state["workdir"]


def keep_workdir():
    """Keeps the scratch directory even when the test passes (it holds a report the test was asked for)."""
    _state["keep"] = True
    return workdir()


def subdir(name):
    base = workdir()
    path = os.path.join(base, name)
    n = 1
    while os.path.exists(path):
        n += 1
        path = os.path.join(base, "%s-%d" % (name, n))
    os.makedirs(path)
    return path


class Pki:
    """Paths into the PKI made by make_pki.py."""

    def __init__(self, directory):
        self.dir = directory

    def pem(self, name):
        return os.path.join(self.dir, name + ".pem")

    def key(self, name):
        # "deep-chain" is the leaf "deep" plus its intermediate; the key is the leaf's.
        return os.path.join(self.dir, name.split("-")[0] + ".key")

    def crl(self, name="crl"):
        return os.path.join(self.dir, name + ".pem")


def pki():
    """The PKI of the ctest fixture (CERTGATE_E2E_PKI), or one made now (once) for a test run by hand."""
    if _state.get("pki") is None:
        directory = os.environ.get("CERTGATE_E2E_PKI")
        if not (directory and os.path.exists(os.path.join(directory, "COMPLETE"))):
            sys.path.insert(0, HERE)
            import make_pki
            directory = os.path.join(workdir(), "pki")
            make_pki.make(directory)
        _state["pki"] = Pki(directory)
    return _state["pki"]


def context_report():
    parts = []
    for thing in list(_live):
        describe = getattr(thing, "describe", None)
        if describe:
            try:
                parts.append(describe())
            except Exception as e:  # the report must not hide the failure
                parts.append("(could not describe %r: %s)" % (thing, e))
    return "\n".join(parts)


def fail(msg, resp=None):
    _state["failed"] = True
    out = ["FAIL: " + msg]
    if resp is not None:
        out.append(describe_response(resp))
    report = context_report()
    if report:
        out.append(report)
    sys.stderr.write("\n".join(out) + "\n")
    sys.stderr.flush()
    raise SystemExit(1)


def check(cond, msg, resp=None):
    """Fails the test with `msg` and the context (response, access log, server stderr) when cond is false."""
    if not cond:
        fail(msg, resp)


def check_eq(actual, expected, what, resp=None):
    check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual), resp)


def skip(msg):
    sys.stderr.write("SKIP: %s\n" % msg)
    raise SystemExit(SKIP)


def describe_response(resp):
    describe = getattr(resp, "describe", None)
    return describe() if describe else repr(resp)


def run_test(main):
    """Runs main(); any exception fails the test with context; everything started is stopped either way."""
    code = 0
    try:
        main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:
        _state["failed"] = True
        traceback.print_exc()
        report = context_report()
        if report:
            sys.stderr.write(report + "\n")
        code = 1
    finally:
        _cleanup()
    if code == 0 and not _state["failed"]:
        if _state["workdir"] and not _state.get("keep"):
            shutil.rmtree(_state["workdir"], ignore_errors=True)
        elif _state["workdir"]:
            print("scratch directory kept: %s" % _state["workdir"])
        print("PASS")
    elif _state["workdir"] and code != SKIP:
        sys.stderr.write("scratch directory kept: %s\n" % _state["workdir"])
    sys.exit(code if code else (1 if _state["failed"] else 0))
