"""The upstream and the three servers under test, with configurations that are equivalent: TLS 1.2-1.3 with
the same certificate and key, a client certificate required and verified against the same CA, the client's
identity passed upstream in a header, keep-alive connections to the same upstream, no access log.

  certgate  mode require + a many-to-one mapping on the client CN (IIS wildcard "bench-client*": the one
            client certificate and every certificate of the pool, as the peers admit whatever the CA
            signed); it passes the subject DN and the verify result as the peers do (plus the mapped
            identity and mapping name); CertgateAllHeaders sends its default eight identity headers, with
            the whole certificate in Client-Cert
  nginx     ssl_verify_client on + proxy_set_header X-Client-DN $ssl_client_s_dn, upstream keepalive
  HAProxy   verify required + http-request set-header X-Client-DN %[ssl_c_s_dn], http-reuse always

NginxH2 and HaproxyH2 are the same with HTTP/2 on (ALPN h2 first, http/1.1 as the fallback) for the h2
keep-alive row; certgate's row uses its own configuration unchanged (it offers h2 by default; a configuration
with alpn = ["http/1.1"] would get the cell "h2 not negotiated").

NginxStatic is the keep-alive ceiling: nginx with the same TLS settings serving the upstream's files itself
(the same bytes, the same static module and so the same response headers), no upstream behind it.
"""
import os

from procs import Proc, free_port, group_pids, wait_for_port

from pki import CLIENT_CN

BODIES = (("1k", 1024), ("64k", 65536))


