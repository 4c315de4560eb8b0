"""Processes of the benchmark: each started in its own process group (so a server and its workers stop
together), recorded, and stopped on every exit path. Plus the /proc readings the metrics need."""
import os
import signal
import socket
import subprocess
import time

_started = []
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Proc:
    def __init__(self, name, argv, log_path, cpus=None, cwd=None, env=None):
        self.name = name
        self.argv = (["taskset", "-c", cpus] if cpus else []) + list(argv)
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.popen = subprocess.Popen(self.argv, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      cwd=cwd, start_new_session=True,
                                      env=dict(os.environ, **env) if env else None)
        self.pid = self.popen.pid  # taskset execs the program: same pid
        _started.append(self)

    def alive(self):
        return self.popen.poll() is None

    def stop(self, timeout=10.0):
        """SIGTERM to the process group, SIGKILL after `timeout` seconds."""
        if self.alive():
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)  # workers left behind by a master that exited
        except (ProcessLookupError, PermissionError):
            pass
        if self.alive():
            self.popen.wait(timeout=5)
        if not self._log.closed:
            self._log.close()
        if self in _started:
            _started.remove(self)

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""


def stop_all():
    for p in list(reversed(_started)):
        try:
            p.stop(timeout=5)
        except Exception as e:  # the others must still be stopped
            print("warning: could not stop %s: %s" % (p.name, e))


def wait_for_port(port, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError("%s exited with %s before listening on %d:\n%s"
                               % (proc.name, proc.popen.returncode, port, proc.log_tail()))
        with socket.socket() as s:
            s.settimeout(0.5)
            try:
                s.connect(("127.0.0.1", port))
                return
            except OSError:
                time.sleep(0.05)
    raise RuntimeError("%s did not listen on %d within %.0f s:\n%s" % (proc.name, port, timeout, proc.log_tail()))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_pids(pid):
    """The process and its direct children (nginx: master and workers)."""
    pids = [pid]
    try:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    except OSError:
        pass
    return pids


def cpu_seconds(pids):
    """utime + stime of the processes (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)
        except (OSError, IndexError, ValueError):
            continue
    return total / CLOCK_TICKS


def rss_kib(pids):
    """Sum of VmRSS (KiB) of the processes."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total
