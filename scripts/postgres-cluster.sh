#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's packages (apt: postgresql).
#   eval "$(scripts/postgres-cluster.sh start)"   # prints export lines; starts the server
#   scripts/postgres-cluster.sh stop DIR          # stops it and removes DIR
# PostgreSQL refuses to run as root, so as root the cluster runs as the postgres user. Durable
# defaults are kept (fsync, synchronous_commit on); only connections are raised for parallel tests.
# Every role signs in without a password (trust) except members of pairpay_password_users.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
    echo "postgres-cluster.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
fi

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/pairpay-pg.XXXXXX)
    chmod 755 "$dir"
    user=$(id -un)
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres "$dir"
        user=postgres
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Nothing is left behind when a step fails.
    fail() {
        cat "$1" >&2 2>/dev/null || true
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$dir"
        exit 1
    }
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U "$user" -E UTF8 >"$dir/initdb.log" 2>&1 ||
        fail "$dir/initdb.log"
    # Members of pairpay_password_users sign in with a password over TCP (scram-sha-256, the
    # first matching line wins): the tests of settlementd's database password use such a role.
    as_owner sh -c "{ echo 'host all +pairpay_password_users 127.0.0.1/32 scram-sha-256'; cat '$dir/data/pg_hba.conf'; } > '$dir/data/pg_hba.new' && mv '$dir/data/pg_hba.new' '$dir/data/pg_hba.conf'" ||
        fail /dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500" start >/dev/null ||
        fail "$dir/server.log"
    echo "export PAIRPAY_TEST_POSTGRES_URL='postgres://$user@127.0.0.1:$port/postgres?sslmode=disable'"
    echo "export PAIRPAY_TEST_POSTGRES_DIR='$dir'"
    ;;
stop)
    dir="${2:?postgres-cluster.sh stop DIR}"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres-cluster.sh start | stop DIR" >&2
    exit 2
    ;;
esac
