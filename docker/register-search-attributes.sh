#!/bin/sh
# One-shot job of docker-compose.yml (service `search-attributes`, admin-tools image): registers the
# custom search attributes the order workflows upsert and the API filters on. Safe to run again:
# an attribute that already exists is fine, as long as it is a Keyword.
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be set, e.g. temporal:7233}"
. "$(dirname "$0")/temporal-cli.sh"

ATTRIBUTES="OrderStatus CustomerId"

# The `temporal-namespace` job registers the namespace first; wait anyway so the job can run alone.
wait_for "namespace $NAMESPACE not reachable at $TEMPORAL_ADDRESS" \
  cli operator namespace describe --namespace "$NAMESPACE"

# One attribute per call: with several in one call, an existing one would fail the whole request.
for name in $ATTRIBUTES; do
  if out=$(cli operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type Keyword 2>&1); then
    echo "search attribute $name: created"
  elif printf '%s\n' "$out" | grep -qi 'already exists'; then
    echo "search attribute $name: already exists"
  else
    printf '%s\n' "$out" >&2
    exit 1
  fi
done

listing=$(cli operator search-attribute list --namespace "$NAMESPACE")
for name in $ATTRIBUTES; do
  if ! printf '%s\n' "$listing" | grep -Eq "(^|[^A-Za-z0-9_])$name([^A-Za-z0-9_].*)?Keyword([^A-Za-z]|$)"; then
    echo "search attribute $name is missing or is not a Keyword:" >&2
    printf '%s\n' "$listing" >&2
    exit 1
  fi
done
echo "search attributes ready in namespace $NAMESPACE: $ATTRIBUTES"
