#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-gui-test.sh: runs a GUI test on its own session bus and X server.
# A missing tool is a failure, not a skip: with -Dgui_tests=true the GUI
# tests must run (configure with -Dgui_tests=false to leave them out).
for tool in dbus-run-session xvfb-run xauth; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-gui-test.sh: $tool is not installed (packages: dbus, xvfb, xauth);" \
         "install it or configure with -Dgui_tests=false" >&2
    exit 1
  fi
done
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$@"
