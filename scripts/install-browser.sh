#!/bin/sh
# Install Debian's chromium for the browser tests (idempotent, quiet). Never downloads
# Playwright's own browsers: the tests drive /usr/bin/chromium through playwright's Python package.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo -n"
else
    SUDO=""
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
test -x /usr/bin/chromium
