#!/usr/bin/env bash
# Functions for running a local PostgreSQL 15 cluster, for the quick start. Source this file, then:
#   pg_start DIR PORT         create the cluster in DIR if missing, start it on 127.0.0.1:PORT, wait until ready
#   pg_stop DIR               stop it (fast shutdown) if running
#   pg_psql DIR PORT DB SQL…  run each SQL as superuser "postgres" over the unix socket (stdin when no SQL given)
# The cluster listens on loopback only, TCP logins need SCRAM-SHA-256, and the unix socket lives in DIR itself.
# Run as root, initdb and the server run as the "postgres" user (they refuse root); otherwise as the caller.
# Every function returns non-zero on failure and works under `set -euo pipefail`.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Runs a command as the user who owns the cluster.
_pg_as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_pg_fail() {
  echo "lib-postgres: $*" >&2
  return 1
}

_pg_init() {
  local dir="$1"

  mkdir -p -- "$dir" || return 1
  if [[ "$(id -u)" -eq 0 ]]; then
    chown postgres:postgres -- "$dir" || return 1
  fi
  chmod 700 -- "$dir" || return 1
  _pg_as_owner test -w "$dir" || _pg_fail "$dir is not writable by the server user (check its parents)" || return 1

  _pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C --no-instructions >"$dir.initdb.log" 2>&1 \
    || { cat -- "$dir.initdb.log" >&2; _pg_fail "initdb failed in $dir"; return 1; }
  rm -f -- "$dir.initdb.log"

  # Written through the owner so the files keep the server user's ownership.
  printf '%s\n' \
    "" \
    "# Local quick-start cluster: loopback only, SCRAM passwords." \
    "listen_addresses = '127.0.0.1'" \
    "unix_socket_directories = '$dir'" \
    "password_encryption = 'scram-sha-256'" \
    | _pg_as_owner tee -a "$dir/postgresql.conf" >/dev/null || return 1
  printf '%s\n' \
    "# TYPE  DATABASE  USER      ADDRESS        METHOD" \
    "local   all       postgres                 trust" \
    "host    all       all       127.0.0.1/32   scram-sha-256" \
    | _pg_as_owner tee "$dir/pg_hba.conf" >/dev/null || return 1
}

# pg_start DIR PORT
pg_start() {
  [[ $# -eq 2 ]] || _pg_fail "usage: pg_start DIR PORT" || return 2
  local dir port="$2" running_port
  dir="$(realpath -m -- "$1")" || return 1

  [[ "$port" =~ ^[0-9]+$ ]] || _pg_fail "port '$port' is not a number" || return 2
  [[ "$dir" != *"'"* ]] || _pg_fail "the directory path may not contain a single quote" || return 2
  # A unix socket path is limited to 107 bytes: DIR/.s.PGSQL.PORT must fit.
  (( ${#dir} + 13 + ${#port} <= 107 )) || _pg_fail "socket path in $dir would be too long" || return 2

  if [[ ! -f "$dir/PG_VERSION" ]]; then
    _pg_init "$dir" || return 1
  fi

  if _pg_as_owner "$PG_BIN/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    # postmaster.pid's fourth line is the port the running server listens on.
    running_port="$(sed -n 4p "$dir/postmaster.pid")"
    [[ "$running_port" == "$port" ]] \
      || _pg_fail "a server already runs from $dir on port $running_port, not $port" || return 1
  else
    _pg_as_owner "$PG_BIN/pg_ctl" start -D "$dir" -l "$dir/server.log" -w -t 60 -o "-p $port" >/dev/null \
      || { tail -n 30 -- "$dir/server.log" >&2; _pg_fail "server in $dir did not start"; return 1; }
  fi

  local attempt
  for attempt in $(seq 1 100); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      return 0
    fi
    sleep 0.1
  done
  _pg_fail "server in $dir is not accepting connections on 127.0.0.1:$port after $attempt checks"
}

# pg_stop DIR
pg_stop() {
  [[ $# -eq 1 ]] || _pg_fail "usage: pg_stop DIR" || return 2
  local dir
  dir="$(realpath -m -- "$1")" || return 1

  if [[ -f "$dir/PG_VERSION" ]] && _pg_as_owner "$PG_BIN/pg_ctl" status -D "$dir" >/dev/null 2>&1; then
    _pg_as_owner "$PG_BIN/pg_ctl" stop -D "$dir" -m fast -w >/dev/null || _pg_fail "could not stop $dir"
  fi
}

# pg_psql DIR PORT DB [SQL...]
pg_psql() {
  [[ $# -ge 3 ]] || _pg_fail "usage: pg_psql DIR PORT DB [SQL...]" || return 2
  local dir port="$2" db="$3"
  dir="$(realpath -m -- "$1")" || return 1
  shift 3

  local args=(-X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d "$db")
  if [[ $# -eq 0 ]]; then
    args+=(-f -)
  else
    local sql
    for sql in "$@"; do
      args+=(-c "$sql")
    done
  fi
  "$PG_BIN/psql" "${args[@]}"
}
