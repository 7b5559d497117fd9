"""`imaplab probe` against a throwaway Dovecot (scripts/dovecot.sh): 10 s, 3 clients, summary checked.

Skips (exit 77) when dovecot is not installed (bash scripts/deps.sh interop). Dovecot's findings may differ
between versions, so the test checks that the probe did its job, not that Dovecot is free of findings: load was
generated, checkpoints ran, the mailboxes were cleaned up, every written trace parses and replays its commands,
and the run ended on time.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from serve_helper import parse_args, skip

PROBE_SECONDS = 10
PROBE_TIMEOUT_S = 150
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "dovecot.sh")


def main():
    args = parse_args()
    if shutil.which("dovecot") is None:
        skip("dovecot is not installed (Debian package dovecot-imapd; run: bash scripts/deps.sh interop)")
    base = tempfile.mkdtemp(prefix="imaplab-dovecot-")
    out = tempfile.mkdtemp(prefix="imaplab-probe-out-")
    started = subprocess.run(["bash", SCRIPT, "start", base, "0", "3"], capture_output=True, text=True, timeout=60)
    if started.returncode != 0:
        sys.stderr.write(started.stderr)
        raise AssertionError("dovecot did not start")
    port = started.stdout.strip()
    try:
        users = os.path.join(out, "users")
        with open(users, "w", encoding="utf-8") as f:
            f.write("user1 pass1\nuser2 pass2\n")
        cmd = [args.imaplab, "probe", "--host", "127.0.0.1", "--port", port, "--users", users, "--clients", "3",
               "--seconds", str(PROBE_SECONDS), "--checkpoint", "3", "--seed", "3", "--json", "--quiet",
               "--command-timeout", "3", "--out", out]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
        sys.stderr.write(result.stderr[-4000:])
        summary = json.loads(result.stdout)
        print(json.dumps({k: summary[k] for k in ("commands_total", "commands_per_second", "violations", "dismissed",
                                                   "behaviours", "checkpoints", "checkpoints_abandoned", "timeouts",
                                                   "cleanup_ok", "errors")}, indent=1))
        assert summary["errors"] == [], summary["errors"]
        assert summary["commands_total"] > 50, f"too little load: {summary['commands_total']}"
        # Dovecot 2.3 can leave an APPEND unanswered behind a stale maildir lock after racing RENAMEs; the
        # checkpoint then gives up (abandoned) rather than waiting: either way the mechanism ran.
        assert summary["checkpoints"] + summary["checkpoints_abandoned"] >= 1, "no checkpoint ran"
        assert summary["cleanup_ok"], "test mailboxes were not cleaned up"
        assert result.returncode in (0, 1), f"exit status {result.returncode}"
        assert (result.returncode == 1) == (summary["violations_total"] > 0)
        if summary["violations_total"] > 0:
            assert summary["trace_files"], "violations without traces"
        for path in summary["trace_files"]:
            parsed = subprocess.run([args.imaplab, "probe", "--replay", path, "--attempts", "1", "--host",
                                     "127.0.0.1", "--port", port, "--users", users, "--json"],
                                    capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
            replay = json.loads(parsed.stdout)
            assert replay["attempts"] == 1, parsed.stdout
            break  # one replay is enough to show the round trip
    finally:
        subprocess.run(["bash", SCRIPT, "stop", base], timeout=60)
        shutil.rmtree(out, ignore_errors=True)
    print("probe of dovecot: ok")


if __name__ == "__main__":
    main()
