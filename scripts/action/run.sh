#!/usr/bin/env bash
# The GitHub Action's one step (action.yml). Composite actions get no INPUT_* variables of their own:
# action.yml passes each input in explicitly, and a local run sets the same variables.
#   INPUT_PATHS       files or directories, one per line, relative to GITHUB_WORKSPACE (default: .)
#   INPUT_FAIL_ON     error | warning | information | none (default: warning)
#   INPUT_RULES       rule overrides, <id>=<severity>, one per line or separated by spaces or commas
#   INPUT_SARIF_FILE  where the SARIF goes, relative to GITHUB_WORKSPACE (default: dockerfile-cache-advisor.sarif)
#   INPUT_PACKAGE     npm package spec of the CLI (default: dockerfile-cache-advisor@<this action's version>)
# Exit status: 0 clean, 1 findings at or above fail-on, 2 bad input or the CLI could not run.
set -euo pipefail

action_dir="$(cd "$(dirname "$0")/../.." && pwd)"
cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"

fail_on="${INPUT_FAIL_ON:-warning}"
case "$fail_on" in
  error|warning|information) cli_fail_on="$fail_on" ;;
  # the CLI always has a threshold; the exit status is ignored below
  none) cli_fail_on=error ;;
  *) echo "::error title=dockerfile-cache-advisor::fail-on must be error, warning, information or none, not '$fail_on'"; exit 2 ;;
esac

paths=()
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"; line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && paths+=("$line")
done <<< "${INPUT_PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)

rule_args=()
set -f # split the overrides on blanks and commas, never glob them
for r in ${INPUT_RULES//,/ }; do rule_args+=(--rule "$r"); done
set +f

sarif="${INPUT_SARIF_FILE:-dockerfile-cache-advisor.sarif}"
package="${INPUT_PACKAGE:-}"
if [ -z "$package" ]; then
  package="dockerfile-cache-advisor@$(node -p 'require(process.argv[1]).version' "$action_dir/package.json")"
fi

# Installed once into the runner's temp folder: the package is two self-contained bundles, no dependencies.
prefix="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dockerfile-cache-advisor"
npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel=error "$package" >&2
cli="$prefix/bin/dockerfile-cache-advisor"
echo "dockerfile-cache-advisor $("$cli" --version) from $package"

mkdir -p "$(dirname "$sarif")"
status=0
"$cli" lint --format sarif --fail-on "$cli_fail_on" "${rule_args[@]}" "${paths[@]}" > "$sarif" || status=$?
if [ "$status" -ge 2 ]; then
  echo "::error title=dockerfile-cache-advisor::the CLI exited with $status (see above)"
  exit "$status"
fi
# the same findings for the log, as file:line:col lines
"$cli" lint --format text --fail-on "$cli_fail_on" "${rule_args[@]}" "${paths[@]}" || true

findings="$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).runs.reduce((n, r) => n + r.results.length, 0)' "$sarif")"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "sarif-file=$sarif"; echo "findings=$findings"; } >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  echo "Dockerfile Cache Advisor: $findings finding(s) in ${paths[*]}; SARIF in \`$sarif\`." >> "$GITHUB_STEP_SUMMARY"
fi

[ "$fail_on" = none ] && exit 0
exit "$status"
