#!/usr/bin/env bash
# Installs imaplab's build and test dependencies from Debian's packages, only those that are missing.
# Idempotent: runs `apt-get update` only when something has to be installed.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libboost1.81-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libmimalloc-dev
  clang-16 libclang-rt-16-dev llvm-16
  zip python3
)
# Extra groups: `deps.sh interop` adds the real peers used by interop tests.
for group in "$@"; do
  case "$group" in
    interop) packages+=(curl isync dovecot-imapd) ;;
    browser) packages+=(chromium) ;;
    *) echo "deps.sh: unknown group '$group' (known: interop, browser)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps.sh: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
