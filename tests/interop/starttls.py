#!/usr/bin/env python3
"""TLS with Python imaplib against `imaplab serve --demo --require-tls`: LOGINDISABLED before STARTTLS
(RFC 3501 §6.2.3), login after it, and implicit TLS (RFC 8314) on a second port."""
import imaplib
import os
import ssl
import subprocess
import tempfile

from serve_helper import Serve, parse_args, require_tool

OPENSSL_TIMEOUT_S = 60


def make_certificate(openssl, folder):
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True,
                   timeout=OPENSSL_TIMEOUT_S)
    return cert, key


def main():
    args = parse_args()
    openssl = require_tool("openssl", "openssl")
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = make_certificate(openssl, tmp)
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        extra = ["--tls-cert", cert, "--tls-key", key, "--require-tls", "--listen-tls", "127.0.0.1:0"]
        with Serve(args.imaplab, extra) as serve:
            password = serve.users["alice"]
            plain = imaplib.IMAP4("127.0.0.1", serve.port)
            assert "STARTTLS" in plain.capabilities and "LOGINDISABLED" in plain.capabilities, plain.capabilities
            try:
                plain.login("alice", password)
                raise AssertionError("LOGIN accepted before TLS despite LOGINDISABLED")
            except imaplib.IMAP4.error:
                pass
            plain.starttls(ssl_context=context)
            assert "LOGINDISABLED" not in plain.capabilities and "STARTTLS" not in plain.capabilities
            assert plain.login("alice", password)[0] == "OK"
            assert plain.select("INBOX") == ("OK", [b"3"])
            plain.logout()
            print("ok: STARTTLS, then LOGIN")

            assert serve.tls_port
            implicit = imaplib.IMAP4_SSL("127.0.0.1", serve.tls_port, ssl_context=context)
            assert "STARTTLS" not in implicit.capabilities and "LOGINDISABLED" not in implicit.capabilities
            assert implicit.login("alice", password)[0] == "OK"
            assert implicit.select("shared/team")[0] == "OK"
            implicit.logout()
            print("ok: implicit TLS")
    print("TLS interop: passed")


if __name__ == "__main__":
    main()
