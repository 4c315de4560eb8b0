"""The certgate process under test: writes its configuration, starts `certgate serve`, waits until it listens,
stops it with SIGTERM (checking the exit code) and reads its JSON access log."""
import copy
import json
import os
import signal
import socket
import stat
import subprocess
import time

from harness import common

EDGE_MAPPING = {
    "name": "edge",
    "user": "edge-user",
    "rules": [{"field": "subject", "subfield": "CN", "match": "edge.example.com"}],
}


def base_config(pki, upstream_url, mappings=None):
    """The minimal configuration of the tests: one default host block trusting `ca`, requiring a client
    certificate, with the many-to-one mapping CN=edge.example.com -> edge-user."""
    return {
        "server": {"log_format": "json"},
        "upstream": {"url": upstream_url},
        "tls": {
            "cert": pki.pem("server"),
            "key": pki.key("server"),
            "client_ca": [pki.pem("ca")],
            "mode": "require",
        },
        "mapping": {"many_to_one": copy.deepcopy(mappings if mappings is not None else [EDGE_MAPPING])},
    }


# --- a small TOML writer (the standard library only reads TOML) ---

def _is_table(v):
    return isinstance(v, dict)


def _is_table_array(v):
    return isinstance(v, list) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def _toml_key(k):
    if k and all(c.isalnum() or c in "-_" for c in k):
        return k
    return json.dumps(k)


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError("cannot write %r as TOML" % (v,))


def _emit(table, prefix, out):
    for k, v in table.items():
        if not _is_table(v) and not _is_table_array(v):
            out.append("%s = %s" % (_toml_key(k), _toml_value(v)))
    for k, v in table.items():
        if _is_table(v):
            out.append("\n[%s%s]" % (prefix, _toml_key(k)))
            _emit(v, prefix + _toml_key(k) + ".", out)
    for k, v in table.items():
        if _is_table_array(v):
            for item in v:
                out.append("\n[[%s%s]]" % (prefix, _toml_key(k)))
                _emit(item, prefix + _toml_key(k) + ".", out)


def to_toml(config):
    out = []
    _emit(config, "", out)
    return "\n".join(out).lstrip("\n") + "\n"


def _regular_file(path):
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True  # not there yet: callers treat it as empty


# --- ports ---

