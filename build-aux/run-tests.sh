#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs, builds and runs the whole test suite; ends with a
# "N passed, N failed, N skipped" line. Extra arguments go to meson test.
#
# The counts are of test cases: each subtest of a TAP test program counts
# once (a program of ten tests with one skipped is 9 passed, 1 skipped),
# a program without TAP counts as one. Every skipped case is listed with
# its reason before the counts. CB_TEST_SIPP=/nonexistent hides sipp from
# the SIP tests (they must then show as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
build-aux/build.sh

status=0
start=$(date +%s)
meson test -C _build --print-errorlogs --num-processes 2 "$@" || status=$?
end=$(date +%s)

log=_build/meson-logs/testlog.json
if [ -f "$log" ]; then
  echo
  python3 - "$log" "$((end - start))" <<'PY'
import json, re, sys

plan = re.compile(r'^1\.\.\d+')
case = re.compile(r'^(ok|not ok)\b(?:\s+\d+)?(?:\s+-)?\s*(.*?)(?:\s*#\s*(SKIP|TODO)\b\s*(.*))?$', re.I)
passed = failed = skipped = 0
skips = []
busy = 0.0
with open(sys.argv[1], encoding='utf-8') as f:
    for line in f:
        test = json.loads(line)
        name, result = test['name'], test['result']
        busy += test.get('duration') or 0
        lines = (test.get('stdout') or '').splitlines()
        cases = [m for m in map(case.match, lines) if m] if any(map(plan.match, lines)) else []
        if not cases:
            if result == 'OK':
                passed += 1
            elif result == 'SKIP':
                skipped += 1
                skips.append(name)
            else:
                failed += 1
            continue
        bad = 0
        for m in cases:
            verdict, what, directive, reason = m.groups()
            if directive and directive.upper() == 'SKIP':
                skipped += 1
                skips.append(f'{name} {what}: {reason}')
            elif verdict.lower() == 'ok':
                passed += 1
            else:
                bad += 1
        # A program that died after its last case (a crash, a timeout)
        # fails once more as a whole.
        if bad == 0 and result not in ('OK', 'SKIP'):
            bad = 1
        failed += bad
print(f'{sys.argv[2]} s wall clock, {busy:.0f} s in test programs')
for s in skips:
    print(f'skipped: {s}')
print(f'{passed} passed, {failed} failed, {skipped} skipped')
PY
fi
exit $status
