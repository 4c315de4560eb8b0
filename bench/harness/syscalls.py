"""System calls per keep-alive request of a server's serving processes, while the load generator sends
keep-alive 1 KiB requests at a fixed, moderate rate. Counted with

  perf  (default) `perf stat -e raw_syscalls:sys_enter,syscalls:sys_enter_read,... -p PIDS`: the kernel's
        syscall tracepoints (all calls, and those of the table's groups and some others by name), counted in
        the kernel, every thread of the processes; nothing stops the server, so it runs at its own speed
  strace  `strace -c -f -p PIDS`: stops the server at every call; on a busy 2-core machine that slows it
        below a moderate rate (the rate is checked and a run that did not sustain it is marked)

Two runs at the same rate, a short and a long one, each with the counter attached before the load generator
starts and detached after it ends; per request = (calls in the long run - calls in the short run) / (requests
answered in the long run - in the short run). What each connection costs once (accept, handshake, the first
epoll_ctl, close) and the attach and detach are the same in both runs and cancel out; what is left is the
steady state of a kept-alive connection at that rate. An uncounted run at the same rate and connections
comes first, so that the server's upstream connections (a pool that outlives the client's connections) and
its memory are already there for both counted runs.

The counter runs in its own process group like every other process of the benchmark (procs.Proc), so it is
stopped on every exit path; SIGINT makes perf print its counts and strace detach and write its summary.
"""
import os
import signal
import subprocess
import time

from procs import Proc

# Groups of the table, in order: (column, syscall names).
GROUPS = [
    ("epoll_wait", ("epoll_wait", "epoll_pwait", "epoll_pwait2")),
    ("epoll_ctl", ("epoll_ctl",)),
    ("read/recvfrom", ("read", "readv", "recvfrom", "recvmsg", "recvmmsg")),
    ("write/sendmsg/writev", ("write", "writev", "sendmsg", "sendmmsg", "sendto", "sendfile", "sendfile64")),
]


# perf: besides the total (raw_syscalls:sys_enter), the tracepoints of the groups and of the calls a server may
# make per request otherwise, for the "top others" column; whatever else it calls is in "others" all the same
# (total - groups). Not every tracepoint of the kernel: perf takes seconds per hundred of them to open and close.
OTHERS_NAMED = ("accept", "accept4", "close", "shutdown", "getsockopt", "setsockopt", "getsockname", "getpeername",
                "clock_gettime", "gettimeofday", "futex", "timerfd_settime", "timer_settime", "ioctl", "fcntl",
                "connect", "socket", "pread64", "splice", "poll", "ppoll", "select", "pselect6", "io_uring_enter",
                "eventfd2", "getpid", "gettid", "rt_sigprocmask", "rt_sigreturn", "sched_yield", "madvise", "mmap",
                "munmap", "mprotect", "brk", "newfstatat", "statx", "openat", "lseek", "getrandom")
TRACEPOINTS = "/sys/kernel/tracing/events/syscalls"


def perf_events():
    names = [n for _, group in GROUPS for n in group] + list(OTHERS_NAMED)
    have = set(os.listdir(TRACEPOINTS)) if os.path.isdir(TRACEPOINTS) else None
    events = ["syscalls:sys_enter_" + n for n in names if have is None or "sys_enter_" + n in have]
    return ["raw_syscalls:sys_enter"] + events


def parse_summary(text):
    """{syscall: calls} from strace -c's table (calls include the ones that failed, EAGAIN reads among them)."""
    counts = {}
    for line in text.splitlines():
        fields = line.split()
        # % time, seconds, usecs/call, calls, [errors,] syscall
        if len(fields) not in (5, 6) or fields[-1] == "total" or not fields[3].isdigit():
            continue
        try:
            float(fields[0])
        except ValueError:
            continue
        counts[fields[-1]] = counts.get(fields[-1], 0) + int(fields[3])
    return counts


