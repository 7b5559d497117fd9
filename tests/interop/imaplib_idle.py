#!/usr/bin/env python3
"""Python imaplib against `imaplab serve --demo`: one connection uses NOTIFY and IDLEs while another APPENDs,
STOREs, EXPUNGEs and RENAMEs; the watcher must receive exactly the untagged responses RFC 2177 / RFC 5465
prescribe, each as soon as the change is made."""
import imaplib
import queue
import threading

from serve_helper import Serve, parse_args

LINE_TIMEOUT_S = 15  # liveness bound for one pushed line (NTF-2); never reached by a correct server


def main():
    args = parse_args()
    with Serve(args.imaplab) as serve:
        password = serve.users["alice"]
        watcher = imaplib.IMAP4("127.0.0.1", serve.port)
        watcher.login("alice", password)
        assert watcher.select("INBOX") == ("OK", [b"3"]), "demo INBOX has 3 messages"
        tag = watcher._new_tag().decode()
        watcher.send(f"{tag} NOTIFY SET (SELECTED (MessageNew MessageExpunge FlagChange)) "
                     f"(PERSONAL (MailboxName))\r\n".encode())
        line = watcher.readline()
        assert line.startswith(f"{tag} OK".encode()), line

        # imaplib (before 3.14) has no IDLE: send it raw and read the pushed lines on a thread.
        watcher.send(b"IDLE1 IDLE\r\n")
        pushed = queue.Queue()

        def read_pushed():
            while True:
                line = watcher.readline()
                pushed.put(line.decode().rstrip("\r\n"))
                if not line or line.startswith(b"IDLE1 "):
                    return

        threading.Thread(target=read_pushed, daemon=True).start()

        def expect(lines, why):
            got = [pushed.get(timeout=LINE_TIMEOUT_S) for _ in lines]
            assert got == lines, f"{why}: expected {lines}, got {got}"
            print(f"ok: {why}: {got}")

        expect(["+ idling"], "IDLE continuation (RFC 2177)")
        actor = imaplib.IMAP4("127.0.0.1", serve.port)
        actor.login("alice", password)
        typ, data = actor.append("INBOX", None, None, b"Subject: pushed\r\n\r\nhello\r\n")
        assert typ == "OK" and b"APPENDUID" in data[0], data
        expect(["* 4 EXISTS", "* 4 RECENT"], "APPEND by another session")
        assert actor.select("INBOX")[0] == "OK"
        assert actor.store("1", "+FLAGS", "(\\Flagged)")[0] == "OK"
        expect(["* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent \\Seen))"], "STORE +FLAGS \\Flagged")
        assert actor.store("2", "+FLAGS", "(\\Deleted)")[0] == "OK"
        expect(["* 2 FETCH (UID 2 FLAGS (\\Deleted \\Recent))"], "STORE +FLAGS \\Deleted")
        assert actor.expunge() == ("OK", [b"2"])
        expect(["* 2 EXPUNGE"], "EXPUNGE during IDLE")
        assert actor.rename("Work", "Projects")[0] == "OK"
        expect(['* LIST (\\HasNoChildren) "/" Projects ("OLDNAME" (Work))'], "RENAME (RFC 5465 MailboxName)")
        watcher.send(b"DONE\r\n")
        done = pushed.get(timeout=LINE_TIMEOUT_S)
        assert done.startswith("IDLE1 OK"), done
        # After IDLE the watcher's view matches the store: UIDs 1, 3, 4.
        typ, data = watcher.uid("SEARCH", None, "ALL")
        assert typ == "OK" and data == [b"1 3 4"], data
        actor.logout()
        watcher.logout()
    print("imaplib IDLE/NOTIFY interop: passed")


if __name__ == "__main__":
    main()
