#!/bin/sh
# SIMULATED pip for the benchmark sample (busybox sh; no network, no Python).
#
#   pip install [--no-cache-dir] -r requirements.txt | pip install name==version ...
#
# Per package `name==version` it models the two costs of a real install:
#   download  CPU work proportional to the package size: sha256 over SIZE MiB of a deterministic stream
#             (SIZE is derived from the name, 2..9; 12 rounds of 1 MiB per unit), then writes a small "wheel"
#             into the download cache. Skipped when the wheel is already in the cache, as pip does.
#   install   a quarter of that work again (3 rounds per unit), and the package's files written under site-packages.
# The download cache is ${PIP_CACHE_DIR:-$HOME/.cache/pip}; --no-cache-dir or PIP_NO_CACHE_DIR (any
# value, as in pip) turn it off. Everything is deterministic: the same input does the same work.
set -eu
[ "${1:-}" = install ] || { echo "simulated pip: only 'install' is supported" >&2; exit 2; }
shift
no_cache=${PIP_NO_CACHE_DIR:+1}
reqs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-cache-dir) no_cache=1 ;;
    -r|--requirement) shift; reqs="$reqs $(grep -v '^[[:space:]]*#' "$1" | sed 's/\r$//')" ;;
    -*) ;;
    *) reqs="$reqs $1" ;;
  esac
  shift
done
cache="${PIP_CACHE_DIR:-${HOME:-/root}/.cache/pip}/wheels"
site=/usr/local/lib/python3/site-packages
mkdir -p "$site"
work() { # work <label> <rounds>: <rounds> x sha256 over 1 MiB of a deterministic stream
  i=0; while [ "$i" -lt "$2" ]; do
    { echo "$1 $i"; dd if=/dev/zero bs=65536 count=16 2>/dev/null; } | sha256sum > /dev/null
    i=$((i + 1))
  done
}
downloaded=0; reused=0
for req in $reqs; do
  name=${req%%==*}; version=${req#*==}
  size=$(printf '%s' "$name" | sha256sum | awk '{ print (index("0123456789abcdef", substr($1, 1, 1)) - 1) % 8 + 2 }')
  wheel="$cache/$name-$version.whl"
  if [ -z "$no_cache" ] && [ -f "$wheel" ]; then
    reused=$((reused + 1))
  else
    work "download $req" $((size * 12))
    tmp=/tmp/$name-$version.whl
    printf '%s %s %s MiB (simulated wheel)\n' "$name" "$version" "$size" > "$tmp"
    if [ -z "$no_cache" ]; then mkdir -p "$cache"; mv "$tmp" "$wheel"; else wheel=$tmp; fi
    downloaded=$((downloaded + 1))
  fi
  work "install $req" $((size * 3))
  mkdir -p "$site/$name"
  cp "$wheel" "$site/$name/WHEEL"
  [ "$wheel" = "/tmp/$name-$version.whl" ] && rm -f "$wheel"
done
echo "simulated pip: installed $(echo $reqs | wc -w) packages ($downloaded downloaded, $reused from the cache${no_cache:+; cache off})"
