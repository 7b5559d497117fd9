#!/usr/bin/env python3
"""Renders imaplab's HTML reports in headless Chromium and checks them through the DOM.

Each page checks itself from JavaScript on load and writes the verdict into <output id="selfcheck">; window.onerror
counts script errors into <html data-script-errors>. This script reads both from Chromium's --dump-dom, compares
the lane count and the violation with what the trace header says, and takes a screenshot. Exit 77 (skip) only when
no Chromium is installed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = 77
BROWSER_TIMEOUT_S = 90
WINDOW = "1400,900"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCREENSHOT_BYTES_MIN = 10_000  # a blank page is a few kB; a drawn diagram is much more


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def browser(exe, profile, *args):
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, *args]
    run = subprocess.run(cmd, capture_output=True, timeout=BROWSER_TIMEOUT_S)
    if run.returncode != 0:
        sys.exit(f"chromium failed ({run.returncode}): {run.stderr.decode(errors='replace')[-2000:]}")
    return run.stdout.decode(errors="replace")


def attributes(dom, element_id):
    m = re.search(r'<output id="' + element_id + r'"([^>]*)>([^<]*)</output>', dom)
    if not m:
        sys.exit(f"no #{element_id} in the rendered page: its script did not run")
    return dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1))), m.group(2)


def header(trace, key):
    for line in Path(trace).read_text(errors="replace").splitlines():
        if line.strip() == "--":
            break
        if line.startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    return None


def check_trace_page(exe, profile, page, clients, rule, screenshot=None):
    dom = browser(exe, profile, "--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    attrs, text = attributes(dom, "selfcheck")
    problems = []
    if not re.search(r'<html[^>]*data-script-errors="0"', dom):
        recorded = re.search(r'<ul id="script-errors">(.*?)</ul>', dom, re.S)
        problems.append("script errors: " + ", ".join(re.findall(r'<li>([^<]*)</li>', recorded.group(1) if recorded else "")))
    if attrs.get("data-status") != "pass":
        problems.append("the page's own check failed: " + text)
    if attrs.get("data-lanes") != str(clients + 1):
        problems.append(f"lanes {attrs.get('data-lanes')}, expected {clients} clients + the server")
    if attrs.get("data-violation") != rule:
        problems.append(f"violation {attrs.get('data-violation')}, expected {rule}")
    if rule != "none" and int(attrs.get("data-marked-lines", "0")) < 1:
        problems.append("no transcript line marked as violating")
    if rule != "none" and f'<span class="rule">{rule}</span>' not in dom:
        problems.append("the violation box does not name the rule")
    if problems:
        sys.exit(f"{page.name}: " + "; ".join(problems))
    print(f"{page.name}: {text}")
    if screenshot:
        browser(exe, profile, "--hide-scrollbars", "--window-size=" + WINDOW, "--virtual-time-budget=5000",
                "--screenshot=" + str(screenshot), page.as_uri())
        data = Path(screenshot).read_bytes()
        if not data.startswith(PNG_MAGIC) or len(data) < SCREENSHOT_BYTES_MIN:
            sys.exit(f"screenshot {screenshot} is not a drawn page ({len(data)} bytes)")
        print(f"screenshot: {screenshot} ({len(data)} bytes)")


def report(imaplab, source, out):
    run = subprocess.run([imaplab, "report", str(source), "-o", str(out)], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"imaplab report {source} failed ({run.returncode}): {run.stderr}")
    print(run.stdout.strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--imaplab", required=True)
    ap.add_argument("--input", required=True, help="a trace or a folder of traces")
    ap.add_argument("--out", required=True, help="folder for the pages and the screenshot")
    ap.add_argument("--screenshot", help="where to save the screenshot (default: OUT/report.png)")
    args = ap.parse_args()
    exe = chromium()
    if not exe:
        print("chromium is not installed (scripts/deps.sh browser): skipped")
        return SKIP
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    source = Path(args.input).resolve()
    with tempfile.TemporaryDirectory(prefix="imaplab-chromium-") as profile:
        if source.is_dir():
            index = out / "index.html"
            report(args.imaplab, source, index)
            dom = browser(exe, profile, "--virtual-time-budget=5000", "--dump-dom", index.as_uri())
            attrs, text = attributes(dom, "selfcheck")
            traces = sorted(source.glob("*.trace"))
            if attrs.get("data-status") != "pass" or attrs.get("data-links") != str(len(traces)):
                sys.exit(f"summary page: {text}, expected {len(traces)} trace links")
            print(f"index.html: {text}")
            for t in traces:
                check_trace_page(exe, profile, out / (t.stem + ".html"), int(header(t, "clients")),
                                 header(t, "outcome") or "none")
        else:
            page = out / (source.stem + ".html")
            report(args.imaplab, source, page)
            check_trace_page(exe, profile, page, int(header(source, "clients")), header(source, "outcome") or "none",
                             args.screenshot or out / "report.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
