#!/bin/sh
# Installs Debian's Chromium when it is missing: the browser tests drive it with Playwright
# (which is told to use this browser and never downloads its own). Runs from `make test`; a
# no-op once it is there. Fails, saying so, when it cannot install it: the suite never skips.
set -e
have_browser() { [ -x "${BARABA_CHROMIUM:-/usr/bin/chromium}" ]; }
if have_browser; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the browser tests ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  have_browser && exit 0
fi
echo "the browser tests need Chromium at ${BARABA_CHROMIUM:-/usr/bin/chromium}:" >&2
echo "  sudo apt-get install chromium   (or set BARABA_CHROMIUM to a Chromium binary)" >&2
exit 1
