# shellcheck shell=bash
# PostgreSQL: the server runs outside the project (on this machine, 127.0.0.1:5432). The launcher creates the
# shoppulse database and, for each service, a login role that owns the service's schema. Flyway owns what is
# inside each schema.

: "${SHOPPULSE_PG_HOST:=127.0.0.1}"
: "${SHOPPULSE_PG_PORT:=5432}"
: "${SHOPPULSE_PG_ADMIN_USER:=postgres}"
: "${SHOPPULSE_PG_DATABASE:=shoppulse}"

# The database module tests run in: emptied at the start of every ./shoppulse test, so a run never sees rows a
# running platform (or an earlier run) left behind, and the platform never sees a test's rows.
: "${SHOPPULSE_TEST_PG_DATABASE:=${SHOPPULSE_PG_DATABASE}_test}"

pg_healthy() { pg_isready -q -h "$SHOPPULSE_PG_HOST" -p "$SHOPPULSE_PG_PORT" -t 3; }

pg_admin() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h "$SHOPPULSE_PG_HOST" -p "$SHOPPULSE_PG_PORT" -U "$SHOPPULSE_PG_ADMIN_USER" "$@"
}

# Drops and creates the test database; refuses to touch the platform's.
postgres_fresh_test_database() {
  [[ "$SHOPPULSE_TEST_PG_DATABASE" != "$SHOPPULSE_PG_DATABASE" ]] ||
    die "SHOPPULSE_TEST_PG_DATABASE must not be the platform's database ($SHOPPULSE_PG_DATABASE)"
  pg_healthy || die "PostgreSQL is not reachable at $SHOPPULSE_PG_HOST:$SHOPPULSE_PG_PORT"
  pg_admin -d postgres -c "DROP DATABASE IF EXISTS \"$SHOPPULSE_TEST_PG_DATABASE\" WITH (FORCE)"
}

postgres_up() {
  pg_healthy || die "PostgreSQL is not reachable at $SHOPPULSE_PG_HOST:$SHOPPULSE_PG_PORT. Start it (on Debian:
  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start) or point SHOPPULSE_PG_HOST/PORT at one."
  if [[ -z "$(pg_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$SHOPPULSE_PG_DATABASE'")" ]]; then
    info "Creating database $SHOPPULSE_PG_DATABASE"
    pg_admin -d postgres -c "CREATE DATABASE \"$SHOPPULSE_PG_DATABASE\""
  fi
  local svc role password
  for svc in $(service_names); do
    role="shoppulse_${svc//-/_}"
    password_var="SHOPPULSE_DB_PASSWORD_$(upper "$svc")"
    password=${!password_var}
    pg_admin -d "$SHOPPULSE_PG_DATABASE" -v role="$role" -v schema="${svc//-/_}" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', :'schema', :'role') \gexec
SELECT format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', :'role', current_database(), :'schema') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'role') \gexec
SQL
  done
  # The analytics recompute reads the raw events and the orders (never writes them): read access for the
  # analytics role, also on the tables the owners' Flyway creates later.
  if [[ -d "$SP_ROOT/services/analytics/src/main/resources/db/migration" ]]; then
    local source_svc
    for source_svc in collector orders; do
      pg_admin -d "$SHOPPULSE_PG_DATABASE" -v owner="shoppulse_$source_svc" -v schema="$source_svc" <<'SQL'
GRANT USAGE ON SCHEMA :"schema" TO shoppulse_analytics;
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO shoppulse_analytics;
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA :"schema" GRANT SELECT ON TABLES TO shoppulse_analytics;
SQL
    done
  fi
  # The streams rewrite rows all the time (an open session at every micro-batch); without autovacuum their tables
  # and indexes only grow and the planner's statistics go stale. The server is not ours to reconfigure: say so.
  if [[ "$(pg_admin -d postgres -tAc "SELECT current_setting('autovacuum')")" != "on" ]]; then
    warn "PostgreSQL runs with autovacuum off: ShopPulse's tables will bloat and slow down over hours of traffic.
  Turn it on (ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();) or VACUUM ANALYZE the database now and then."
  fi
  # Services never write to public; each owns only its schema.
  pg_admin -d "$SHOPPULSE_PG_DATABASE" -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC"
  ok "postgres: database $SHOPPULSE_PG_DATABASE, schemas $(service_names | tr '\n' ' ')"
}
