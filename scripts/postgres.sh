#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: 127.0.0.1 only, fixed port, trust auth.
#
#   scripts/postgres.sh start   install Debian's postgresql if needed, initdb, start, create the database
#   scripts/postgres.sh stop    stop the server and delete its folder
#   scripts/postgres.sh env     print the CX_PG_* exports for it: eval "$(scripts/postgres.sh env)"
#
# Settings (env): CX_PG_TEST_DIR (/tmp/cx_metrics_pg), CX_PG_TEST_PORT (55432),
# CX_PG_DATABASE (cx_metrics). The superuser is `postgres`, without a password.
set -euo pipefail

dir=${CX_PG_TEST_DIR:-/tmp/cx_metrics_pg}
port=${CX_PG_TEST_PORT:-55432}
db=${CX_PG_DATABASE:-cx_metrics}
user=postgres

die() { echo "postgres.sh: $*" >&2; exit 1; }

bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [[ -n "$d" && -x "$d/initdb" ]]; then echo "$d"; return; fi
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return
    return 1
}

install_server() {
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL server binaries missing; run as root to apt-get install postgresql"
    echo "postgres.sh: installing Debian's postgresql (apt-get) ..." >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
        || die "apt-get install postgresql failed"
}

# Run a server binary as the owner of the data folder (initdb refuses root).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [[ -f "$dir/data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

start() {
    bin=$(bindir) || { install_server; bin=$(bindir) || die "no initdb after installing postgresql"; }
    if running; then echo "postgres.sh: already running on 127.0.0.1:$port ($dir)" >&2; return; fi
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
        rm -rf "$dir"; mkdir -p "$dir/data" "$dir/sock"
        if [[ $(id -u) -eq 0 ]]; then
            id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run initdb as"
            chown -R postgres: "$dir"
        fi
        chmod 700 "$dir/data"
        as_owner "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
            || die "initdb failed, see $dir/initdb.log"
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c TimeZone=UTC" \
        start >/dev/null || die "server did not start on port $port, see $dir/server.log"
    if ! as_owner "$bin/psql" -h "$dir/sock" -p "$port" -U "$user" -d postgres -tAq \
        -c "select 1 from pg_database where datname = '$db'" | grep -q 1; then
        as_owner "$bin/createdb" -h "$dir/sock" -p "$port" -U "$user" "$db" || die "createdb $db failed"
    fi
    echo "postgres.sh: running on 127.0.0.1:$port, database $db ($dir)" >&2
}

stop() {
    bin=$(bindir) || { echo "postgres.sh: no server binaries, nothing to stop" >&2; return; }
    if running; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || die "pg_ctl stop failed"
    fi
    rm -rf "$dir"
    echo "postgres.sh: stopped" >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) printf 'export CX_PG_HOST=127.0.0.1 CX_PG_PORT=%s CX_PG_USER=%s CX_PG_PASSWORD= CX_PG_DATABASE=%s\n' \
        "$port" "$user" "$db" ;;
    *) die "usage: $0 start|stop|env" ;;
esac