def write_bodies(www):
    """The response bodies /1k and /64k, the same bytes wherever they are served from."""
    os.makedirs(www, exist_ok=True)
    for name, size in BODIES:
        with open(os.path.join(www, name), "wb") as f:
            f.write(bytes((i * 7 + 3) % 251 for i in range(size)))


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def _nginx_paths(d):
    temp = "\n".join("  %s_temp_path %s;" % (k, os.path.join(d, k)) for k in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root the workers would otherwise run as nobody and could not use the temporary directories.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return temp, user


def _static_nginx_conf(d, workers, master, listen, www):
    """nginx serving the files of `www` (the upstream, and the keep-alive ceiling with `listen` over mTLS):
    writes d/nginx.conf and returns its path."""
    temp, user = _nginx_paths(d)
    return _write(os.path.join(d, "nginx.conf"), f"""\
{user}worker_processes {workers};
daemon off;
master_process {"on" if master else "off"};
pid {d}/nginx.pid;
error_log {d}/error.log warn;
worker_rlimit_nofile 65536;
events {{ worker_connections 16384; }}
http {{
  access_log off;
{temp}
  sendfile on;
  open_file_cache max=16;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
  server {{
    {listen}
    root {www};
  }}
}}
""")


class Upstream:
    """nginx serving /1k and /64k static files: fast, and the same for all three servers."""

    name = "upstream"

    def __init__(self, workdir, cpus):
        self.dir = os.path.join(workdir, "upstream")
        write_bodies(os.path.join(self.dir, "www"))
        self.port = free_port()
        conf = _static_nginx_conf(self.dir, 1, True, "listen 127.0.0.1:%d backlog=4096;" % self.port,
                                  os.path.join(self.dir, "www"))
        self.proc = Proc("upstream nginx", ["nginx", "-c", conf, "-p", self.dir], os.path.join(self.dir, "out.log"),
                         cpus=cpus)
        wait_for_port(self.port, self.proc)

    def pids(self):
        return group_pids(self.proc.pid)

    def stop(self):
        self.proc.stop()


class Server:
    """One server under test. Subclasses write the configuration and name the processes to measure."""

    name = "?"

    env = {}  # extra environment of the server process (e.g. LD_PRELOAD to try a library setting)

    def __init__(self, workdir, pki_dir, upstream_port, workers, cpus, tag, wrapper=(), ready_timeout=10.0):
        """wrapper: a command the server runs under (valgrind for profiling); it then runs as one process."""
        self.dir = os.path.join(workdir, "%s-%s" % (self.name.lower(), tag))
        os.makedirs(self.dir, exist_ok=True)
        self.pki = pki_dir
        self.upstream_port = upstream_port
        self.workers = workers
        self.single_process = bool(wrapper)
        self.port = free_port()
        argv = list(wrapper) + self.configure()
        self.proc = Proc(self.name, argv, os.path.join(self.dir, "out.log"), cpus=cpus, cwd=self.dir, env=self.env)
        wait_for_port(self.port, self.proc, ready_timeout)

    def pem(self, name):
        return os.path.join(self.pki, name)

    def configure(self):
        raise NotImplementedError

    def cpu_pids(self):
        """Processes whose CPU time counts: all of the server's."""
        return group_pids(self.proc.pid)

    def rss_pids(self):
        """Processes whose memory holds the connections."""
        return [self.proc.pid]

    def traced_pids(self):
        """Processes whose system calls serve the connections (strace -f adds their threads)."""
        return self.rss_pids()

    def stop(self):
        self.proc.stop()


class Certgate(Server):
    name = "certgate"
    binary = "certgate"
    # The identity the peers pass upstream (subject DN, verify result), so that the upstream (on the load
    # generator's core in table 1) parses the same amount for all three: issuer, fingerprint, serial and the
    # ~1 KiB Client-Cert turned off. certgate's own identity and mapping headers stay.
    headers = """
[headers]
issuer = ""
fingerprint = ""
serial = ""
client_cert = ""
"""

    def configure(self):
        conf = _write(os.path.join(self.dir, "certgate.toml"), f"""\
[server]
listen = ["127.0.0.1:{self.port}"]
workers = {self.workers}
access_log = ""
log_level = "warn"

[limits]
drain_timeout = "1s"

[upstream]
url = "http://127.0.0.1:{self.upstream_port}"
max_idle_per_worker = 64
{self.headers}
[tls]
cert = "{self.pem('server.pem')}"
key = "{self.pem('server.key')}"
client_ca = ["{self.pem('ca.pem')}"]
mode = "require"

[[mapping.many_to_one]]
name = "bench"
user = "bench-user"

[[mapping.many_to_one.rules]]
field = "subject"
subfield = "CN"
match = "{CLIENT_CN}*"
""")
        return [self.binary, "serve", "-c", conf]


class CertgateAllHeaders(Certgate):
    """certgate as shipped: all eight identity headers (about 1.6 KiB per request with this certificate)."""
    headers = ""


class Nginx(Server):
    name = "nginx"
    listen_flags = "ssl"

    def configure(self):
        temp, user = _nginx_paths(self.dir)
        conf = _write(os.path.join(self.dir, "nginx.conf"), f"""\
{user}worker_processes {self.workers};
daemon off;
master_process {"off" if self.single_process else "on"};
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
worker_rlimit_nofile 65536;
events {{ worker_connections 16384; }}
http {{
  access_log off;
{temp}
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  upstream backend {{
    server 127.0.0.1:{self.upstream_port};
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{self.port} {self.listen_flags};
    ssl_certificate {self.pem('server.pem')};
    ssl_certificate_key {self.pem('server.key')};
    ssl_client_certificate {self.pem('ca.pem')};
    ssl_verify_client on;
    ssl_verify_depth 2;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Client-DN $ssl_client_s_dn;
      proxy_set_header X-Client-Verify $ssl_client_verify;
      # Large enough for the 64 KiB response to stay in memory (nginx's best case).
      proxy_buffer_size 16k;
      proxy_buffers 8 16k;
    }}
  }}
}}
""")
        return ["nginx", "-c", conf, "-p", self.dir]

    def rss_pids(self):
        # The workers hold the connections; the master only supervises.
        if self.single_process:
            return [self.proc.pid]
        return [p for p in group_pids(self.proc.pid) if p != self.proc.pid]


class NginxH2(Nginx):
    """nginx with HTTP/2 on the same listener (nginx 1.22: `listen ... ssl http2`; keepalive_requests, set
    above, also bounds the streams of an h2 connection)."""
    listen_flags = "ssl http2"


class NginxStatic(Nginx):
    """The keep-alive ceiling: nginx over the same mTLS serving the body itself (the upstream's files and
    static settings), no proxying."""
    name = "nginx-static"

    def configure(self):
        www = os.path.join(self.dir, "www")
        write_bodies(www)
        listen = f"""listen 127.0.0.1:{self.port} ssl;
    ssl_certificate {self.pem('server.pem')};
    ssl_certificate_key {self.pem('server.key')};
    ssl_client_certificate {self.pem('ca.pem')};
    ssl_verify_client on;
    ssl_verify_depth 2;
    ssl_protocols TLSv1.2 TLSv1.3;"""
        conf = _static_nginx_conf(self.dir, self.workers, not self.single_process, listen, www)
        return ["nginx", "-c", conf, "-p", self.dir]


class Haproxy(Server):
    name = "HAProxy"
    bind_flags = ""

    def configure(self):
        conf = _write(os.path.join(self.dir, "haproxy.cfg"), f"""\
global
  nbthread {self.workers}
  maxconn 8000
  ssl-server-verify none

defaults
  mode http
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s
  http-reuse always

frontend fe
  bind 127.0.0.1:{self.port} ssl crt {self.pem('server-combined.pem')} ca-file {self.pem('ca.pem')} verify required{self.bind_flags}
  http-request set-header X-Client-DN %[ssl_c_s_dn]
  http-request set-header X-Client-Verify %[ssl_c_verify]
  default_backend be

backend be
  server up 127.0.0.1:{self.upstream_port}
""")
        return ["haproxy", "-f", conf, "-db"]


class HaproxyH2(Haproxy):
    """HAProxy with HTTP/2 on the same bind line."""
    bind_flags = " alpn h2,http/1.1"


# The h2 keep-alive row's configuration of each server.
H2_VARIANT = {"nginx": NginxH2, "HAProxy": HaproxyH2}


SERVERS = {"certgate": Certgate, "nginx": Nginx, "HAProxy": Haproxy}
