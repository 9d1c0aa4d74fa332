#!/usr/bin/env bash
# Install the system programs vap needs where this machine allows it, or say exactly what to install.
# Usage: scripts/ensure-system-deps.sh graphviz [chromium]
# apt-get waits for the package manager's lock (up to APT_LOCK_TIMEOUT seconds, default 300) and
# its own output is shown when it fails.
set -euo pipefail
LOCK_TIMEOUT="${APT_LOCK_TIMEOUT:-300}"

have_root_installer() {
  if [ "$(id -u)" = 0 ]; then SUDO=""; return 0; fi
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; return 0; fi
  return 1
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 && have_root_installer || return 1
  local log; log="$(mktemp)"
  printf '\n==> %s\n' "Installing $* with apt-get (waits up to ${LOCK_TIMEOUT}s for the package manager's lock)"
  if ! $SUDO apt-get -o DPkg::Lock::Timeout="$LOCK_TIMEOUT" update -qq >"$log" 2>&1 ||
     ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout="$LOCK_TIMEOUT" \
         install -y -qq "$@" >>"$log" 2>&1; then
    echo "error: apt-get could not install $*; its output:" >&2
    tail -n 25 "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  echo "Installed $*."
}

for want in "$@"; do
  case "$want" in
    graphviz)
      command -v dot >/dev/null 2>&1 && continue
      apt_install graphviz && command -v dot >/dev/null 2>&1 && continue
      if command -v brew >/dev/null 2>&1; then
        printf '\n==> %s\n' "Installing Graphviz with Homebrew"
        brew install graphviz && continue
      fi
      echo "error: Graphviz 'dot' is missing: install it (Debian/Ubuntu: sudo apt-get install graphviz;" \
           "macOS: brew install graphviz; others: https://graphviz.org/download/), then run this again." >&2
      exit 2 ;;
    chromium)
      [ -x "${VAP_CHROMIUM:-/usr/bin/chromium}" ] && continue
      apt_install chromium && [ -x /usr/bin/chromium ] && continue
      if [ "${CI:-}" = "true" ]; then
        echo "error: Chromium is missing and could not be installed; CI needs it for the browser tests." >&2
        exit 2
      fi
      echo "note: Chromium is missing, so the browser tests will be skipped (Debian/Ubuntu:" \
           "sudo apt-get install chromium; or set VAP_CHROMIUM to a Chromium binary)." >&2 ;;
    *) echo "unknown dependency: $want" >&2; exit 2 ;;
  esac
done
