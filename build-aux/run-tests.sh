#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs, builds and runs the whole test suite; ends with a
# "N passed, N failed" line. Extra arguments go to meson test.
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
build-aux/build.sh

status=0
meson test -C _build --print-errorlogs --num-processes 2 "$@" || status=$?

log=_build/meson-logs/testlog.json
if [ -f "$log" ]; then
  passed=$(grep -c '"result": "OK"' "$log" || true)
  skipped=$(grep -c '"result": "SKIP"' "$log" || true)
  total=$(grep -c '"result":' "$log" || true)
  failed=$((total - passed - skipped))
  echo
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
fi
exit $status
