# shellcheck shell=bash
# The traffic simulator (simulator/): simulated shops whose visitors send tracker events to the collector and whose
# orders go to RabbitMQ. `up` runs it gently in the background; `demo` runs it in the foreground at a demo rate.
# Tenant 1 is the demo tenant, 2 the other tenant, 3.. tenants of their own (a Keycloak admin sim-admin-N each, made
# through Keycloak's admin API). Their write keys go to .shoppulse/simulator/ (mode 600), never to the environment.

: "${SHOPPULSE_SIM_RATE:=0.5}"
: "${SHOPPULSE_SIM_TENANT_COUNT:=3}"
SIM_DIR="$SP_STATE/simulator"
SIM_KEYS="$SIM_DIR/keys.env"
SIM_TENANTS="$SIM_DIR/tenants"
SIM_STATUS="$SIM_DIR/status.json"

simulator_dir() { echo "$SP_ROOT/simulator"; }
simulator_jar() { echo "$(simulator_dir)/target/quarkus-app/quarkus-run.jar"; }
simulator_url() { echo "$(service_url collector)/v1/events, amqp shop.commerce"; }

# Running, and its summary (written every 10 s) is fresh.
simulator_healthy() {
  is_running simulator && [[ -f "$SIM_STATUS" ]] && (($(date +%s) - $(stat -c %Y "$SIM_STATUS") < 60))
}

# Appends a generated value to .shoppulse/secrets.env once, and exports it.
simulator_secret() {
  local var=$1 value=$2
  grep -q "^$var=" "$SP_SECRETS" || echo "$var=$value" >>"$SP_SECRETS"
  value=$(sed -n "s/^$var=//p" "$SP_SECRETS" | head -n 1)
  printf -v "$var" '%s' "$value"
  export "${var?}"
}

# simulator_tenants N: writes .shoppulse/simulator/tenants (uuid=write-key per line) for the first N tenants,
# creating what is missing: the extra tenants' ids and admins, and a storefront source per tenant.
simulator_tenants() {
  local count=$1 n tenant tenant_var user key_var password_var
  [[ "$count" =~ ^[1-9][0-9]*$ ]] || die "--tenants must be a positive number, not '$count'"
  ((count <= 20)) || die "--tenants: at most 20"
  mkdir -p "$SIM_DIR"
  (umask 077 && touch "$SIM_KEYS")
  local lines=()
  for ((n = 1; n <= count; n++)); do
    key_var="SHOPPULSE_SIM_WRITE_KEY_$n"
    case $n in
      1) tenant=$SHOPPULSE_DEMO_TENANT_ID user=demo-admin ;;
      2) tenant=$SHOPPULSE_OTHER_TENANT_ID user=other-admin ;;
      *)
        simulator_secret "SHOPPULSE_SIM_TENANT_ID_$n" "$(random_uuid)"
        simulator_secret "SHOPPULSE_PASSWORD_SIM_ADMIN_$n" "$(random_secret 16)"
        tenant_var="SHOPPULSE_SIM_TENANT_ID_$n"
        tenant=${!tenant_var}
        user="sim-admin-$n"
        ;;
    esac
    if ((n == 1)); then
      # The demo tenant's storefront key, made by demo_up.
      printf -v "$key_var" '%s' "$SHOPPULSE_DEMO_WRITE_KEY"
    else
      if ((n >= 3)) && ! write_key_valid "$(sed -n "s/^$key_var=//p" "$SIM_KEYS")"; then
        password_var="SHOPPULSE_PASSWORD_SIM_ADMIN_$n"
        keycloak_ensure_user "$user" "${!password_var}" "$tenant" admin
      fi
      ensure_source "$key_var" "Storefront" "[]" "$user" "$SIM_KEYS"
      simulator_remember_key "$key_var" "${!key_var}"
    fi
    lines+=("$tenant=${!key_var}")
  done
  (umask 077 && printf '%s\n' "${lines[@]}" >"$SIM_TENANTS")
}

simulator_remember_key() {
  local var=$1 key=$2 others
  others=$(grep -v "^$var=" "$SIM_KEYS" || true)
  (umask 077 && { [[ -n "$others" ]] && printf '%s\n' "$others"; echo "$var=$key"; } >"$SIM_KEYS")
}

