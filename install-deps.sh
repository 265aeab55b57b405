#!/bin/sh
# Installs what building and testing foil needs on Debian 12 (run as root).
# flatpak-tests and gnome-desktop-testing: make check-flatpak-quick.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential pkg-config check libseccomp-dev libjson-c-dev \
  bubblewrap libcap2-bin util-linux procps iproute2 python3 \
  golang-github-docker-docker-dev golang-github-containers-common-dev \
  man-db cppcheck \
  qemu-system-x86 busybox-static cpio kmod xz-utils \
  flatpak flatpak-tests gnome-desktop-testing >/dev/null
