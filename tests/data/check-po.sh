#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-po.sh SRCDIR LANG: po/LANG.po is valid and complete: nothing
# untranslated or fuzzy, and no string of the sources (po/POTFILES.in) is
# missing from it. Prints TAP: the second check is a SKIP without
# xgettext and msgcmp (package gettext).
set -eu
srcdir=$1
po="$srcdir/po/$2.po"

echo "1..2"
if out=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1); then
  echo "$out" | sed 's/^/# /'
  case "$out" in
    *untranslated*|*fuzzy*) echo "not ok 1 - $po is incomplete" ;;
    *) echo "ok 1 - $po is valid and complete" ;;
  esac
else
  echo "$out" | sed 's/^/# /'
  echo "not ok 1 - msgfmt rejects $po"
fi

if ! command -v xgettext >/dev/null || ! command -v msgcmp >/dev/null; then
  echo "ok 2 - every source string is in $po # SKIP xgettext or msgcmp (package gettext) is missing"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$srcdir/po/POTFILES.in" | grep -v '^$' > "$tmp/files"
# The keywords of meson's i18n 'glib' preset.
if (cd "$srcdir" && xgettext --package-name=callboard --from-code=UTF-8 \
      --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
      --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
      -f "$tmp/files" -o "$tmp/callboard.pot") >"$tmp/log" 2>&1 &&
   msgcmp "$po" "$tmp/callboard.pot" >>"$tmp/log" 2>&1; then
  echo "ok 2 - every source string is in $po"
else
  sed 's/^/# /' "$tmp/log"
  echo "not ok 2 - source strings are missing from $po"
fi