def free_port(host="127.0.0.1"):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for_port(host, port, timeout, alive=lambda: True):
    """True once host:port accepts a TCP connection; False after `timeout` seconds or when alive() says no."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            try:
                s.connect((host, port))
                return True
            except OSError:
                pass
        time.sleep(0.05)
    return False


class Gateway:
    """One certgate process.

    config: a dict (written as TOML; [server] listen/access_log/log_format are filled in when absent),
    toml_text: TOML text where @PORT@, @ACCESS_LOG@ and @DIR@ are replaced, or
    argv: a function gw -> the arguments after the binary (flags-only runs; use gw.port, gw.access_log_path).
    stderr_path: where the server's standard error goes instead of stderr.txt (e.g. a harness.fifo FIFO).
    """

    def __init__(self, config=None, *, toml_text=None, argv=None, host="127.0.0.1", name="gateway",
                 start=True, ready_timeout=10.0, stderr_path=None):
        self.host = host
        self.port = free_port(host)
        self.dir = common.subdir(name)
        self.access_log_path = os.path.join(self.dir, "access.log")
        self.stdout_path = os.path.join(self.dir, "stdout.txt")
        self.stderr_path = stderr_path or os.path.join(self.dir, "stderr.txt")
        self.config_path = os.path.join(self.dir, "certgate.toml")
        self.ready_timeout = ready_timeout
        self.proc = None
        self.returncode = None
        self._bin = common.certgate_bin()
        self._config, self._toml_text, self._argv_fn = config, toml_text, argv
        # The port is ours to change (after a lost race for it) unless the configuration names it.
        self._own_port = not (config is not None and "listen" in config.get("server", {}))
        self._render()
        common.register(self)
        if start:
            self.start()

    def _render(self):
        """Writes the configuration / builds the command line for the current port."""
        if self._config is not None:
            cfg = copy.deepcopy(self._config)
            server = cfg.setdefault("server", {})
            server.setdefault("listen", [self.address()])
            server.setdefault("access_log", self.access_log_path)
            server.setdefault("log_format", "json")
            # [server] first keeps the file readable; order does not matter to TOML.
            cfg = dict([("server", cfg.pop("server"))] + list(cfg.items()))
            self._write_config(to_toml(cfg))
            self.argv = [self._bin, "serve", "-c", self.config_path]
        elif self._toml_text is not None:
            text = (self._toml_text.replace("@PORT@", str(self.port))
                    .replace("@ACCESS_LOG@", self.access_log_path)
                    .replace("@DIR@", self.dir))
            self._write_config(text)
            self.argv = [self._bin, "serve", "-c", self.config_path]
        else:
            self.argv = [self._bin] + list(self._argv_fn(self))

    def _write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def address(self):
        return "[%s]:%d" % (self.host, self.port) if ":" in self.host else "%s:%d" % (self.host, self.port)

    def url(self, path="/", name="localhost"):
        return "https://%s:%d%s" % (name, self.port, path)

    # --- process ---

    def start(self):
        for attempt in range(3):
            self._out = open(self.stdout_path, "wb")
            self._err = open(self.stderr_path, "wb")
            self.proc = subprocess.Popen(self.argv, stdout=self._out, stderr=self._err, stdin=subprocess.DEVNULL,
                                         cwd=self.dir)
            if wait_for_port(self.host, self.port, self.ready_timeout, alive=lambda: self.proc.poll() is None):
                return
            if self.proc.poll() is None:
                common.fail("certgate did not listen on %s within %.0f s" % (self.address(), self.ready_timeout))
            self._close_files()
            # Another process took the free port between our probe and certgate's bind: try another one.
            if self._own_port and attempt < 2 and "address already in use" in self.stderr_text().lower():
                self.port = free_port(self.host)
                self._render()
                continue
            common.fail("certgate exited with %d before listening on %s" % (self.proc.returncode, self.address()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig=signal.SIGTERM):
        if self.alive():
            self.proc.send_signal(sig)

    def wait(self, timeout):
        """The exit code, or None when still running after `timeout` seconds."""
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.returncode

    def stop(self, expect=0, timeout=15.0):
        """SIGTERM, then the exit code must be `expect` (None: do not check). Returns the exit code."""
        if self.proc is None:
            return None
        self.signal(signal.SIGTERM)
        code = self.wait(timeout)
        if code is None:
            self.kill()
            common.fail("certgate did not exit within %.0f s of SIGTERM" % timeout)
        self._close_files()
        common.unregister(self)
        if expect is not None and code != expect:
            common.register(self)  # keep it in the failure report
            common.fail("certgate exited with %d after SIGTERM, expected %d" % (code, expect))
        return code

    def kill(self):
        if self.alive():
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._close_files()

    def _close_files(self):
        for f in (getattr(self, "_out", None), getattr(self, "_err", None)):
            if f and not f.closed:
                f.close()

    def close(self):  # cleanup after the test: never leave the process behind
        self.kill()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.stop(expect=0)
        else:
            self.kill()
        return False

    def rewrite_config(self, config):
        """Replaces the configuration file with `config` (a dict, as for the constructor) on the same port and
        access log; the running process reads it on SIGHUP."""
        self._config, self._toml_text = config, None
        self._render()

    def reload(self, config, timeout=10.0):
        """Rewrites the configuration, sends SIGHUP and waits (bounded) until the reload is logged."""
        done = self.stderr_text().count("configuration reloaded")
        self.rewrite_config(config)
        self.signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while self.stderr_text().count("configuration reloaded") <= done:
            if time.monotonic() >= deadline or not self.alive():
                common.fail("certgate did not log a reload within %.0f s of SIGHUP" % timeout)
            time.sleep(0.05)

    # --- output ---

    def stderr_text(self):
        """The server's standard error so far ("" when it goes to a pipe, which the test reads itself)."""
        if not _regular_file(self.stderr_path):
            return ""
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def access_log_lines(self):
        if not _regular_file(self.access_log_path):
            return []  # a FIFO or the like: the test reads it itself (reading here could wait forever)
        try:
            with open(self.access_log_path, "rb") as f:
                return [l for l in f.read().decode("utf-8", "replace").splitlines() if l.strip()]
        except FileNotFoundError:
            return []

    def log_entries(self):
        """Every access log line, each parsed as JSON (a line that is not JSON fails the test)."""
        entries = []
        for line in self.access_log_lines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                common.fail("access log line is not JSON: %r" % line)
        return entries

    def wait_log(self, pred, timeout=5.0, what="access log entry"):
        """The first access log entry for which pred(entry) is true, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for e in self.log_entries():
                try:
                    if pred(e):
                        return e
                except (KeyError, TypeError):
                    pass
            if time.monotonic() >= deadline:
                common.fail("no matching %s within %.0f s" % (what, timeout))
            time.sleep(0.05)

    def log_for_path(self, path, timeout=5.0):
        return self.wait_log(lambda e: e.get("path") == path, timeout, "access log entry for path %s" % path)

    def describe(self):
        lines = ["--- certgate %s (%s)" % (self.address(), " ".join(self.argv))]
        if os.path.exists(self.config_path):
            with open(self.config_path) as f:
                lines.append("config:\n" + f.read().rstrip())
        log = self.access_log_lines()
        lines.append("access log (last 10 of %d lines):" % len(log))
        lines.extend("  " + l for l in log[-10:])
        err = self.stderr_text().splitlines()
        lines.append("stderr (last 30 of %d lines):" % len(err))
        lines.extend("  " + l for l in err[-30:])
        if self.proc is not None and self.proc.poll() is not None:
            lines.append("exit code: %d" % self.proc.returncode)
        return "\n".join(lines)
