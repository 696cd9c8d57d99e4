#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-potfiles.sh SRCDIR: every app source or template with strings for
# translators is listed in po/POTFILES.in, and every listed file exists.
# Prints TAP.
set -eu
cd "$1"
echo "1..2"
missing=""
for f in $(grep -lE '(\b_\(|\bC_\(|\bN_\(|ngettext \(|translatable="yes")' src/app/*.c ui/*.ui ui/*/*.ui 2>/dev/null); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "# not in po/POTFILES.in: $f"
    missing="$missing $f"
  fi
done
if [ -z "$missing" ]; then
  echo "ok 1 - every source with translatable strings is in po/POTFILES.in"
else
  echo "not ok 1 - not in po/POTFILES.in:$missing"
fi
gone=""
for f in $(grep -v '^#' po/POTFILES.in | grep -v '^$'); do
  if [ ! -f "$f" ]; then
    echo "# listed in po/POTFILES.in but missing: $f"
    gone="$gone $f"
  fi
done
if [ -z "$gone" ]; then
  echo "ok 2 - every file in po/POTFILES.in exists"
else
  echo "not ok 2 - listed in po/POTFILES.in but missing:$gone"
fi
