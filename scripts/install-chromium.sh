#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/e2e) when it is missing. Idempotent:
# does nothing when /usr/bin/chromium exists. Needs root or sudo; .ci/run calls it before the tests.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  echo "install-chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-chromium: installing Debian's chromium package"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
"$CHROMIUM" --version
