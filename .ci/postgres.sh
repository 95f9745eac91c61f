#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests of security-assistance-postgres.
#
# Two ways to use it:
#   source .ci/postgres.sh && sa_postgres_install_if_missing && sa_postgres_start
#       (what .ci/run does: SA_POSTGRES_URL is exported into the calling shell and the
#       cluster is stopped and removed when that shell exits)
#   .ci/postgres.sh cargo test -p security-assistance-postgres
#       (runs one command with a cluster, then stops and removes it)
#
# The cluster lives in a new temporary directory, listens on 127.0.0.1 only, on a free
# port, with its Unix socket inside that directory, and trusts local connections: it holds
# nothing but test data and disappears on exit. PostgreSQL refuses to run as root, so as
# root the server runs as an unprivileged user (`postgres`, which the Debian package
# creates; `sa-postgres` is created if neither exists).

SA_POSTGRES_DIR=""
SA_POSTGRES_BIN=""
SA_POSTGRES_USER=""

sa_postgres_log() { echo "postgres.sh: $*" >&2; }

# The directory holding initdb/pg_ctl: pg_config's, else the newest Debian one, else PATH.
sa_postgres_find_bin() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

# Installs the Debian package when no initdb/pg_ctl can be found.
sa_postgres_install_if_missing() {
    if sa_postgres_find_bin >/dev/null; then return 0; fi
    sa_postgres_log "PostgreSQL is not installed: installing the Debian package"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    sa_postgres_find_bin >/dev/null || { sa_postgres_log "installation found no initdb"; return 1; }
}

# Runs a command as the cluster's owner.
sa_postgres_as_owner() {
    if [ -n "$SA_POSTGRES_USER" ]; then
        runuser -u "$SA_POSTGRES_USER" -- "$@"
    else
        "$@"
    fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
sa_postgres_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts the cluster and exports SA_POSTGRES_URL; stops and removes it when the shell exits.
sa_postgres_start() {
    SA_POSTGRES_BIN="$(sa_postgres_find_bin)" || {
        sa_postgres_log "no initdb/pg_ctl found (run sa_postgres_install_if_missing)"; return 1; }
    if [ "$(id -u)" -eq 0 ]; then
        if id -u postgres >/dev/null 2>&1; then
            SA_POSTGRES_USER=postgres
        else
            id -u sa-postgres >/dev/null 2>&1 \
                || useradd --system --no-create-home --shell /usr/sbin/nologin sa-postgres
            SA_POSTGRES_USER=sa-postgres
        fi
    fi
    SA_POSTGRES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sa-postgres.XXXXXX")"
    trap sa_postgres_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    if [ -n "$SA_POSTGRES_USER" ]; then chown "$SA_POSTGRES_USER" "$SA_POSTGRES_DIR"; fi

    sa_postgres_as_owner "$SA_POSTGRES_BIN/initdb" -D "$SA_POSTGRES_DIR/data" -U sa \
        --auth=trust --encoding=UTF8 --locale=C >"$SA_POSTGRES_DIR/initdb.log" 2>&1 || {
        cat "$SA_POSTGRES_DIR/initdb.log" >&2; sa_postgres_log "initdb failed"; return 1; }

    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        if sa_postgres_port_busy "$port"; then continue; fi
        if sa_postgres_as_owner "$SA_POSTGRES_BIN/pg_ctl" -D "$SA_POSTGRES_DIR/data" -w -t 60 \
            -l "$SA_POSTGRES_DIR/server.log" \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $SA_POSTGRES_DIR -c max_connections=200" \
            start >/dev/null 2>&1; then
            sa_postgres_as_owner "$SA_POSTGRES_BIN/createdb" -h 127.0.0.1 -p "$port" -U sa \
                security_assistance || { sa_postgres_log "createdb failed"; return 1; }
            export SA_POSTGRES_URL="postgresql://sa@127.0.0.1:$port/security_assistance"
            sa_postgres_log "cluster up: SA_POSTGRES_URL=$SA_POSTGRES_URL"
            return 0
        fi
        sa_postgres_log "start on port $port failed (attempt $attempt), trying another port"
    done
    cat "$SA_POSTGRES_DIR/server.log" >&2 2>/dev/null || true
    sa_postgres_log "could not start PostgreSQL"
    return 1
}

# Stops the cluster (fast shutdown) and removes its directory. Safe to call twice.
sa_postgres_stop() {
    if [ -z "$SA_POSTGRES_DIR" ]; then return 0; fi
    if [ -f "$SA_POSTGRES_DIR/data/postmaster.pid" ]; then
        sa_postgres_as_owner "$SA_POSTGRES_BIN/pg_ctl" -D "$SA_POSTGRES_DIR/data" -m fast -w \
            stop >/dev/null 2>&1 || sa_postgres_log "pg_ctl stop failed"
    fi
    rm -rf "$SA_POSTGRES_DIR"
    sa_postgres_log "cluster stopped and removed"
    SA_POSTGRES_DIR=""
    unset SA_POSTGRES_URL
}

# Executed rather than sourced: run the given command with a cluster.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    if [ "$#" -eq 0 ]; then
        echo "usage: $0 COMMAND [ARGS...]   (or: source $0 && sa_postgres_start)" >&2
        exit 2
    fi
    sa_postgres_install_if_missing
    sa_postgres_start
    # In the background, so that a signal stops the command and then the cluster at once
    # (bash runs a trap only after a foreground command ends).
    "$@" &
    child=$!
    trap 'kill -INT "$child" 2>/dev/null; exit 130' INT
    trap 'kill -TERM "$child" 2>/dev/null; exit 143' TERM
    status=0
    wait "$child" || status=$?
    exit "$status"
fi
