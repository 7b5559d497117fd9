"""Starts `imaplab serve --demo` on a free loopback port for an interop test and stops it at the end.

Exit code 77 means "skipped" to ctest (SKIP_RETURN_CODE); each test calls skip() with what to install.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

SKIP = 77
STOP_TIMEOUT_S = 15


def skip(message):
    print(f"SKIP: {message}", flush=True)
    sys.exit(SKIP)


def require_tool(name, package):
    path = shutil.which(name)
    if path is None:
        skip(f"'{name}' is not installed (Debian package {package}; run: bash scripts/deps.sh interop)")
    return path


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--imaplab", required=True, help="path to the imaplab program")
    return parser.parse_args()


class Serve:
    """`imaplab serve --demo` as a context manager: .port, .users {name: password}, .log()."""

    def __init__(self, imaplab, extra_args=()):
        self.stderr = tempfile.NamedTemporaryFile(prefix="imaplab-serve-", suffix=".log", delete=False)
        args = [imaplab, "serve", "--listen", "127.0.0.1:0", "--demo", *extra_args]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        self.users = {}
        self.port = None
        self.tls_port = None
        for line in self.proc.stdout:
            words = line.split()
            if len(words) == 4 and words[0] == "user" and words[2] == "password":
                self.users[words[1]] = words[3]
            elif len(words) == 2 and words[0] == "listening-tls":
                self.tls_port = int(words[1].rsplit(":", 1)[1])
            elif len(words) == 2 and words[0] == "listening":
                self.port = int(words[1].rsplit(":", 1)[1])
                break
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("imaplab serve did not start:\n" + self.log())

    def log(self):
        with open(self.stderr.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        """SIGTERM, and the server must exit cleanly (status 0) on its own."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("imaplab serve did not stop on SIGTERM")
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        code = self.stop()
        if kind is not None:
            sys.stderr.write("--- imaplab serve log ---\n" + self.log())
        os.unlink(self.stderr.name)
        if kind is None and code != 0:
            raise AssertionError(f"imaplab serve exited with status {code}")
        return False
