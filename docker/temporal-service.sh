#!/bin/sh
# Entry point of every Temporal service container in docker-compose.yml (temporalio/server image): runs one
# service ($1: frontend, matching, worker or history) with the repository's config/temporal/cluster.yaml, the
# same file `TEMPORAL=cluster npm start` uses. Other services reach this one at the container's own address.
set -eu
TEMPORAL_BROADCAST_IP="$(hostname -i | awk '{print $1}')"
export TEMPORAL_BROADCAST_IP
exec temporal-server --root /etc/order-platform --config temporal --env cluster --allow-no-auth start --service "$1"
