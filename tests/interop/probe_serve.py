"""`imaplab probe` against the built-in server (`imaplab serve --demo`): a clean server must give 0 violations.

The probe runs 3 clients for a few seconds and must generate load, finish on time, clean up its mailboxes and
report no violation (every rule the probe checks holds for imaplab's own reference server).
"""
import json
import subprocess
import sys
import tempfile

from serve_helper import Serve, parse_args

PROBE_SECONDS = 6
PROBE_TIMEOUT_S = 120


def main():
    args = parse_args()
    with Serve(args.imaplab) as serve, tempfile.TemporaryDirectory(prefix="imaplab-probe-") as out:
        user, password = next(iter(serve.users.items()))
        cmd = [args.imaplab, "probe", "--host", "127.0.0.1", "--port", str(serve.port), "--user", user,
               "--pass", password, "--clients", "3", "--seconds", str(PROBE_SECONDS), "--checkpoint", "2",
               "--seed", "7", "--json", "--quiet", "--out", out]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
        sys.stdout.write(result.stdout[-4000:])
        sys.stderr.write(result.stderr[-4000:])
        summary = json.loads(result.stdout)
        assert summary["errors"] == [], summary["errors"]
        assert summary["commands_total"] > 50, f"too little load: {summary['commands_total']}"
        assert summary["checkpoints"] >= 1, "no checkpoint completed"
        assert summary["cleanup_ok"], "test mailboxes were not cleaned up"
        assert summary["violations_total"] == 0, f"violations against imaplab serve: {summary['violations']}"
        assert result.returncode == 0, f"exit status {result.returncode}"
    print("probe of imaplab serve: ok")


if __name__ == "__main__":
    main()
