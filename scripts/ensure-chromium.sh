#!/usr/bin/env bash
# `npm test` drives Debian's headless Chromium for the IDE test. On a fresh machine of
# this project's kind it is not installed yet: install it from Debian's packages (never a
# browser download). Does nothing when it is already there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: /usr/bin/chromium is missing; install Debian's chromium package (apt-get install chromium)" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium for the IDE test" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
