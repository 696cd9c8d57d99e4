#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs, builds and starts the client against a local demo server
# (callboardd --demo, started by the client) with simulated colleagues.
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
build-aux/build.sh

export CALLBOARDD="$PWD/_build/src/server/callboardd"
export CALLBOARD_DATA_DIR="$PWD/data"
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
exec _build/src/app/callboard --demo "$@"
