#!/usr/bin/env python3
"""packaging/kubernetes/ parses as Kubernetes YAML and agrees with itself: the Deployment runs 2 or more replicas
of `certgate serve -c` the ConfigMap's certgate.toml, probes /readyz (readiness) and /healthz (liveness) on the
admin port the TOML listens on, carries the prometheus.io scrape annotations for that port and /metrics, mounts
every file the TOML names from the ConfigMap or a Secret of secrets.example.yaml (the ticket keys among them), and
the Service and PodDisruptionBudget select its pods. The TOML itself, with its paths moved to test files, passes
`certgate check` (no error)."""
import os
import sys
import tomllib

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import check, check_eq, fail, pki, run_test, skip, subdir
from harness.run import run_certgate
from harness.tickets import new_key_file

try:
    import yaml
except ImportError:  # python3-yaml: scripts/install-deps
    yaml = None

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "kubernetes")


def load(name):
    with open(os.path.join(DIR, name)) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def port_of(listen):
    return int(listen.rsplit(":", 1)[1])


def main():
    if yaml is None:
        skip("python3-yaml is not installed")
    kustomization = load("kustomization.yaml")[0]
    docs = {}
    for name in kustomization["resources"] + ["secrets.example.yaml"]:
        for doc in load(name):
            check("apiVersion" in doc and "kind" in doc and "name" in doc.get("metadata", {}),
                  "%s: every object has apiVersion, kind and metadata.name" % name)
            docs[doc["kind"], doc["metadata"]["name"]] = doc
    config_map = docs["ConfigMap", "certgate-config"]
    toml_text = config_map["data"]["certgate.toml"]
    cfg = tomllib.loads(toml_text)

    deployment = docs["Deployment", "certgate"]
    spec = deployment["spec"]
    check(spec["replicas"] >= 2, "the Deployment runs several replicas")
    pod = spec["template"]
    labels = pod["metadata"]["labels"]
    check_eq(spec["selector"]["matchLabels"], labels, "the Deployment selects its own pods")
    for kind in ("Service", "PodDisruptionBudget"):
        selector = docs[kind, "certgate"]["spec"]["selector"]
        selector = selector.get("matchLabels", selector)
        check(all(labels.get(k) == v for k, v in selector.items()), "the %s selects the Deployment's pods" % kind)

    container = pod["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    check_eq(ports["admin"], port_of(cfg["admin"]["listen"]), "admin containerPort = [admin] listen")
    check_eq(ports["https"], port_of(cfg["server"]["listen"][0]), "https containerPort = [server] listen")
    check_eq(container["readinessProbe"]["httpGet"]["path"], "/readyz", "readiness probe path")
    check_eq(container["livenessProbe"]["httpGet"]["path"], "/healthz", "liveness probe path")
    for probe in ("readinessProbe", "livenessProbe"):
        check(container[probe]["httpGet"]["port"] in ("admin", ports["admin"]), "%s on the admin port" % probe)
    annotations = pod["metadata"]["annotations"]
    check_eq(annotations.get("prometheus.io/scrape"), "true", "scrape annotation")
    check_eq(annotations.get("prometheus.io/port"), str(ports["admin"]), "scrape port annotation")
    check_eq(annotations.get("prometheus.io/path"), "/metrics", "scrape path annotation")
    service_ports = [p["targetPort"] for p in docs["Service", "certgate"]["spec"]["ports"]]
    check("admin" not in service_ports and ports["admin"] not in service_ports, "the Service does not expose admin")

    # Every file the TOML names comes from a mounted ConfigMap or Secret key.
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    mounted = {}
    for m in container["volumeMounts"]:
        v = volumes[m["name"]]
        if "configMap" in v:
            keys = docs["ConfigMap", v["configMap"]["name"]]["data"].keys()
        else:
            secret = docs.get(("Secret", v["secret"]["secretName"]))
            check(secret is not None, "the Secret %s is in secrets.example.yaml" % v["secret"]["secretName"])
            keys = secret["data"].keys()
        if "subPath" in m:
            mounted[m["mountPath"]] = m["subPath"] in keys
        else:
            for k in keys:
                mounted[os.path.join(m["mountPath"], k)] = True
    config_path = container["args"][container["args"].index("-c") + 1]
    check(mounted.get(config_path), "the -c file %s is mounted from the ConfigMap" % config_path)
    tls = cfg["tls"]
    named = [tls["cert"], tls["key"]] + tls["client_ca"] + tls["session_ticket_keys"]
    check(len(tls["session_ticket_keys"]) >= 2, "two ticket keys, so that rotation is one step")
    for path in named:
        check(mounted.get(path), "%s is mounted from a Secret" % path)

    # The TOML is a configuration certgate accepts, once its files exist.
    p = pki()
    d = subdir("kubernetes")
    sources = {tls["cert"]: p.pem("server"), tls["key"]: p.key("server"), tls["client_ca"][0]: p.pem("ca")}
    text = toml_text
    for path in named:
        local = os.path.join(d, path.strip("/").replace("/", "_"))
        if path in sources:
            with open(sources[path], "rb") as src, open(local, "wb") as dst:
                dst.write(src.read())
        else:
            os.replace(new_key_file(os.path.basename(path)), local)
        text = text.replace('"%s"' % path, '"%s"' % local)
    with open(os.path.join(d, "certgate.toml"), "w") as f:
        f.write(text)
    r = run_certgate(["check", "-c", "certgate.toml"], cwd=d)
    check(r.code in (0, 1), "certgate check finds no error in the ConfigMap's certgate.toml", r)


if __name__ == "__main__":
    run_test(main)
