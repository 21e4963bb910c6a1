#!/usr/bin/env bash
# Installs what the browser tests need, where missing: Debian's Chromium (Playwright's own browser download cannot
# work on closed networks), Playwright for Python and pytest from PyPI, and xmllint.
set -euo pipefail
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
# A font with Chinese glyphs, so screenshots of the zh-Hans pages can be read.
fc-list 2>/dev/null | grep -qiE "wqy|noto sans cjk|droid sans fallback" || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} (Debian packages) …"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null \
    || { $SUDO apt-get update -q >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null; }
fi
if ! python3 -c 'import playwright.sync_api, pytest' >/dev/null 2>&1; then
  echo "Installing Playwright for Python and pytest (PyPI) …"
  python3 -m pip install --quiet --disable-pip-version-check playwright pytest
fi