# The environment of a simulator process: endpoints (the RabbitMQ login is exported by the launcher already).
simulator_env() {
  echo "SHOPPULSE_COLLECTOR_URL=$(service_url collector)"
  echo "SHOPPULSE_CATALOG_URL=$(service_url catalog)"
  echo "SHOPPULSE_SIM_TENANTS_FILE=$SIM_TENANTS"
}

# Builds the simulator (and the library its tests use) when its jar is missing or older than its sources.
simulator_build() {
  local jar
  jar=$(simulator_jar)
  if [[ -f "$jar" && -z "$(find "$SP_ROOT/pom.xml" "$(simulator_dir)" -newer "$jar" -type f -not -path '*/target/*' \
    -print -quit)" ]]; then
    return 0
  fi
  info "Building the simulator (log in .shoppulse/logs/build.log)"
  (cd "$SP_ROOT" && mvn -B -q -pl simulator -am -DskipTests package) >"$SP_LOGS/build.log" 2>&1 \
    || { tail -n 40 "$SP_LOGS/build.log" >&2; die "the simulator's build failed; see .shoppulse/logs/build.log"; }
}

# Started at the end of `up`: a gentle background rate; SHOPPULSE_SIMULATOR=off leaves it out.
simulator_up() {
  if [[ "${SHOPPULSE_SIMULATOR:-on}" == off ]]; then
    ok "simulator: off (SHOPPULSE_SIMULATOR=off)"
    return 0
  fi
  local jar env_args
  jar=$(simulator_jar)
  [[ -f "$jar" ]] || die "the simulator is not built ($jar missing)"
  if is_running simulator && [[ "$jar" -nt "$(pid_file simulator)" ]]; then
    info "simulator was rebuilt since it started; restarting it"
    stop_process simulator
  fi
  if is_running simulator; then
    ok "simulator already running"
    return 0
  fi
  simulator_tenants "$SHOPPULSE_SIM_TENANT_COUNT"
  info "Starting the traffic simulator: $SHOPPULSE_SIM_RATE sessions/s over $SHOPPULSE_SIM_TENANT_COUNT tenants"
  mapfile -t env_args < <(simulator_env)
  rm -f "$SIM_STATUS"
  start_process simulator env "${env_args[@]}" SHOPPULSE_SIM_STATUS_FILE="$SIM_STATUS" \
    java -Xms32m -Xmx192m -jar "$jar" --rate "$SHOPPULSE_SIM_RATE"
  wait_for simulator 60 simulator_healthy
}

# ./shoppulse demo [--rate R] [--tenants N] [--duration D] [--seed S]: the simulator in the foreground.
simulator_demo() {
  local rate=5 tenants=3 args=()
  while (($#)); do
    case $1 in
      --rate) rate=${2:?--rate needs a value}; shift 2 ;;
      --tenants) tenants=${2:?--tenants needs a value}; shift 2 ;;
      --duration) args+=(--duration "${2:?--duration needs a value}"); shift 2 ;;
      --seed) args+=(--seed "${2:?--seed needs a value}"); shift 2 ;;
      --time-scale) args+=(--time-scale "${2:?--time-scale needs a value}"); shift 2 ;;
      *) die "unknown option '$1' (see ./shoppulse demo --help)" ;;
    esac
  done
  [[ "$rate" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rate must be a number of sessions per second, not '$rate'"
  load_secrets
  export_platform_env
  service_healthy collector || die "the collector is not running at $(service_url collector): start the platform with ./shoppulse up"
  [[ -n "${SHOPPULSE_DEMO_WRITE_KEY:-}" ]] || SHOPPULSE_DEMO_WRITE_KEY=$(sed -n 's/^SHOPPULSE_DEMO_WRITE_KEY=//p' "$SP_ENV" 2>/dev/null)
  write_key_valid "${SHOPPULSE_DEMO_WRITE_KEY:-}" || die "the demo write key is missing or revoked: run ./shoppulse up"
  simulator_build
  simulator_tenants "$tenants"
  is_running simulator && info "the background simulator keeps running too (./shoppulse down stops it)"
  info "Simulating $tenants tenants at $rate sessions/s; Ctrl-C stops"
  local env_args
  mapfile -t env_args < <(simulator_env)
  env "${env_args[@]}" java -Xms32m -Xmx256m -jar "$(simulator_jar)" --rate "$rate" --tenants "$tenants" "${args[@]}"
}