def grouped(counts):
    """{column: calls, "others": calls, "total": calls} and {other syscall: calls}."""
    out, others = {}, dict(counts)
    for column, names in GROUPS:
        out[column] = sum(others.pop(n, 0) for n in names)
    out["others"] = sum(others.values())
    out["total"] = sum(counts.values())
    return out, others


class _Counter:
    """A counting process attached to `pids` until stop()."""

    def _interrupt(self):
        """SIGINT (both tools write their counts on it), then the usual stop of the process group."""
        if self.proc.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGINT)
                self.proc.popen.wait(timeout=15.0)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.proc.stop()


class PerfStat(_Counter):
    """perf stat on every syscall-entry tracepoint of the processes (all their threads)."""

    def __init__(self, pids, out_path, cpus=None):
        self.out_path = out_path
        argv = ["perf", "stat", "-x", ",", "-o", out_path, "-e", ",".join(perf_events()),
                "-p", ",".join(str(p) for p in pids)]
        self.proc = Proc("perf stat", argv, out_path + ".log", cpus=cpus)
        time.sleep(0.5)  # perf opens one counter per tracepoint and thread before it counts
        if not self.proc.alive():
            raise RuntimeError("perf stat exited at once:\n%s" % self.proc.log_tail())

    def stop(self):
        self._interrupt()

    def counts(self):
        """{syscall: calls}, with the calls no named tracepoint counted under "(unnamed)"."""
        counts, total = {}, None
        with open(self.out_path) as f:
            for line in f:
                fields = line.strip().split(",")
                if len(fields) < 3 or not fields[0].isdigit():
                    continue
                if fields[2] == "raw_syscalls:sys_enter":
                    total = int(fields[0])
                elif fields[2].startswith("syscalls:sys_enter_") and int(fields[0]):
                    counts[fields[2][len("syscalls:sys_enter_"):]] = int(fields[0])
        if total is None:
            raise RuntimeError("perf stat counted nothing (%s)" % self.out_path)
        counts["(unnamed)"] = total - sum(counts.values())
        return counts


class Strace(_Counter):
    """strace -c -f attached to `pids` until stop(); counts() then reads its summary."""


    def __init__(self, pids, out_path, cpus=None, attach_timeout=10.0):
        self.out_path = out_path
        self.log_path = out_path + ".log"
        argv = ["strace", "-c", "-f", "-o", out_path]
        for pid in pids:
            argv += ["-p", str(pid)]
        self.proc = Proc("strace", argv, self.log_path, cpus=cpus)
        # strace says "Process N attached" on stderr (the log) once per thread it attached to.
        deadline = time.monotonic() + attach_timeout
        while time.monotonic() < deadline and self.proc.alive():
            if self._attached() >= len(pids):
                break
            time.sleep(0.02)
        if not self.proc.alive() or self._attached() < len(pids):
            tail = self.proc.log_tail()
            self.proc.stop()
            raise RuntimeError("strace did not attach to %s:\n%s" % (pids, tail))
        time.sleep(0.2)  # the threads of a process are attached after its main thread

    def _attached(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().count(b" attached")
        except OSError:
            return 0

    def stop(self):
        self._interrupt()

    def counts(self):
        with open(self.out_path) as f:
            return parse_summary(f.read())


TOOLS = {"perf": PerfStat, "strace": Strace}


def per_request(short_counts, long_counts, short_requests, long_requests):
    """Per-request groups from the difference between the two runs, and the top 'others' syscalls."""
    requests = long_requests - short_requests
    if requests <= 0:
        raise ValueError("the long run answered no more requests than the short one (%d vs %d)" % (
            long_requests, short_requests))
    names = set(short_counts) | set(long_counts)
    diff = {n: long_counts.get(n, 0) - short_counts.get(n, 0) for n in names}
    groups, others = grouped(diff)
    per = {k: v / float(requests) for k, v in groups.items()}
    top = sorted(((n, v / float(requests)) for n, v in others.items() if v > 0), key=lambda x: -x[1])[:3]
    return per, top, requests, diff


def out_path(directory, tool, name):
    return os.path.join(directory, "%s-%s.txt" % (tool, name))
