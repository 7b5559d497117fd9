#!/usr/bin/env python3
"""mbsync (Debian isync) against `imaplab serve --demo`: sync the server's INBOX and Work to a local Maildir,
change flags and delete messages on both sides, sync again, and check both sides agree message by message."""
import email
import imaplib
import os
import subprocess
import tempfile

from serve_helper import Serve, parse_args, require_tool

MBSYNC_TIMEOUT_S = 60
MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}
SYSTEM_FLAGS = set(MAILDIR_FLAGS.values())
BOXES = ("INBOX", "Work")


def write_config(path, port, password, maildir):
    with open(path, "w") as f:
        f.write(f"""IMAPAccount demo
Host 127.0.0.1
Port {port}
User alice
Pass {password}
SSLType None
AuthMechs LOGIN PLAIN

IMAPStore remote
Account demo

MaildirStore local
Path {maildir}/
Inbox {maildir}/INBOX
SubFolders Verbatim

Channel demo
Far :remote:
Near :local:
Patterns {" ".join(BOXES)}
Create Both
Expunge Both
SyncState *
Sync All
""")


def mbsync(mbsync_path, config):
    result = subprocess.run([mbsync_path, "--config", config, "--all"], capture_output=True, text=True,
                            timeout=MBSYNC_TIMEOUT_S)
    assert result.returncode == 0, f"mbsync failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"


def maildir_files(maildir, box):
    """{subject: (path, flags)} of the live messages of one local folder."""
    out = {}
    for sub in ("cur", "new"):
        folder = os.path.join(maildir, box, sub)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                subject = email.message_from_binary_file(f)["Subject"]
            info = name.split(":2,", 1)[1] if ":2," in name else ""
            out[subject] = (path, {MAILDIR_FLAGS[c] for c in info if c in MAILDIR_FLAGS})
    return out


def server_messages(client, box):
    """{subject: flags} of one server mailbox (system flags only; \\Recent is per session)."""
    typ, _ = client.select(box)
    assert typ == "OK", box
    typ, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    if data == [None]:
        return {}
    out = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        flags = set(imaplib.ParseFlags(item[0])) - {"\\Recent"}
        flags = {flag.decode() for flag in flags}
        subject = email.message_from_bytes(item[1])["Subject"]
        out[subject] = flags & SYSTEM_FLAGS
    return out


def set_maildir_flags(path, flags):
    base = path.split(":2,", 1)[0]
    letters = "".join(sorted(c for c, flag in MAILDIR_FLAGS.items() if flag in flags))
    new_path = os.path.join(os.path.dirname(os.path.dirname(base)), "cur", os.path.basename(base)) + ":2," + letters
    os.rename(path, new_path)


def agree(client, maildir):
    for box in BOXES:
        local = {subject: flags for subject, (_, flags) in maildir_files(maildir, box).items()}
        remote = server_messages(client, box)
        assert local == remote, f"{box} differs:\n local  {local}\n server {remote}"
    return True


def main():
    args = parse_args()
    mbsync_path = require_tool("mbsync", "isync")
    with Serve(args.imaplab) as serve, tempfile.TemporaryDirectory() as tmp:
        password = serve.users["alice"]
        maildir = os.path.join(tmp, "Mail")
        os.makedirs(maildir)
        config = os.path.join(tmp, "mbsyncrc")
        write_config(config, serve.port, password, maildir)

        mbsync(mbsync_path, config)
        client = imaplib.IMAP4("127.0.0.1", serve.port)
        client.login("alice", password)
        assert agree(client, maildir)
        local = maildir_files(maildir, "INBOX")
        assert set(local) == {"Welcome to imaplab", "Lunch?", "Quarterly report"}, local
        assert local["Welcome to imaplab"][1] == {"\\Seen"} and local["Quarterly report"][1] == {"\\Flagged"}
        print("ok: first sync, both sides agree")

        # Local side: flag one message, delete another (a Maildir deletion is removing the file).
        path, flags = local["Lunch?"]
        set_maildir_flags(path, flags | {"\\Flagged", "\\Answered"})
        os.unlink(local["Quarterly report"][0])
        # Server side: mark seen, delete and expunge one, append a new one.
        assert client.select("INBOX")[0] == "OK"
        typ, data = client.search(None, "SUBJECT", '"Welcome to imaplab"')
        assert client.store(data[0].decode(), "-FLAGS", "(\\Seen)")[0] == "OK"
        assert client.select("Work")[0] == "OK"
        assert client.store("1", "+FLAGS", "(\\Deleted)")[0] == "OK"
        assert client.expunge()[0] == "OK"
        assert client.append("Work", "(\\Seen)", None, b"Subject: from the server\r\n\r\nnew\r\n")[0] == "OK"

        mbsync(mbsync_path, config)
        assert agree(client, maildir)
        inbox = {s: f for s, (_, f) in maildir_files(maildir, "INBOX").items()}
        assert inbox == {"Welcome to imaplab": set(), "Lunch?": {"\\Flagged", "\\Answered"}}, inbox
        work = {s: f for s, (_, f) in maildir_files(maildir, "Work").items()}
        assert work == {"from the server": {"\\Seen"}}, work
        print("ok: second sync after changes on both sides, both sides agree")

        # A sync with nothing to do changes nothing.
        mbsync(mbsync_path, config)
        assert agree(client, maildir)
        client.logout()
    print("mbsync interop: passed")


if __name__ == "__main__":
    main()
