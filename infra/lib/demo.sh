# shellcheck shell=bash
# The demo shop: sources (write keys) of the demo tenant in the collector, created through the collector's own
# admin API with the demo admin's token, exactly as a shop owner would. One for the storefront's pages, one for
# the shop's backend (webhooks and the RabbitMQ bridge run by the routes runtime).

: "${SHOPPULSE_STOREFRONT_PORT:=8090}"

demo_storefront_url() { echo "http://127.0.0.1:$SHOPPULSE_STOREFRONT_PORT"; }

# True when the collector accepts the key (an empty batch is a valid request).
write_key_valid() {
  [[ -n "$1" ]] || return 1
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$(service_url collector)/v1/events" \
    -H 'Content-Type: application/json' -H "X-ShopPulse-Key: $1" -d '[]')" == 202 ]]
}

# ensure_source VAR NAME ORIGINS_JSON [USER] [FILE]: sets VAR to a valid write key of the named source of USER's
# tenant (default demo-admin), creating the source or rotating its key when the one in FILE (default
# .shoppulse/env) is missing or no longer valid.
ensure_source() {
  local var=$1 name=$2 origins=$3 user=${4:-demo-admin} file=${5:-$SP_ENV} key="" token api existing
  [[ -f "$file" ]] && key=$(sed -n "s/^$var=//p" "$file")
  if write_key_valid "$key"; then
    printf -v "$var" '%s' "$key"
    ok "source '$name': write key is valid"
    return 0
  fi
  token=$(keycloak_token "$user")
  api="$(service_url collector)/v1/sources"
  existing=$(curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$api" \
    | jq -r --arg name "$name" '.[] | select(.name == $name) | .source_id' | head -n 1) \
    || die "cannot list the sources of $user's tenant"
  if [[ -n "$existing" ]]; then
    # The key is shown only once; a lost one is replaced by a new one.
    key=$(curl -fsS --max-time 10 -X POST -H "Authorization: Bearer $token" "$api/$existing/rotate-key" \
      | jq -er .write_key) || die "cannot rotate the write key of '$name'"
    ok "source '$name': rotated its write key"
  else
    key=$(curl -fsS --max-time 10 -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "$(jq -n --arg name "$name" --argjson origins "$origins" '{name: $name, allowed_origins: $origins}')" "$api" \
      | jq -er .write_key) || die "cannot create the source '$name'"
    ok "source '$name': created"
  fi
  printf -v "$var" '%s' "$key"
}

demo_up() {
  ensure_source SHOPPULSE_DEMO_WRITE_KEY "Demo storefront" \
    "[\"$(demo_storefront_url)\", \"http://localhost:$SHOPPULSE_STOREFRONT_PORT\"]"
  ensure_source SHOPPULSE_DEMO_BACKEND_WRITE_KEY "Demo shop backend" "[]"
}

storefront_healthy() { http_ok "$(demo_storefront_url)/index.html"; }

# The demo storefront: static pages served by the JDK's own web server (jwebserver, in the Java 21+ runtime that
# Keycloak uses), with a config.js that points its tracker at the collector with the demo storefront's key.
storefront_up() {
  local dir="$SP_STATE/storefront" java21
  mkdir -p "$dir"
  cp "$SP_ROOT"/demo/storefront/* "$dir/"
  printf "window.SHOPPULSE = {endpoint: '%s', writeKey: '%s'};\n" "$(service_url collector)" "$SHOPPULSE_DEMO_WRITE_KEY" >"$dir/config.js"
  if is_running storefront && storefront_healthy; then
    ok "storefront already running"
    return 0
  fi
  java21=$(find_java21) || die "the demo storefront is served by jwebserver from a Java 21+ runtime; none was found"
  info "Starting the demo storefront on $(demo_storefront_url)"
  start_process storefront "$java21/bin/jwebserver" -b 127.0.0.1 -p "$SHOPPULSE_STOREFRONT_PORT" -d "$dir" -o info
  wait_for storefront 30 storefront_healthy
}
