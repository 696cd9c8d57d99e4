#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what Callboard needs to build, run and test on Debian 12.
# Does nothing when everything is already there; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkgconf gettext desktop-file-utils appstream
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-tools libnotify-dev libsecret-1-dev libsqlite3-dev libsodium-dev
  libsofia-sip-ua-dev libsofia-sip-ua-glib-dev xvfb xauth dbus notification-daemon
  imagemagick sox sip-tester baresip-core
  # The phone's Opus elements use libopus directly.
  libopus-dev
  # Real pointer drags and double clicks in the GUI tests.
  xdotool
  # A private PulseAudio server lets the device tests plug and unplug sinks.
  pulseaudio pulseaudio-utils
  # cb-bench runs Kamailio beside callboardd in its SIP modes (no test needs it).
  kamailio
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
