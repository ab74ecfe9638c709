# shellcheck shell=bash
# The Camel Quarkus services: built by Maven when missing or stale, run as fast-jars on the default JDK 17.

declare -A SERVICE_PORT=([collector]=8081 [catalog]=8082 [orders]=8083 [analytics]=8084 [recommendations]=8085 [identity]=8086 [routes]=8088)
: "${SHOPPULSE_SERVICE_HEAP:=-Xms64m -Xmx384m}"
# The collector holds Yauaa's matcher tables and turns over ~1 GB/s of short-lived garbage at full load: a larger
# young generation keeps GC from dominating. SHOPPULSE_<SERVICE>_HEAP overrides per service.
declare -A SERVICE_HEAP=([collector]="-Xms512m -Xmx1g")

service_heap() {
  local var
  var="SHOPPULSE_$(upper "$1")_HEAP"
  echo "${!var:-${SERVICE_HEAP[$1]:-$SHOPPULSE_SERVICE_HEAP}}"
}

service_port() {
  local var
  var="SHOPPULSE_$(upper "$1")_PORT"
  echo "${!var:-${SERVICE_PORT[$1]:-8090}}"
}
service_url() { echo "http://127.0.0.1:$(service_port "$1")"; }
service_dir() { if [[ "$1" == routes ]]; then echo "$SP_ROOT/routes"; else echo "$SP_ROOT/services/$1"; fi; }
service_jar() { echo "$(service_dir "$1")/target/quarkus-app/quarkus-run.jar"; }

# Everything the launcher runs as a Quarkus app: the services, then the routes runtime (it sends through the collector).
runtime_names() {
  service_names
  [[ -f "$SP_ROOT/routes/pom.xml" ]] && echo routes
  return 0
}
service_healthy() { http_ok "$(service_url "$1")/q/health/ready"; }

# True when a module's jar is missing, or any file the runtime is built from (sources, poms, resources such as
# shoppulse.js; not tests, not Markdown) changed since the last successful build began. The build's own stamp, not the jars'
# times: Maven does not rewrite a plain jar whose classes came out the same (a test or comment edit), which would
# leave it stale, and rebuilt, at every `up`.
services_stale() {
  local svc stamp="$SP_STATE/last-build"
  for svc in $(runtime_names); do
    [[ -f "$(service_jar "$svc")" ]] || return 0
  done
  [[ ! -f "$SP_ROOT/analytics-spark/pom.xml" || -f "$(spark_jar)" ]] || return 0
  [[ ! -f "$SP_ROOT/simulator/pom.xml" || -f "$SP_ROOT/simulator/target/quarkus-app/quarkus-run.jar" ]] || return 0
  [[ -f "$stamp" ]] || return 0
  [[ -n "$(find "$SP_ROOT/pom.xml" "$SP_ROOT/contract" "$SP_ROOT/services" "$SP_ROOT/routes" "$SP_ROOT/analytics-spark" \
    "$SP_ROOT/simulator" -newer "$stamp" -type f -not -path '*/target/*' -not -path '*/src/test/*' -not -name '*.md' \
    -print -quit 2>/dev/null)" ]]
}

services_build() {
  if services_stale; then
    info "Building services (mvn package; log in .shoppulse/logs/build.log)"
    local start=$SECONDS
    # Stamped when the build begins: a file changed while it runs makes the next `up` build again.
    mkdir -p "$SP_STATE" && touch "$SP_STATE/last-build.next"
    (cd "$SP_ROOT" && mvn -B -DskipTests package) >"$SP_LOGS/build.log" 2>&1 \
      || { tail -n 40 "$SP_LOGS/build.log" >&2; die "build failed; see .shoppulse/logs/build.log"; }
    mv "$SP_STATE/last-build.next" "$SP_STATE/last-build"
    ok "built in $((SECONDS - start))s"
  else
    ok "services are up to date"
  fi
}

# The environment a service process gets: endpoints of the servers and its own database login.
service_env() {
  local svc=$1 password_var
  echo "QUARKUS_HTTP_HOST=${SHOPPULSE_BIND_HOST:-127.0.0.1}"
  echo "QUARKUS_HTTP_PORT=$(service_port "$svc")"
  if [[ "$svc" == routes ]]; then
    echo "SHOPPULSE_COLLECTOR_URL=$(service_url collector)"
    echo "SHOPPULSE_ROUTES_WRITE_KEY=$SHOPPULSE_DEMO_BACKEND_WRITE_KEY"
    echo "SHOPPULSE_SHOPIFY_WEBHOOK_SECRET=$SHOPPULSE_SHOPIFY_WEBHOOK_SECRET"
    echo "SHOPPULSE_WOOCOMMERCE_WEBHOOK_SECRET=$SHOPPULSE_WOOCOMMERCE_WEBHOOK_SECRET"
  else
    password_var="SHOPPULSE_DB_PASSWORD_$(upper "$svc")"
    echo "SHOPPULSE_DB_USER=shoppulse_${svc//-/_}"
    echo "SHOPPULSE_DB_PASSWORD=${!password_var}"
  fi
}

service_up() {
  local svc=$1 jar
  jar=$(service_jar "$svc")
  if is_running "$svc" && [[ "$jar" -nt "$(pid_file "$svc")" ]]; then
    info "$svc was rebuilt since it started; restarting it"
    stop_process "$svc"
  fi
  if is_running "$svc" && service_healthy "$svc"; then
    ok "$svc already running"
    return 0
  fi
  tcp_open 127.0.0.1 "$(service_port "$svc")" \
    && die "port $(service_port "$svc") is taken by a process ./shoppulse did not start; stop it or set SHOPPULSE_$(upper "$svc")_PORT"
  [[ -f "$jar" ]] || die "$svc is not built ($jar missing)"
  info "Starting $svc on $(service_url "$svc")"
  local env_args
  mapfile -t env_args < <(service_env "$svc")
  # shellcheck disable=SC2046 # the heap options are a word list
  start_process "$svc" env "${env_args[@]}" java $(service_heap "$svc") -jar "$jar"
  wait_for "$svc" 120 service_healthy "$svc"
}
