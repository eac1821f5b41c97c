#!/bin/sh
# One-shot job of docker-compose.yml (service `temporal-schema`, admin-tools image): creates Temporal's
# two databases on `temporal-db` and brings both schemas to the version the server image expects, with
# the image's own temporal-sql-tool and schema files. Safe to run again: an existing database is kept
# and update-schema only applies what is missing.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the Temporal database host}"
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${POSTGRES_PWD:?POSTGRES_PWD must be set}"
PORT="${DB_PORT:-5432}"
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

sql_tool() {
  db=$1
  shift
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" \
    -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" --db "$db" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  name=${pair%%:*}
  dir=${pair#*:}
  # create fails when the database exists (a second `up`); the steps after it fail on any real fault.
  if sql_tool "$name" create 2>/dev/null; then echo "database $name: created"; else echo "database $name: kept"; fi
  sql_tool "$name" setup-schema -v 0.0
  sql_tool "$name" update-schema -d "$SCHEMA_ROOT/$dir/versioned"
  echo "database $name: schema up to date"
done
