#!/usr/bin/env bash
# `npm run test:e2e`: installs code-server, Node 24 and Chromium if missing (scripts/e2e/install.sh),
# packages the extension (.vsix, production bundles), then runs the end-to-end specs in test/e2e with
# mocha. Extra arguments go to mocha (e.g. --grep quick-fix). Screenshots land in test-results/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)

# In CI the install runs from an empty cache folder every time, exactly as on a new machine, so a
# break in it (npm, Node 24, code-server's postinstall) fails this run instead of hiding behind a
# cache an earlier run left. Local runs keep ~/.cache/cache-advisor-e2e. CACHE_ADVISOR_E2E_CACHE
# picks a folder either way.
if [ "${CI:-}" = true ] && [ -z "${CACHE_ADVISOR_E2E_CACHE:-}" ]; then
  CACHE_ADVISOR_E2E_CACHE="$(mktemp -d "${TMPDIR:-/tmp}/cache-advisor-e2e-ci.XXXXXX")"
  export CACHE_ADVISOR_E2E_CACHE
  trap 'rm -rf "$CACHE_ADVISOR_E2E_CACHE"' EXIT
  echo "e2e: CI=true, installing Node 24 and code-server from an empty cache ($CACHE_ADVISOR_E2E_CACHE)"
fi

tools="$(bash scripts/e2e/install.sh | tail -n 1)"
for kv in $tools; do
  case "$kv" in
    NODE24_BIN=*|CODE_SERVER=*|CHROMIUM=*) export "${kv?}" ;;
    *) echo "e2e: unexpected installer output: $kv" >&2; exit 1 ;;
  esac
done
t1=$(date +%s)

if ! out="$(npm run --silent package 2>&1)"; then echo "$out" >&2; echo "e2e: npm run package failed" >&2; exit 1; fi
version="$(node -p 'require("./package.json").version')"
export CACHE_ADVISOR_VSIX="$PWD/dockerfile-cache-advisor-$version.vsix"
[ -f "$CACHE_ADVISOR_VSIX" ] || { echo "e2e: npm run package did not produce $CACHE_ADVISOR_VSIX" >&2; exit 1; }
t2=$(date +%s)

mkdir -p test-results/e2e
status=0
npx mocha --no-config --reporter spec --timeout 300000 --require out/test/support/hooks.js \
  'out/test/e2e/**/*.e2e.js' "$@" || status=$?
t3=$(date +%s)
# UPDATE_README_IMAGES=1 npm run test:e2e refreshes the README's screenshots from a passing run
if [ "$status" = 0 ] && [ "${UPDATE_README_IMAGES:-}" = 1 ]; then
  cp test-results/e2e/01-diagnostics.png images/screenshot-diagnostics.png
  cp test-results/e2e/02-quick-fix.png images/screenshot-quick-fix.png
  cp test-results/e2e/04-grammar.png images/screenshot-grammar.png
  cp test-results/e2e/05-build-timeline.png images/screenshot-build-timeline.png
  cp test-results/e2e/06-build-cache-view.png images/screenshot-build-cache-view.png
  cp test-results/e2e/codelens-details.png images/screenshot-codelens.png
  cp test-results/e2e/settings-remote-tab.png images/screenshot-settings-remote.png
  cp test-results/e2e/07-why-did-this-run.png images/screenshot-why-did-this-run.png
  echo "e2e: README screenshots updated in images/"
fi
printf 'e2e timings: install/check %ss, package %ss, specs %ss, total %ss\n' $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t3 - t0))
exit $status
