#!/bin/sh
# One-shot job of docker-compose.yml (service `temporal-namespace`, admin-tools image): waits until the
# Temporal cluster reports healthy, then registers the namespace the platform uses. Safe to run again.
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be set, e.g. temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-72h}"

cli() {
  temporal --address "$TEMPORAL_ADDRESS" "$@"
}

tries=0
until cli operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "Temporal at $TEMPORAL_ADDRESS did not report healthy" >&2
    exit 1
  fi
  sleep 2
done

if cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE: already registered"
else
  cli operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace $NAMESPACE: registered"
fi
