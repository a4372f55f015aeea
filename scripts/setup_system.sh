#!/usr/bin/env bash
# Installs the Debian packages the engine, the plugin and the tests need; does nothing
# when they are already there (safe to run on every `make`).
set -euo pipefail
packages=(qgis python3-qgis qgis-providers gdal-bin python3-gdal python3-pyqt5 python3-venv xvfb
          qttools5-dev-tools python3-matplotlib)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
