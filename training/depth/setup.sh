#!/usr/bin/env bash
# Installs the Python side of the depth trainer: Debian's python3-torch, python3-numpy and
# python3-pytest, only when /usr/bin/python3 cannot import them (apt is slow; CI calls this every run).
set -euo pipefail
missing=()
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
/usr/bin/python3 -c 'import pytest' 2>/dev/null || missing+=(python3-pytest)
if [ ${#missing[@]} -eq 0 ]; then
  echo "depth trainer: python3-torch, python3-numpy, python3-pytest already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
