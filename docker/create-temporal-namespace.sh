#!/bin/sh
# One-shot job of docker-compose.yml (service `temporal-namespace`, admin-tools image): waits until the
# Temporal cluster reports healthy, then registers the namespace the platform uses. Safe to run again.
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be set, e.g. temporal:7233}"
. "$(dirname "$0")/temporal-cli.sh"

RETENTION="${NAMESPACE_RETENTION:-72h}"

wait_for "Temporal at $TEMPORAL_ADDRESS did not report healthy" cli operator cluster health

if cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE: already registered"
else
  cli operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace $NAMESPACE: registered"
fi
