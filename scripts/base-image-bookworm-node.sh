#!/usr/bin/env bash
# A real Debian base image for the samples' builds, made without any image registry: Debian bookworm
# (minbase) with Node.js and npm from Debian's own packages, bootstrapped by mmdebstrap from Debian's
# mirror and imported into the local engine. Built once per machine: an image under the tag that
# carries this script's mark is reused as it is; anything else under the tag is replaced.
#
#   scripts/base-image-bookworm-node.sh [TAG]      (default local/bookworm-node:latest)
#
# Environment: DOCKER (the docker CLI, default /usr/bin/docker or the first on PATH),
# DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

TAG="${1:-local/bookworm-node:latest}"
LABEL=dev.cache-advisor.base-image
# Bump the version whenever the package list or the bootstrap options change.
PACKAGES=nodejs,npm
MARK="bookworm-minbase-v1:${PACKAGES}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ -z "${DOCKER:-}" ]; then
  if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi

current="$("$DOCKER" image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$TAG" 2>/dev/null || true)"
if [ "$current" = "$MARK" ]; then
  echo "$TAG is up to date ($MARK)"
  exit 0
fi

if ! command -v mmdebstrap >/dev/null; then
  apt-cache policy mmdebstrap 2>/dev/null | grep -q 'Candidate: [0-9]' || apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/bookworm-node.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "bootstrapping Debian bookworm (minbase + $PACKAGES) from $MIRROR…"
mmdebstrap --quiet --variant=minbase --include="$PACKAGES" bookworm "$work/rootfs.tar" "deb $MIRROR bookworm main"

if "$DOCKER" image inspect "$TAG" >/dev/null 2>&1; then
  # Someone else's image under our tag: untag it (its layers stay for whoever owns them).
  "$DOCKER" image rm "$TAG" >/dev/null
fi
"$DOCKER" import \
  --change "LABEL $LABEL=$MARK" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  "$work/rootfs.tar" "$TAG" >/dev/null

got="$("$DOCKER" image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$TAG")"
[ "$got" = "$MARK" ] || { echo "docker import of $TAG did not keep the label $LABEL" >&2; exit 1; }
echo "$TAG built ($MARK)"
