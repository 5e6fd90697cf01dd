#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the benchmark.
#   scripts/pg.sh start DIR   creates a cluster in DIR (which must not exist) on a free
#                             loopback port, starts it and prints its URL
#                             (postgres://paysession@127.0.0.1:PORT/paysession)
#   scripts/pg.sh stop DIR    stops it and deletes DIR
# PostgreSQL comes from Debian's packages (scripts/setup.sh --for test installs them).
# initdb refuses to run as root: as root, the cluster belongs to the `postgres` user
# the package created. Durability is PostgreSQL's default (fsync on, synchronous
# commit), as the SQLite engine's `synchronous = FULL`, so the figures compare.
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -x "$bindir/initdb" ] || { echo "pg: PostgreSQL's server is not installed (run scripts/setup.sh --for test)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    [ ! -e "$dir" ] || { echo "pg: $dir exists" >&2; exit 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
      chown postgres: "$dir"
      as_owner test -x "$dir" || { echo "pg: the postgres user cannot reach $dir (a parent folder is private)" >&2; rm -rf "$dir"; exit 1; }
    fi
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    as_owner "$bindir/initdb" -D "$dir/data" -U paysession --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U paysession -d postgres -c "CREATE DATABASE paysession" >/dev/null
    echo "$port" >"$dir/port"
    echo "postgres://paysession@127.0.0.1:$port/paysession"
    ;;
  stop)
    [ -d "$dir/data" ] || exit 0
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2 ;;
esac
