"""Helpers for the `certgate pki` tests: running its subcommands in a directory, and a configuration for
`certgate explain` made of a ToolPki [tls] block followed by the [[host]] block `pki issue` printed."""
import json
import os

from harness import common
from harness.tools import ToolPki, run, run_json, serve_toml, write

HOSTNAME = "www.example.com"


def pki_cmd(args, cwd, json_output=False):
    """certgate pki ARGS (with --json: (Run, parsed stdout))."""
    return run_json(["pki"] + list(args), cwd) if json_output else run(["pki"] + list(args), cwd)


def init(directory, cwd, *extra):
    r = pki_cmd(["init", "--dir", directory] + list(extra), cwd)
    common.check(r.code == 0, "pki init exits 0", r)
    return r


def issue(directory, cwd, hostname=HOSTNAME, *extra):
    """pki issue --json: the next-steps object."""
    r, steps = pki_cmd(["issue", "--dir", directory, "--hostname", hostname] + list(extra), cwd, json_output=True)
    common.check(r.code == 0, "pki issue exits 0", r)
    return steps


def host_block(steps):
    return steps["config"]["toml"]


def explain_config(cwd, block, name="certgate.toml"):
    """A configuration whose [tls] block is a ToolPki's (server certificate, its own CA as client_ca) with `block`
    after it; returns (path, ToolPki)."""
    tool = ToolPki(os.path.join(cwd, "tool-pki"))
    return write(cwd, name, serve_toml(tool, [tool.pem("ca")], extra="\n" + block)), tool


def explain(cwd, config, cert, hostname=HOSTNAME):
    """certgate explain for `cert` under --host: (Run, report)."""
    return run_json(["explain", "-c", config, "--cert", cert, "--host", hostname], cwd)


def leaf_path(steps_or_entry_dir, entry_id, hostname=HOSTNAME):
    return os.path.join(steps_or_entry_dir, "edge", hostname, entry_id + ".pem")


def read_json(path):
    with open(path) as f:
        return json.load(f)
