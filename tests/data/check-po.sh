#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# check-po.sh SRCDIR LANG: po/LANG.po is valid and complete: nothing
# untranslated or fuzzy, and no string of the sources (po/POTFILES.in) is
# missing from it.
set -eu
srcdir=$1
po="$srcdir/po/$2.po"

out=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
echo "$out"
case "$out" in
  *untranslated*|*fuzzy*) echo "$po is incomplete"; exit 1 ;;
esac

if command -v xgettext >/dev/null && command -v msgcmp >/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  grep -v '^#' "$srcdir/po/POTFILES.in" | grep -v '^$' > "$tmp/files"
  # The keywords of meson's i18n 'glib' preset.
  (cd "$srcdir" && xgettext --package-name=callboard --from-code=UTF-8 \
      --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
      --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
      -f "$tmp/files" -o "$tmp/callboard.pot")
  msgcmp "$po" "$tmp/callboard.pot"
  echo "every source string is in $po"
fi
