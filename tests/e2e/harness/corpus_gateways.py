"""The gateways the request corpus runs through, each started with a configuration written at test time,
proxying to the recording origin (harness/raw_origin.py) over kept-alive upstream connections and passing
the client's identity in headers:

  certgate  harness/gateway.py base_config: mode require, the edge mapping, every default identity header
  nginx     ssl_verify_client on; proxy_set_header for the identity headers, "" for the reserved names it does
            not set (nginx then drops the client's copies); upstream keepalive
  HAProxy   verify required; http-request set-header / del-header for the same names; option forwardfor;
            http-reuse always

Each returns a corpus_runner.Target whose IdentityPolicy says what that gateway vouches for.
"""
import os

from harness import common
from harness.corpus_runner import IdentityPolicy, Target, certgate_policy
from harness.gateway import Gateway, base_config, free_port
from harness.origins import ForegroundServer, require_program

# What the peers set: verify result and subject from the certificate, the mapped identity as a constant (both
# peers require a certificate of the test CA; the mapping itself is certgate's feature), the scheme and the
# client address. Every other reserved name is removed.
PEER_SET = ("X-Client-Verify", "X-Client-Identity", "X-Client-Mapping", "X-Client-Cert-Subject",
            "X-Forwarded-Proto")
PEER_REMOVED = ("X-Client-Cert-Issuer", "X-Client-Cert-Fingerprint", "X-Client-Cert-Serial", "Client-Cert",
                "Client-Cert-Chain", "X-Forwarded-Host", "Forwarded", "X-Real-IP")


def peer_policy(facts):
    return IdentityPolicy(
        exact={"X-Client-Verify": "SUCCESS", "X-Client-Identity": "edge-user", "X-Client-Mapping": "edge",
               "X-Client-Cert-Subject": facts["subject"], "X-Forwarded-Proto": "https"},
        absent=PEER_REMOVED, xff_single=False)


def certgate(pki, origin, facts, name="certgate"):
    cfg = base_config(pki, origin.url)
    # A body that stops (a chunk extension whose quoted string never ends reads, as Beast reads it, past its
    # line) is answered with 408 at body_timeout: short here, so that the answer comes within the runner's waits.
    cfg["limits"] = {"drain_timeout": "1s", "body_timeout": "500ms"}
    state = {"gw": Gateway(cfg, name=name)}
    target = Target(name, state["gw"].port, certgate_policy(facts), alive=lambda: state["gw"].alive())

    def restart():
        old = state["gw"]
        old.kill()
        common.unregister(old)
        state["gw"] = Gateway(cfg, name=name + "-restarted")
        target.port = state["gw"].port

    target.restart = restart
    target.stop = lambda: state["gw"].stop(expect=0)
    target.describe = lambda: state["gw"].describe()
    return target


NGINX_CONF = """{user}worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_timeout 30s;
    upstream origin {{
        server 127.0.0.1:{origin_port};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {server_pem};
        ssl_certificate_key {server_key};
        ssl_client_certificate {ca};
        ssl_verify_client on;
        location / {{
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Client-Verify $ssl_client_verify;
            proxy_set_header X-Client-Identity "edge-user";
            proxy_set_header X-Client-Mapping "edge";
            proxy_set_header X-Client-Cert-Subject $ssl_client_s_dn;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
{removed}            proxy_read_timeout 10s;
        }}
    }}
}}
"""


def nginx(pki, origin, facts, name="nginx"):
    binary = require_program("nginx")
    directory = common.subdir(name)
    port = free_port()
    conf = os.path.join(directory, "nginx.conf")
    removed = "".join('            proxy_set_header %s "";\n' % h for h in PEER_REMOVED)
    # As root the workers would otherwise run as nobody and could not use the scratch directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(user=user, dir=directory, port=port, origin_port=origin.port,
                                  server_pem=pki.pem("server"), server_key=pki.key("server"), ca=pki.pem("ca"),
                                  removed=removed))
    argv = [binary, "-c", conf, "-p", directory,
            "-g", "daemon off; pid %s/nginx.pid; error_log %s/error.log;" % (directory, directory)]
    return _peer_target(name, lambda: ForegroundServer(name, argv, port, directory,
                                                       os.path.join(directory, "error.log")).start(), facts)


HAPROXY_CFG = """global
    maxconn 256
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 10s
    timeout server 10s
    timeout http-request 5s
    timeout http-keep-alive 10s
    http-reuse always
frontend fe
    bind 127.0.0.1:{port} ssl crt {crt} ca-file {ca} verify required
{removed}    http-request set-header X-Client-Verify SUCCESS if {{ ssl_c_used }} {{ ssl_c_verify 0 }}
    http-request set-header X-Client-Identity edge-user
    http-request set-header X-Client-Mapping edge
    http-request set-header X-Client-Cert-Subject %[ssl_c_s_dn(,0,rfc2253)]
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    default_backend be
backend be
    server origin 127.0.0.1:{origin_port}
"""


def haproxy(pki, origin, facts, name="haproxy"):
    binary = require_program("haproxy")
    directory = common.subdir(name)
    port = free_port()
    crt = os.path.join(directory, "server-with-key.pem")  # HAProxy wants the certificate and key in one file
    with open(crt, "w") as out:
        for part in (pki.pem("server"), pki.key("server")):
            with open(part) as f:
                out.write(f.read())
    removed = "".join("    http-request del-header %s\n" % h for h in PEER_REMOVED)
    cfg = os.path.join(directory, "haproxy.cfg")
    with open(cfg, "w") as f:
        f.write(HAPROXY_CFG.format(port=port, crt=crt, ca=pki.pem("ca"), origin_port=origin.port, removed=removed))
    return _peer_target("HAProxy", lambda: ForegroundServer(name, [binary, "-f", cfg, "-db"], port, directory,
                                                            os.path.join(directory, "haproxy.log")).start(), facts)


def _peer_target(name, start, facts):
    """A Target for a peer started by start() (on the port its configuration names); restart() starts it
    again on the same port."""
    state = {"server": start()}
    target = Target(name, state["server"].port, peer_policy(facts),
                    alive=lambda: state["server"].proc.poll() is None)

    def restart():
        state["server"].close()
        state["server"] = start()

    target.restart = restart
    target.stop = lambda: state["server"].close()
    target.describe = lambda: state["server"].describe()
    return target
