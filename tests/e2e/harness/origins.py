"""Other origin servers for `certgate probe` tests: nginx and HAProxy, each started in the foreground on a free
loopback port with a configuration written at test time, and always stopped by the harness. Plus running
`certgate probe` itself."""
import json
import os
import shutil
import signal
import subprocess

from harness import common
from harness.gateway import free_port, wait_for_port
from harness.run import run_certgate


class ForegroundServer:
    """A server process the test started (nginx, haproxy). Registered with the harness, so it is stopped
    however the test ends; its log is part of the failure report."""

    def __init__(self, name, argv, port, directory, log_path):
        self.name, self.argv, self.port, self.dir, self.log_path = name, argv, port, directory, log_path
        self.proc = None
        common.register(self)

    def start(self, ready_timeout=10.0):
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=self.dir, start_new_session=True)
        if not wait_for_port("127.0.0.1", self.port, ready_timeout, alive=lambda: self.proc.poll() is None):
            common.fail("%s did not listen on 127.0.0.1:%d" % (self.name, self.port))
        return self

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            # Only our own child: SIGTERM (nginx: fast shutdown, haproxy: hard stop), then SIGKILL.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            # nginx's workers are its children: once the master is gone they exit too; make sure of it.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if getattr(self, "_log", None) and not self._log.closed:
            self._log.close()
        common.unregister(self)

    def address(self):
        return "127.0.0.1:%d" % self.port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def describe(self):
        try:
            with open(self.log_path, "rb") as f:
                log = f.read().decode("utf-8", "replace").splitlines()
        except FileNotFoundError:
            log = []
        lines = ["--- %s on 127.0.0.1:%d (%s)" % (self.name, self.port, " ".join(self.argv))]
        lines.extend("  " + l for l in log[-20:])
        return "\n".join(lines)


def require_program(name):
    path = shutil.which(name) or (os.path.join("/usr/sbin", name) if os.access(os.path.join("/usr/sbin", name), os.X_OK)
                                  else None)
    if not path:
        common.skip("%s is not installed" % name)
    return path


NGINX_CONF = """worker_processes 1;
events {{ worker_connections 64; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{extra_http}    server {{
        listen 127.0.0.1:{port} {listen_flags};
        server_name localhost;
        ssl_certificate {server_pem};
        ssl_certificate_key {server_key};
        ssl_client_certificate {ca};
        ssl_verify_client {verify};
        location / {{
{extra}            default_type text/plain;
            return 200 "origin ok\\n";
        }}
    }}
}}
"""


def nginx(pki, verify_client, extra_location="", name="nginx", http2=False, extra_http=""):
    """nginx with `ssl_verify_client VERIFY_CLIENT` trusting the test CA, answering 200 "origin ok"; extra_location
    is inserted into `location /` first (e.g. an `if ($ssl_client_verify ...)` check), extra_http into the `http`
    block before the server (e.g. a `map`); http2: HTTP/2 on the listener too (`listen ... ssl http2`, ALPN h2).
    Started."""
    binary = require_program("nginx")
    directory = common.subdir(name)
    port = free_port()
    conf = os.path.join(directory, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(dir=directory, port=port, server_pem=pki.pem("server"), server_key=pki.key("server"),
                                  ca=pki.pem("ca"), verify=verify_client, extra=extra_location, extra_http=extra_http,
                                  listen_flags="ssl http2" if http2 else "ssl"))
    argv = [binary, "-c", conf, "-p", directory,
            "-g", "daemon off; pid %s/nginx.pid; error_log %s/error.log;" % (directory, directory)]
    return ForegroundServer(name, argv, port, directory, os.path.join(directory, "error.log")).start()


HAPROXY_CFG = """global
    maxconn 64
defaults
    mode http
    timeout connect 5s
    timeout client 10s
    timeout server 10s
frontend origin
    bind 127.0.0.1:{port} ssl crt {crt} ca-file {ca} verify {verify}{alpn}
    http-request return status 200 content-type text/plain string "origin ok"
"""


def haproxy(pki, verify="required", name="haproxy", alpn=None):
    """HAProxy terminating TLS with `verify VERIFY` against the test CA and answering 200 itself; alpn: the bind's
    `alpn` list (e.g. "h2,http/1.1": HTTP/2 too), None = no ALPN (HAProxy selects nothing). Started."""
    binary = require_program("haproxy")
    directory = common.subdir(name)
    port = free_port()
    crt = os.path.join(directory, "server-with-key.pem")  # HAProxy wants the certificate and key in one file
    with open(crt, "w") as out:
        for part in (pki.pem("server"), pki.key("server")):
            with open(part) as f:
                out.write(f.read())
    cfg = os.path.join(directory, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(HAPROXY_CFG.format(port=port, crt=crt, ca=pki.pem("ca"), verify=verify,
                                   alpn=" alpn " + alpn if alpn else ""))
    argv = [binary, "-f", cfg, "-db"]
    return ForegroundServer(name, argv, port, directory, os.path.join(directory, "haproxy.log")).start()


class Probe:
    """One `certgate probe ... --json` run: exit code and the parsed report."""

    def __init__(self, run):
        self.run = run
        self.code = run.code
        try:
            self.report = json.loads(run.stdout) if run.stdout.strip() else {}
        except ValueError:
            common.fail("certgate probe --json printed something that is not JSON", run)

    def scenario(self, sid, pass_="http/1.1"):
        for s in self.report.get("scenarios", []):
            if s["id"] == sid and s.get("pass") == pass_:
                return s
        common.fail("no scenario %r in pass %r in the probe report" % (sid, pass_), self.run)

    def passes(self):
        """The passes of the report's scenarios, in order, each once."""
        out = []
        for s in self.report.get("scenarios", []):
            if s.get("pass") not in out:
                out.append(s.get("pass"))
        return out

    def describe(self):
        return self.run.describe()


def probe(args, pki=None, cert="edge", json_output=True, timeout=60):
    """certgate probe ARGS --cert PKI/CERT.pem --key PKI/CERT.key [--json]."""
    pki = pki or common.pki()
    argv = ["probe"] + list(args)
    if cert:
        argv += ["--cert", pki.pem(cert), "--key", pki.key(cert)]
    if json_output:
        argv.append("--json")
    run = run_certgate(argv, cwd=common.workdir(), timeout=timeout)
    return Probe(run) if json_output else run


def check_scenario(p, sid, outcome, detail=None, cloudflare=None, pass_="http/1.1"):
    """Scenario `sid` of probe `p` in pass `pass_` ("http/1.1", or "h2": the pass offering ALPN h2) ended with
    `outcome` (and `detail` / `cloudflare` when given)."""
    s = p.scenario(sid, pass_)
    common.check_eq(s["outcome"], outcome, "outcome of scenario %s" % sid, p.run)
    if detail is not None:
        common.check_eq(s["detail"], detail, "detail of scenario %s" % sid, p.run)
    if cloudflare is not None:
        common.check_eq(s["cloudflare"], cloudflare, "Cloudflare view of scenario %s" % sid, p.run)
    return s
