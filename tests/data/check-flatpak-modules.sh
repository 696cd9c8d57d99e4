#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Keeps the Flatpak manifest in step with meson: every pkg-config dependency
# the build asks for is either in the GNOME 43 runtime or built as a module.
# Prints TAP, one line per dependency the runtime lacks.
set -euo pipefail
src="${1:?source root}"
manifest="$src/flatpak/org.callboard.Callboard.json"

# Libraries org.gnome.Platform//43 ships.
runtime=" glib-2.0 gobject-2.0 gio-2.0 gio-unix-2.0 gtk4 libadwaita-1 libsoup-3.0
  json-glib-1.0 sqlite3 libsecret-1 libnotify gstreamer-1.0 gstreamer-base-1.0
  gstreamer-app-1.0 gstreamer-audio-1.0 gstreamer-rtp-1.0 gstreamer-sdp-1.0
  gstreamer-plugins-base-1.0 gstreamer-plugins-bad-1.0 gstreamer-webrtc-1.0
  opus gstreamer-check-1.0 "
# (opus: the freedesktop SDK under it builds libopus for GStreamer's opus
# elements; gstreamer-check-1.0: GStreamer core's test library, in the SDK.)
runtime=" $(echo $runtime) "
# pkg-config name → manifest module name, for what the runtime lacks.
declare -A module_of=(
  [libsodium]=libsodium
  [sofia-sip-ua]=sofia-sip
  [sofia-sip-ua-glib]=sofia-sip
)

modules=$(grep -o '"name": *"[^"]*"' "$manifest" | sed 's/.*"\([^"]*\)"$/\1/')
deps=$(grep -rhoE "dependency\('[^']+'" --include=meson.build "$src" | sed "s/dependency('//; s/'$//" | sort -u)

n=0
lines=""
for dep in $deps; do
  case "$runtime" in *" $dep "*) continue ;; esac
  n=$((n + 1))
  module="${module_of[$dep]:-}"
  if [ -z "$module" ]; then
    lines+="not ok $n - meson needs '$dep', which the runtime lacks and no module maps to"$'\n'
  elif ! grep -qx "$module" <<<"$modules"; then
    lines+="not ok $n - meson needs '$dep' but the manifest has no module '$module'"$'\n'
  else
    lines+="ok $n - $dep built by module $module"$'\n'
  fi
done
echo "1..$n"
printf '%s' "$lines"
