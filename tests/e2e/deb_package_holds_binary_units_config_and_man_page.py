#!/usr/bin/env python3
"""`make package` (cpack -G DEB) builds certgate_<version>_<arch>.deb holding the binary, both systemd units, the
default configuration and the logrotate snippet as conffiles, the shipped Cloudflare CA, the documentation and
the man page certgate(8); its dependencies come from the shared libraries (dpkg-shlibdeps) plus what the
maintainer scripts run. The man page holds every subcommand's --help as the binary prints it."""
import gzip
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.common import REPO, certgate_bin, check, check_eq, run_test, subdir, test_data_dir
from harness.package import build_deb, contents, dpkg_deb, field

SHIPPED = {  # installed path -> source file, byte for byte
    "/etc/certgate/certgate.toml": "packaging/config/certgate.toml",
    "/etc/logrotate.d/certgate": "packaging/logrotate/certgate",
    "/lib/systemd/system/certgate.service": "packaging/systemd/certgate.service",
    "/lib/systemd/system/certgate@.service": "packaging/systemd/certgate@.service",
    "/usr/share/doc/certgate/config.md": "docs/config.md",
    "/usr/share/doc/certgate/operations.md": "docs/operations.md",
}
MAN = "/usr/share/man/man8/certgate.8.gz"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def help_text(*words):
    r = subprocess.run([certgate_bin()] + list(words) + ["--help"], capture_output=True, text=True, timeout=30)
    check_eq(r.returncode, 0, "certgate %s --help exit code" % " ".join(words))
    return r.stdout


def subcommands(text):
    block = text.split("\nSubcommands:\n", 1)
    if len(block) < 2:
        return []
    return re.findall(r"^  ([a-z][a-z0-9-]*)  ", block[1].split("\n\n", 1)[0], re.M)


def squeeze(text):
    return " ".join(text.split())


def main():
    d = subdir("package")
    deb = build_deb(d)
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    version = subprocess.run([certgate_bin(), "--version"], capture_output=True, text=True).stdout.split()[-1]
    check_eq(os.path.basename(deb), "certgate_%s_%s.deb" % (version, arch), "the package's file name")
    check_eq(field(deb, "Package"), "certgate", "Package")
    check_eq(field(deb, "Version"), version, "Version (the project's)")
    depends = [dep.strip().split(" ")[0] for dep in field(deb, "Depends").split(",")]
    for needed in ("libc6", "libssl3", "libstdc++6", "adduser", "openssl"):
        check(needed in depends, "Depends lacks %s: %r" % (needed, depends))

    files = contents(deb)
    for path in list(SHIPPED) + ["/usr/bin/certgate", MAN, "/usr/share/certgate/cloudflare-origin-pull-ca.pem",
                                 "/usr/share/certgate/README.md"]:
        check(path in files, "the package lacks %s:\n%s" % (path, "\n".join(sorted(files))))
    for path, (mode, owner) in files.items():
        check_eq(owner, "root/root", "owner of %s" % path)
    check_eq(files["/usr/bin/certgate"][0], "-rwxr-xr-x", "mode of the binary")
    check_eq(files["/etc/certgate/certgate.toml"][0], "-rw-r--r--", "mode of the configuration")
    check(not any(p.startswith(("/usr/local", "/home", "/root", "/work", "/tmp")) for p in files),
          "files outside the system paths: %r" % sorted(files))

    control = os.path.join(d, "control")
    dpkg_deb("-e", deb, control)
    check_eq(read(os.path.join(control, "conffiles")).decode().split(),
             ["/etc/certgate/certgate.toml", "/etc/logrotate.d/certgate"], "conffiles")
    for script in ("postinst", "prerm", "postrm"):
        check(os.access(os.path.join(control, script), os.X_OK), "the maintainer script %s is executable" % script)

    root = os.path.join(d, "root")
    dpkg_deb("-x", deb, root)
    for path, source in SHIPPED.items():
        check(read(root + path) == read(os.path.join(REPO, source)), "%s is not %s byte for byte" % (path, source))
    ca = os.path.join(test_data_dir(), "aop-certs", "cloudflare-aop-origin-pull-ca-2019-2029.pem")
    check(read(root + "/usr/share/certgate/cloudflare-origin-pull-ca.pem") == read(ca), "the shipped CA is the public one")
    shipped = subprocess.run([root + "/usr/bin/certgate", "--version"], capture_output=True, text=True, timeout=30)
    check_eq((shipped.returncode, shipped.stdout.strip()), (0, "certgate %s" % version), "the packaged binary runs")

    # certgate(8): made from the binary's help, so rendered it holds every subcommand's --help line for line.
    page = gzip.decompress(read(root + MAN)).decode()
    check(page.startswith(".\\\"") and ".TH CERTGATE \"8\"" in page, "a section 8 man page: %r" % page[:300])
    if not shutil.which("groff"):
        print("groff is not installed (Debian package groff-base): the page is checked unrendered")
        return
    r = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou", "-rLL=300n", "-ww", "-z"], input=page,
                       capture_output=True, text=True, timeout=60)
    check_eq((r.returncode, r.stderr), (0, ""), "groff warnings on certgate(8)")
    rendered = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou", "-rLL=300n"], input=page, capture_output=True,
                              text=True, timeout=60).stdout
    check("certgate - TLS gateway" in rendered, "the NAME line: %r" % rendered[:500])
    flat = squeeze(rendered)
    pending = [[c] for c in subcommands(help_text())]
    check(len(pending) >= 7, "subcommands found in certgate --help: %r" % pending)
    seen = 0
    while pending:
        words = pending.pop(0)
        text = help_text(*words)
        check("certgate " + " ".join(words) in rendered, "a section for certgate %s" % " ".join(words))
        for line in text.splitlines():
            if line.strip():
                check(squeeze(line) in flat, "certgate(8) lacks this line of `certgate %s --help`: %r"
                      % (" ".join(words), line))
        pending += [words + [s] for s in subcommands(text)]
        seen += 1
    print("certgate(8) holds the --help of %d commands" % seen)


if __name__ == "__main__":
    run_test(main)
