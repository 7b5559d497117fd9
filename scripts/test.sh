#!/usr/bin/env bash
# Installs what is missing, builds the dev preset (g++, assertions on) and runs every test through ctest.
# Usage: scripts/test.sh [ctest args...], e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh interop browser
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev "$@"
