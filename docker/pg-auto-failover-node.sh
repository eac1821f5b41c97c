#!/bin/bash
# shellcheck disable=SC2153 # PGAF_* come from the environment (checked by `require`)
# Entrypoint of the pg_auto_failover image (docker/pg-auto-failover.Dockerfile), for the shard HA variant of
# docker-compose.yml (docker-compose.ha.yml). It does in a container what scripts/lib/auto-failover/
# ha-shard-cluster.ts does for `SHARD_REPLICAS=1 npm start`, with the same pg_autoctl flags:
#
#   pg-auto-failover-node.sh monitor [name=value ...]   the monitor; the settings go into its postgresql.conf
#   pg-auto-failover-node.sh node [name=value ...]      a node of formation PGAF_FORMATION, settings likewise
#   pg-auto-failover-node.sh formations <name> ...      one-shot: creates the formations on the monitor
#
# The monitor and the nodes are created on their first start (no pg_autoctl configuration in the volume
# yet), then `pg_autoctl run` takes over; later starts only run. It runs as the image's postgres user.
#
# Environment (set by the compose file):
#   PGDATA               the data directory, inside the volume (the image sets it)
#   PGPORT               the port postgres listens on
#   PGAF_HOSTNAME        the name the others reach this server by: its compose service name
#   PGAF_NAME            node name in the formation (the service name)
#   PGAF_FORMATION       formation of a node (shard-<i>)
#   PGAF_MONITOR         monitor URL, for nodes and the formations job
#   PGAF_JOIN_AFTER_PRIMARY  "true": on its first start, register only once the formation has a primary, so
#                        the formation's first node becomes its primary (as the local launcher does)
set -euo pipefail

# pg_autoctl keeps its configuration and state under XDG directories; they must live in the volume with
# PGDATA, or a recreated container would find a data directory its keeper knows nothing about. (The image
# sets the same values for `docker compose exec`.)
PGAF_HOME=${PGAF_HOME:-/var/lib/postgresql/pgaf}
export PGDATA=${PGDATA:-$PGAF_HOME/data}
export PGPORT=${PGPORT:-5432}
export XDG_CONFIG_HOME=$PGAF_HOME/config
export XDG_DATA_HOME=$PGAF_HOME/share
# Pid files of the running keeper: never kept across starts.
export XDG_RUNTIME_DIR=${PGAF_RUNTIME_DIR:-/tmp/pg_autoctl}
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
DBNAME=orders
SETTINGS_MARKER='# order-platform settings'
HBA_MARKER='# order-platform: the compose network'

log() { echo "pg-auto-failover-node: $*" >&2; }

# The pg_autoctl configuration file of PGDATA: present once `pg_autoctl create` has begun.
config_file() {
  echo "$XDG_CONFIG_HOME/pg_autoctl${PGDATA}/pg_autoctl.cfg"
}

# Appends `name = value` lines to postgresql.conf once (as appendSettings in ha-shard-cluster.ts).
append_settings() {
  local conf=$PGDATA/postgresql.conf setting
  [ -f "$conf" ] || return 0
  grep -qxF "$SETTINGS_MARKER" "$conf" && return 0
  {
    echo
    echo "$SETTINGS_MARKER"
    for setting in "$@"; do
      echo "${setting%%=*} = ${setting#*=}"
    done
  } >>"$conf"
}

# `--auth trust` makes pg_autoctl trust the hosts it knows: the monitor and the other nodes, by the name
# they registered with, or their IP address when that name does not resolve back (Docker's reverse DNS
# gives the container name, not the service name), as found when the rule was written; a container that
# is recreated may come back on another address. The api, the workers and migrate are not known to it at
# all. So every server trusts the compose network itself: `samenet` is any address of a subnet the server
# is attached to, i.e. the project network (and loopback). Trust without passwords and without TLS
# (--no-ssl) is for this private network only: the HA variant publishes no node port to the host.
# (--pg-hba-lan would open the network too, but only to database `orders` and not for replication.)
ensure_hba() {
  local hba=$PGDATA/pg_hba.conf
  [ -f "$hba" ] || return 0
  grep -qxF "$HBA_MARKER" "$hba" && return 0
  printf '\n%s\nhost all all samenet trust\nhost replication all samenet trust\n' "$HBA_MARKER" >>"$hba"
}

require() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || {
      log "$name must be set"
      exit 64
    }
  done
}

prepare() {
  mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
  rm -rf "$XDG_RUNTIME_DIR"
  mkdir -p "$XDG_RUNTIME_DIR"
  chmod 0700 "$XDG_RUNTIME_DIR"
  if [ ! -w "$PGAF_HOME" ]; then
    log "$PGAF_HOME is not writable by $(id -un): mount a volume owned by postgres there"
    exit 1
  fi
}

run() {
  append_settings "$@"
  ensure_hba
  exec pg_autoctl run --pgdata "$PGDATA"
}

monitor() {
  require PGAF_HOSTNAME
  prepare
  if [ ! -f "$(config_file)" ]; then
    log "creating the monitor $PGAF_HOSTNAME:$PGPORT"
    pg_autoctl create monitor --pgdata "$PGDATA" --pgport "$PGPORT" --pgctl "$PG_BINDIR/pg_ctl" \
      --hostname "$PGAF_HOSTNAME" --auth trust --no-ssl
  fi
  run "$@"
}

# Until the monitor reports a writable primary in the formation (states as isPrimaryState in
# ha-shard-cluster.ts).
wait_for_primary() {
  local query="select count(*) from pgautofailover.node where formationid = '$PGAF_FORMATION'
    and reportedstate in ('single', 'primary', 'wait_primary')"
  log "waiting for a primary in $PGAF_FORMATION"
  until [ "$(psql "$PGAF_MONITOR" -Atqc "$query" 2>/dev/null || echo 0)" -gt 0 ]; do
    sleep 1
  done
}

node() {
  require PGAF_HOSTNAME PGAF_NAME PGAF_FORMATION PGAF_MONITOR
  prepare
  if [ ! -f "$(config_file)" ]; then
    [ "${PGAF_JOIN_AFTER_PRIMARY:-false}" = true ] && wait_for_primary
    log "creating node $PGAF_NAME ($PGAF_HOSTNAME:$PGPORT) of $PGAF_FORMATION"
    pg_autoctl create postgres --pgdata "$PGDATA" --pgport "$PGPORT" --pgctl "$PG_BINDIR/pg_ctl" \
      --hostname "$PGAF_HOSTNAME" --auth trust --no-ssl --monitor "$PGAF_MONITOR" \
      --formation "$PGAF_FORMATION" --dbname "$DBNAME" --name "$PGAF_NAME"
  fi
  run "$@"
}

# Idempotent: a formation that exists is kept. The monitor may still be installing its extension when it
# first accepts connections, so a failure is retried for a minute.
formations() {
  require PGAF_MONITOR
  local formation out tries
  [ $# -gt 0 ] || {
    log "formations: name at least one formation"
    exit 64
  }
  for formation in "$@"; do
    for tries in $(seq 60); do
      if out=$(pg_autoctl create formation --monitor "$PGAF_MONITOR" --formation "$formation" \
        --kind pgsql --dbname "$DBNAME" 2>&1); then
        log "formation $formation created"
        break
      elif grep -q 'already exists' <<<"$out"; then
        log "formation $formation exists"
        break
      elif [ "$tries" -eq 60 ]; then
        echo "$out" >&2
        exit 1
      fi
      sleep 1
    done
  done
}

role=${1:-}
[ $# -gt 0 ] && shift
case "$role" in
monitor) monitor "$@" ;;
node) node "$@" ;;
formations) formations "$@" ;;
*)
  log "usage: $0 monitor|node [name=value ...] | formations <formation> ..."
  exit 64
  ;;
esac
