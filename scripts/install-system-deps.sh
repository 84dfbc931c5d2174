#!/bin/sh
# Debian packages the tests need: independent strict RDF parsers (rapper, serdi), and headless
# Chromium with its WebDriver for the HTML view's browser tests (chromium, chromium-driver).
# Installs them with apt-get when missing (needs root, as in CI); otherwise says what to install.
set -eu
missing=""
command -v rapper >/dev/null 2>&1 || missing="$missing raptor2-utils"
command -v serdi >/dev/null 2>&1 || missing="$missing serdi"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages:$missing — run: sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
