#!/usr/bin/env bash
# A private PostgreSQL server for the team store's tests: a data folder of its own, a port of its own, password
# authentication over TCP (so a wrong password is really refused). Debian's `postgresql` package provides it.
#
#   eval "$(scripts/postgres-server.sh start [PORT])"   # prints `export RECDECK_TEST_PG=postgres://…`
#   scripts/postgres-server.sh stop
#
# initdb refuses to run as root: as root the server runs as the `postgres` user.
set -euo pipefail
folder="${RECDECK_PG_FOLDER:-/tmp/recdeck-pg}"
password="recdeck-test"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ]; then echo "error: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "${1:-start}" in
start)
  port="${2:-55432}"
  if [ -f "$folder/data/postmaster.pid" ]; then as_owner "'$bin/pg_ctl' -D '$folder/data' stop -m fast" >/dev/null 2>&1 || true; fi
  rm -rf "$folder"
  mkdir -p "$folder"
  echo "$password" >"$folder/password"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$folder"; fi
  as_owner "'$bin/initdb' -D '$folder/data' -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile='$folder/password' -E UTF8 --locale=C.UTF-8" >"$folder/initdb.log" 2>&1 \
    || { cat "$folder/initdb.log" >&2; exit 1; }
  as_owner "'$bin/pg_ctl' -D '$folder/data' -l '$folder/server.log' -w -o \"-p $port -k '$folder' -c listen_addresses=127.0.0.1 -c max_connections=200\" start" >/dev/null \
    || { cat "$folder/server.log" >&2; exit 1; }
  echo "export RECDECK_TEST_PG='postgres://postgres:$password@127.0.0.1:$port/postgres?sslmode=disable'"
  ;;
stop)
  as_owner "'$bin/pg_ctl' -D '$folder/data' stop -m fast" >/dev/null
  ;;
*)
  echo "usage: $0 start [PORT] | stop" >&2; exit 2
  ;;
esac
