#!/bin/sh
# The container image's entry point: `gatecheck idp` or `gatecheck mint` with the image's settings.
#
# In a container the mock listens on 0.0.0.0, and a caller from outside never comes from loopback, so
# /_admin (minting, keys, faults, revocations) is usable only with an admin token: `--admin-token
# generate` takes GATECHECK_ADMIN_TOKEN when it is set and otherwise makes a random one and prints it
# once on stderr. The token travels in the environment, not on the command line, so `ps` does not show it.
# GATECHECK_PUBLIC_URL, when set, is the origin clients use (issuers, endpoints in discovery).
set -eu

here=$(dirname "$0")
cli="$here/../../cli/gatecheck.ts"

case "${1:-}" in
  idp | mint | --version | -V) ;;
  *)
    echo "gatecheck image: runs \`idp\` (the default) and \`mint\`; the other commands need the devDependencies this image leaves out. Use a clone (npm install) for them." >&2
    exit 2
    ;;
esac

count=$#
while [ "$count" -gt 0 ]; do
  arg=$1
  shift
  count=$((count - 1))
  if [ "$arg" = "--admin-token" ] && [ "$count" -gt 0 ] && [ "$1" = "generate" ]; then
    shift
    count=$((count - 1))
    if [ -z "${GATECHECK_ADMIN_TOKEN:-}" ]; then
      GATECHECK_ADMIN_TOKEN=$(node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('base64url'))")
      echo "gatecheck: generated an admin token for /_admin (send it as Authorization: Bearer): $GATECHECK_ADMIN_TOKEN" >&2
    fi
    export GATECHECK_ADMIN_TOKEN
    continue
  fi
  set -- "$@" "$arg"
done

if [ "${1:-}" = "idp" ] && [ -n "${GATECHECK_PUBLIC_URL:-}" ]; then
  # A repeated option's last value wins: this one overrides the default command's.
  set -- "$@" --public-url "$GATECHECK_PUBLIC_URL"
fi

exec node "$cli" "$@"
