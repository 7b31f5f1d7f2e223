#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run it (lint + pytest).
# This is the README's test command, and CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-dev.txt

# The real-browser test drives Debian's Chromium (Playwright's own browser download is not used);
# a CJK font lets it render the Japanese UI.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "warning: missing ${need[*]} (install them with apt as root); browser tests will be skipped" >&2
  fi
fi

.venv/bin/ruff check .
# pytest-xdist workers (one per core, at most four) that take a test file at a time, or all the browser tests
# (tests/conftest.py): the suite on its own keeps about one core busy.
.venv/bin/python -m pytest -n auto --maxprocesses 4 --dist loadgroup "$@"
