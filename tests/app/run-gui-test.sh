#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-gui-test.sh: runs a GUI test on its own session bus and X server.
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$@"
