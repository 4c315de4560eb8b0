#!/usr/bin/env python3
"""packaging/docker/Dockerfile builds an image (the Debian package installed on debian:12-slim) whose container
runs certgate as the user certgate, becomes healthy by its HEALTHCHECK (/healthz of the admin listener), refuses
a client without a certificate with 403.7 on the published port and stops on SIGTERM with exit 0. Skipped when
no container runtime answers (`docker info` fails): the image takes minutes to build."""
import os
import shutil
import subprocess
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import REPO, check, check_eq, register, run_test, skip
from harness.gateway import free_port, wait_for_port


def docker(*args, timeout=120):
    return subprocess.run(["docker"] + list(args), capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class Container:
    """The image and container this test made: removed at the end, whatever happened."""

    def __init__(self, tag):
        self.tag, self.name = tag, tag.replace(":", "-")

    def close(self):
        docker("rm", "-f", self.name)
        docker("rmi", "-f", self.tag)

    def describe(self):
        logs = docker("logs", "--tail", "50", self.name)
        return "--- docker logs %s\n%s%s" % (self.name, logs.stdout, logs.stderr)


def main():
    if not shutil.which("docker"):
        skip("no docker command")
    if docker("info", timeout=30).returncode != 0:
        skip("`docker info` fails: no container runtime running")
    box = register(Container("certgate-e2e:%s" % uuid.uuid4().hex[:12]))
    r = docker("build", "-f", os.path.join(REPO, "packaging", "docker", "Dockerfile"), "-t", box.tag, REPO,
               timeout=3600)
    check_eq(r.returncode, 0, "docker build:\n%s" % (r.stdout + r.stderr)[-4000:])

    port = free_port()
    r = docker("run", "-d", "--name", box.name, "-p", "127.0.0.1:%d:8443" % port, box.tag)
    check_eq(r.returncode, 0, "docker run: %s" % r.stderr)
    check(wait_for_port("127.0.0.1", port, 30), "the container's 8443 answers on 127.0.0.1:%d" % port)

    health = ""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        health = docker("inspect", "-f", "{{.State.Health.Status}}", box.name).stdout.strip()
        if health in ("healthy", "unhealthy"):
            break
        time.sleep(1)
    check_eq(health, "healthy", "the HEALTHCHECK (/healthz) status")
    check_eq(docker("exec", box.name, "id", "-un").stdout.strip(), "certgate", "the user inside the container")

    curl = subprocess.run(["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:%d/" % port],
                          capture_output=True, text=True, timeout=30)
    check_eq(curl.stdout, "403", "a client without a certificate (403.7)")
    check('"substatus":7' in docker("logs", box.name).stdout, "the refusal is in the access log on standard output")

    r = docker("stop", "-t", "20", box.name, timeout=60)
    check_eq(r.returncode, 0, "docker stop: %s" % r.stderr)
    check_eq(docker("inspect", "-f", "{{.State.ExitCode}}", box.name).stdout.strip(), "0", "exit code after SIGTERM")


if __name__ == "__main__":
    run_test(main)
