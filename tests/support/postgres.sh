#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL server for tests, benchmarks and the demo.
#
#   postgres.sh up DIR [extra postgres -c settings...]   prints the server's URI as its last line
#   postgres.sh down DIR                                  stops it and removes DIR
#   postgres.sh stop DIR                                  stops it at once (-m immediate), kept
#   postgres.sh start DIR                                 starts it again, on the same port
#
# The server listens on 127.0.0.1 only, on a free port; RETORT_PG_EXTRA_LISTEN adds one more
# address (the test node's bridge address, so that pods reach the server) and
# RETORT_PG_EXTRA_HBA the network trusted there (the pod range). PostgreSQL refuses to run as root, so
# under root the cluster is owned and run by the `postgres` user, in a directory of its own under
# /tmp (DIR's parents may not be traversable by that user); DIR/cluster links to it.
set -euo pipefail

cmd=${1:?usage: postgres.sh up|down DIR}
dir=${2:?usage: postgres.sh up|down DIR}
shift 2

pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ ! -x "$pg_bin/initdb" ]; then
  echo "postgres.sh: no PostgreSQL server binaries found (install the 'postgresql' package)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster's own directory: the `postgres` user may not traverse DIR's parents to follow
# DIR/cluster.
cluster_of() {
  readlink -f "$1/cluster"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case "$cmd" in
  up)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
      cluster=$(mktemp -d /tmp/retort-pg.XXXXXX)
      chown postgres: "$cluster"
    else
      cluster="$(cd "$dir" && pwd)/cluster.d"
      mkdir -p "$cluster"
    fi
    ln -sfn "$cluster" "$dir/cluster"
    dir="$cluster"
    as_owner "$pg_bin/initdb" -D "$dir/data" -U retort -A trust --no-sync -E UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    listen=127.0.0.1
    if [ -n "${RETORT_PG_EXTRA_LISTEN:-}" ]; then
      listen="$listen,$RETORT_PG_EXTRA_LISTEN"
      [ -n "${RETORT_PG_EXTRA_HBA:-}" ] &&
        echo "host all all $RETORT_PG_EXTRA_HBA trust" >>"$dir/data/pg_hba.conf"
    fi
    # Members of retort_password_login must log in with a password (tests of credentials).
    as_owner sed -i '1i host all +retort_password_login 127.0.0.1/32 scram-sha-256' "$dir/data/pg_hba.conf"
    settings=(-c "listen_addresses=$listen" -c "unix_socket_directories=$dir" -c max_connections=200)
    for s in "$@"; do settings+=(-c "$s"); done
    for attempt in 1 2 3 4 5; do
      port=$(free_port)
      if as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
          -o "-p $port ${settings[*]}" start >/dev/null 2>&1; then
        echo "$port" >"$dir/port"
        echo "-p $port ${settings[*]}" >"$dir/options"
        echo "postgresql://retort@127.0.0.1:$port/postgres"
        exit 0
      fi
    done
    cat "$dir/server.log" >&2
    exit 1
    ;;
  down)
    if [ -d "$dir/cluster/data" ]; then
      as_owner "$pg_bin/pg_ctl" -D "$(cluster_of "$dir")/data" -m immediate stop >/dev/null 2>&1 ||
        true
    fi
    [ -L "$dir/cluster" ] && rm -rf "$(readlink "$dir/cluster")"
    rm -rf "$dir"
    ;;
  stop)
    cluster=$(cluster_of "$dir")
    as_owner "$pg_bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null
    ;;
  start)
    cluster=$(cluster_of "$dir")
    as_owner "$pg_bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "$(cat "$cluster/options")" start >/dev/null
    ;;
  *)
    echo "postgres.sh: unknown command '$cmd' (expected up, down, stop or start)" >&2
    exit 2
    ;;
esac
