"""Running certgate once to completion (for configurations that must be refused)."""
import subprocess

from harness import common


class Run:
    def __init__(self, argv, code, stdout, stderr):
        self.argv, self.code, self.stdout, self.stderr = argv, code, stdout, stderr

    def describe(self):
        return "--- %s\nexit code: %s\nstdout:\n%s\nstderr:\n%s" % (" ".join(self.argv), self.code,
                                                                    self.stdout[-3000:], self.stderr[-3000:])


def run_certgate(args, cwd, timeout=10):
    """certgate ARGS in `cwd`; a process still running after `timeout` seconds is killed (code None)."""
    argv = [common.certgate_bin()] + list(args)
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return Run(argv, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
    except subprocess.TimeoutExpired as e:
        return Run(argv, None, (e.stdout or b"").decode("utf-8", "replace"),
                   (e.stderr or b"").decode("utf-8", "replace") + "\n(killed after %d s)" % timeout)
