#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures (once) and builds Callboard in _build/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f _build/build.ninja ]; then
  meson setup _build --buildtype=debugoptimized
fi
ninja -C _build
