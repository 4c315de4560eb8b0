"""A named pipe that the test reads only when it chooses: while it does not, whoever writes to it finds the
pipe full after a few KiB and cannot go on (what a stalled log reader, a stuck log shipper, looks like)."""
import fcntl
import os
import select
import time

from harness import common


class StalledFifo:
    """mkfifo at `path`, opened for reading without waiting (so a writer's open does not wait either), with a
    pipe buffer of one page. Nothing is read until read_now()/read_until() is called."""

    def __init__(self, path, pipe_bytes=4096):
        self.path = path
        os.mkfifo(path)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        fcntl.fcntl(self.fd, fcntl.F_SETPIPE_SZ, pipe_bytes)
        self.data = b""
        common.register(self)

    def read_now(self):
        """Appends whatever is in the pipe now to self.data; returns what was read."""
        got = b""
        while True:
            try:
                part = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            if not part:
                break  # no writer left
            got += part
        self.data += got
        return got

    def widen(self, pipe_bytes=1 << 20):
        """A bigger pipe buffer, so that a writer with a backlog is not held to a page per read."""
        fcntl.fcntl(self.fd, fcntl.F_SETPIPE_SZ, pipe_bytes)

    def read_until(self, pred, timeout=20.0, what="data"):
        """Reads until pred(self.data) is true; fails the test after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.read_now()
            if pred(self.data):
                return self.data
            if time.monotonic() >= deadline:
                common.fail("no %s in the FIFO %s within %.0f s; last bytes read: %r"
                            % (what, self.path, timeout, self.data[-600:]))
            if not got:
                select.select([self.fd], [], [], 0.02)  # wait for more (a hang-up also wakes it)

    def lines(self):
        """The complete lines read so far (an unterminated tail is left out)."""
        return self.data.split(b"\n")[:-1]

    def describe(self):
        return "--- FIFO %s: %d bytes read; last: %r" % (self.path, len(self.data), self.data[-600:])

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
