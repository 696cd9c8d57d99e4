#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-potfiles.sh SRCDIR: every app source or template with strings for
# translators is listed in po/POTFILES.in, and every listed file exists.
set -eu
cd "$1"
status=0
for f in $(grep -lE '(\b_\(|\bC_\(|\bN_\(|ngettext \(|translatable="yes")' src/app/*.c ui/*.ui ui/*/*.ui 2>/dev/null); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $f"
    status=1
  fi
done
for f in $(grep -v '^#' po/POTFILES.in | grep -v '^$'); do
  if [ ! -f "$f" ]; then
    echo "listed in po/POTFILES.in but missing: $f"
    status=1
  fi
done
exit $status
