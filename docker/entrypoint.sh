#!/bin/sh
# quotebot container entrypoint.
#
# 1. An empty data directory (a new volume) gets the seed corpus baked into the image, with the
#    index built at image build time when there is one.
# 2. No published index: the writer builds one (`quotebot index build`); a read-only replica
#    (QUOTEBOT_INDEX_BUILD=never) waits for the writer to publish one instead.
# 3. Then `exec quotebot "$@"` (default: `run`), so the bot is PID 1 and gets SIGTERM directly.
#    A first argument that is not a quotebot command is executed as is (e.g. `sh`).
#
# Environment: QUOTEBOT_DATA_DIR (default /data), QUOTEBOT_SEED_DIR (default /opt/quotebot/seed),
# QUOTEBOT_INDEX_BUILD=auto|never (default auto), QUOTEBOT_INDEX_WAIT (seconds a replica waits
# for an index, default 600), QUOTEBOT_BIN (the quotebot executable, default `quotebot`).
set -eu

DATA_DIR=${QUOTEBOT_DATA_DIR:-/data}
SEED_DIR=${QUOTEBOT_SEED_DIR:-/opt/quotebot/seed}
BUILD=${QUOTEBOT_INDEX_BUILD:-auto}
WAIT=${QUOTEBOT_INDEX_WAIT:-600}
QUOTEBOT=${QUOTEBOT_BIN:-quotebot}
export QUOTEBOT_DATA_DIR="$DATA_DIR"

log() { printf 'entrypoint: %s\n' "$*" >&2; }

published() {
  [ -s "$DATA_DIR/index/CURRENT" ] || return 1
  version=$(cat "$DATA_DIR/index/CURRENT")
  [ -f "$DATA_DIR/index/versions/$version/manifest.json" ]
}

[ "$#" -gt 0 ] || set -- run

case "$1" in
  run|ask|index|sources|model) ;;
  *) exec "$@" ;;
esac

case "$BUILD" in
  auto|never) ;;
  *) log "QUOTEBOT_INDEX_BUILD must be auto or never, got '$BUILD'"; exit 2 ;;
esac

if [ ! -f "$DATA_DIR/sources.yaml" ] && [ "$BUILD" = auto ]; then
  if [ -f "$SEED_DIR/sources.yaml" ]; then
    log "no corpus in $DATA_DIR: copying the seed corpus from $SEED_DIR"
    mkdir -p "$DATA_DIR"
    cp -R "$SEED_DIR/." "$DATA_DIR/"
  else
    log "no corpus in $DATA_DIR and no seed in $SEED_DIR"
    exit 1
  fi
fi

if [ "$1" = run ] || [ "$1" = ask ]; then
  if ! published; then
    if [ "$BUILD" = auto ]; then
      log "no published index in $DATA_DIR/index: building it"
      "$QUOTEBOT" index build --quiet
    else
      log "no published index in $DATA_DIR/index yet: waiting up to ${WAIT}s for the writer"
      waited=0
      until published; do
        if [ "$waited" -ge "$WAIT" ]; then
          log "still no published index after ${WAIT}s; giving up"
          exit 1
        fi
        sleep 2
        waited=$((waited + 2))
      done
    fi
  fi
fi

exec "$QUOTEBOT" "$@"
