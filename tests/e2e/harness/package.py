"""The Debian package under test: built by cpack from the build directory (its CPackConfig.cmake) into the test's
own directory, so that tests and `make package` never share an output, and read with dpkg-deb."""
import glob
import os
import shutil
import subprocess

from harness import common


def build_dir():
    return os.path.abspath(os.environ.get("CERTGATE_BUILD_DIR") or os.path.dirname(common.certgate_bin()))


def require_tools():
    for tool, package in (("cpack", "cmake"), ("dpkg-deb", "dpkg"), ("dpkg-shlibdeps", "dpkg-dev")):
        if not shutil.which(tool):
            common.skip("%s is not installed (Debian package %s)" % (tool, package))


def build_deb(directory, timeout=600):
    """cpack -G DEB of the build directory into `directory`; the path of the one .deb it wrote."""
    require_tools()
    config = os.path.join(build_dir(), "CPackConfig.cmake")
    common.check(os.path.exists(config), "no %s: configure the build directory first" % config)
    r = subprocess.run(["cpack", "--config", config, "-G", "DEB", "-B", directory], capture_output=True, text=True,
                       timeout=timeout, cwd=directory)
    common.check(r.returncode == 0, "cpack exited with %d:\n%s" % (r.returncode, (r.stdout + r.stderr)[-3000:]))
    debs = glob.glob(os.path.join(directory, "certgate_*.deb"))
    common.check(len(debs) == 1, "cpack wrote %r, expected one certgate_*.deb" % debs)
    return debs[0]


def dpkg_deb(*args):
    r = subprocess.run(["dpkg-deb"] + list(args), capture_output=True, text=True, timeout=120)
    common.check(r.returncode == 0, "dpkg-deb %s exited with %d: %s" % (" ".join(args), r.returncode, r.stderr[-2000:]))
    return r.stdout


def contents(deb):
    """dpkg-deb -c: {path: (mode, owner)} with paths as installed ("/usr/bin/certgate")."""
    out = {}
    for line in dpkg_deb("-c", deb).splitlines():
        parts = line.split(None, 5)
        if len(parts) < 6:
            continue
        path = parts[5].split(" -> ")[0]
        path = path[1:] if path.startswith(".") else path
        out[path.rstrip("/") or "/"] = (parts[0], parts[1])
    return out


def field(deb, name):
    return dpkg_deb("-f", deb, name).strip()
