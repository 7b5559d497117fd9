#!/usr/bin/env python3
"""curl's IMAP URLs (RFC 5092) against `imaplab serve --demo`: list mailboxes, fetch a message, append one
and fetch it back. curl logs in with AUTHENTICATE PLAIN and SASL-IR when offered."""
import imaplib
import subprocess
import tempfile

from serve_helper import Serve, parse_args, require_tool

CURL_TIMEOUT_S = 30


def curl(curl_path, url, user, password, *extra):
    result = subprocess.run([curl_path, "--silent", "--show-error", "--max-time", str(CURL_TIMEOUT_S),
                             "--user", f"{user}:{password}", *extra, url],
                            capture_output=True, timeout=CURL_TIMEOUT_S + 5)
    assert result.returncode == 0, f"curl {url} failed ({result.returncode}): {result.stderr.decode()}"
    return result.stdout.decode()


def main():
    args = parse_args()
    curl_path = require_tool("curl", "curl")
    with Serve(args.imaplab) as serve:
        base = f"imap://127.0.0.1:{serve.port}"
        password = serve.users["alice"]

        listing = curl(curl_path, f"{base}/", "alice", password)
        for name in ("INBOX", "Work", "shared/team"):
            assert f'"/" {name}\r\n' in listing, f"LIST lacks {name}:\n{listing}"
        print("ok: list")

        message = curl(curl_path, f"{base}/INBOX;UID=1", "alice", password)
        assert "Subject: Welcome to imaplab" in message and "Hello Alice." in message, message
        print("ok: fetch INBOX;UID=1")

        body = "From: curl <curl@example.org>\r\nSubject: sent by curl\r\n\r\nappended over IMAP\r\n"
        with tempfile.NamedTemporaryFile("w", suffix=".eml", newline="") as f:
            f.write(body)
            f.flush()
            curl(curl_path, f"{base}/Work", "alice", password, "--upload-file", f.name)
        print("ok: append to Work")

        client = imaplib.IMAP4("127.0.0.1", serve.port)
        client.login("alice", password)
        assert client.select("Work") == ("OK", [b"2"])
        typ, data = client.uid("SEARCH", None, "SUBJECT", '"sent by curl"')
        assert typ == "OK" and len(data[0].split()) == 1, data
        uid = data[0].decode()
        fetched = curl(curl_path, f"{base}/Work;UID={uid}", "alice", password)
        assert fetched == body, f"fetched back {fetched!r}"
        print("ok: appended message fetched back byte for byte")
        client.logout()
    print("curl interop: passed")


if __name__ == "__main__":
    main()
