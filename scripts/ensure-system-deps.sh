#!/usr/bin/env bash
# Install the system programs vap needs where this machine allows it, or say exactly what to install.
# Usage: scripts/ensure-system-deps.sh graphviz [chromium]
set -euo pipefail

have_root_installer() {
  if [ "$(id -u)" = 0 ]; then SUDO=""; return 0; fi
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; return 0; fi
  return 1
}

apt_install() {
  if command -v apt-get >/dev/null 2>&1 && have_root_installer; then
    echo "Installing $* with apt-get..."
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
    return 0
  fi
  return 1
}

for want in "$@"; do
  case "$want" in
    graphviz)
      command -v dot >/dev/null 2>&1 && continue
      apt_install graphviz && command -v dot >/dev/null 2>&1 && continue
      if command -v brew >/dev/null 2>&1; then brew install graphviz && continue; fi
      echo "error: Graphviz 'dot' is missing: install it (Debian/Ubuntu: sudo apt-get install graphviz;" \
           "macOS: brew install graphviz; others: https://graphviz.org/download/), then run this again." >&2
      exit 2 ;;
    chromium)
      [ -x "${VAP_CHROMIUM:-/usr/bin/chromium}" ] && continue
      apt_install chromium && [ -x /usr/bin/chromium ] && continue
      echo "note: Chromium is missing, so the browser tests will be skipped (Debian/Ubuntu:" \
           "sudo apt-get install chromium; or set VAP_CHROMIUM to a Chromium binary)." >&2 ;;
    *) echo "unknown dependency: $want" >&2; exit 2 ;;
  esac
done
