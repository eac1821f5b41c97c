# Sourced by the one-shot admin-tools jobs that talk to the Temporal frontend at TEMPORAL_ADDRESS (see
# docker-compose.yml): the namespace they work on, `cli` (the temporal CLI against that frontend), and
# `wait_for MESSAGE COMMAND...`, which runs COMMAND every 2 s until it succeeds and gives up after 60
# tries, printing MESSAGE.

NAMESPACE="${TEMPORAL_NAMESPACE:-default}"

cli() {
  temporal --address "$TEMPORAL_ADDRESS" "$@"
}

wait_for() {
  message=$1
  shift
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "$message" >&2
      exit 1
    fi
    sleep 2
  done
}
