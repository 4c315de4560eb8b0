#!/usr/bin/env python3
"""The source directories form layers, and every #include goes down (or sideways within a directory), never up:

    core                     pure: no Asio, Beast, OpenSSL
    log                      lines to files and pipes without blocking (no other layer)
    config    -> core
    tls       -> core, config                     (the only place with X509* / SSL*)
    net       -> core, config, tls                (sockets and deadlines)
    http      -> core, config, log                (HTTP/1.1 messages, the access log; no sockets, no Asio)
    h2        -> core, config, log, http          (the HTTP/2 session fed bytes, h2 <-> HTTP/1.1; no sockets)
    proxy     -> core, config, tls, net, http     (upstream connections, body relay)
    client    -> core, config, tls, http          (the tools' blocking HTTPS client and the origin probe)
    metrics   -> core                             (the Prometheus registry; no Asio, Beast, OpenSSL)
    server    -> everything above                 (workers, connections, the request phases)
    admin     -> everything above                 (the admin listener: health, readiness, metrics)
    cli       -> everything                       (one file per subcommand)

So there is no cycle between directories, and what decides (core) cannot depend on how bytes move."""
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(REPO, "src")

ALLOWED = {
    "core": {"core"},
    "log": {"log"},
    "config": {"core", "config"},
    "tls": {"core", "config", "tls"},
    "net": {"core", "config", "tls", "net"},
    "http": {"core", "config", "log", "http"},
    "h2": {"core", "config", "log", "http", "h2"},
    "proxy": {"core", "config", "h2", "tls", "net", "http", "proxy"},
    "client": {"core", "config", "h2", "tls", "http", "client", "log"},
    "metrics": {"core", "metrics"},
    "server": {"core", "config", "h2", "tls", "net", "http", "proxy", "server", "log", "metrics"},
    "admin": {"core", "config", "h2", "tls", "net", "http", "proxy", "server", "log", "metrics", "admin"},
    "cli": {"core", "config", "h2", "tls", "net", "http", "proxy", "server", "log", "client", "metrics", "admin", "cli"},
}
# System headers a layer must not use.
FORBIDDEN_SYSTEM = {
    "core": ("boost/", "openssl/", "spdlog/", "fmt/"),
    "log": ("boost/", "openssl/"),
    "metrics": ("boost/", "openssl/"),
    "config": ("boost/asio", "boost/beast", "openssl/"),
    "http": ("boost/asio", "openssl/"),
    "h2": ("boost/asio", "openssl/"),
}
# ...except these, which hold no I/O (Beast's parser takes its bytes as Asio buffer views).
ALLOWED_SYSTEM = {"http": ("boost/asio/buffer.hpp",), "h2": ("boost/asio/buffer.hpp",)}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main():
    problems = []
    seen = 0
    for layer in sorted(os.listdir(SRC)):
        directory = os.path.join(SRC, layer)
        if not os.path.isdir(directory):
            continue
        if layer not in ALLOWED:
            problems.append("src/%s: a directory the layering does not know (add it to %s)" % (layer, __file__))
            continue
        for name in sorted(os.listdir(directory)):
            if not name.endswith((".cpp", ".hpp")):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    seen += 1
                    kind, target = m.groups()
                    where = "src/%s/%s:%d" % (layer, name, number)
                    if kind == '"':
                        top = target.split("/", 1)[0]
                        if "/" in target and top in ALLOWED and top not in ALLOWED[layer]:
                            problems.append("%s: %s includes %s (src/%s may use only %s)"
                                            % (where, layer, target, layer, ", ".join(sorted(ALLOWED[layer]))))
                    else:
                        if target in ALLOWED_SYSTEM.get(layer, ()):
                            continue
                        for bad in FORBIDDEN_SYSTEM.get(layer, ()):
                            if target.startswith(bad):
                                problems.append("%s: src/%s must not include <%s>" % (where, layer, target))
    if seen == 0:
        problems.append("no #include found under %s: wrong directory?" % SRC)
    for p in problems:
        print("FAIL:", p)
    if problems:
        sys.exit(1)
    print("PASS (%d includes checked)" % seen)


if __name__ == "__main__":
    main()
