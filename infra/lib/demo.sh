# shellcheck shell=bash
# The demo shop: a source (write key) of the demo tenant in the collector, created through the collector's own
# admin API with the demo admin's token, exactly as a shop owner would.

DEMO_SOURCE_NAME="Demo storefront"

# True when the collector accepts the key (an empty batch is a valid request).
write_key_valid() {
  [[ -n "$1" ]] || return 1
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$(service_url collector)/v1/events" \
    -H 'Content-Type: application/json' -H "X-ShopPulse-Key: $1" -d '[]')" == 202 ]]
}

demo_up() {
  SHOPPULSE_DEMO_WRITE_KEY=""
  if [[ -f "$SP_ENV" ]]; then
    SHOPPULSE_DEMO_WRITE_KEY=$(sed -n 's/^SHOPPULSE_DEMO_WRITE_KEY=//p' "$SP_ENV")
  fi
  if write_key_valid "$SHOPPULSE_DEMO_WRITE_KEY"; then
    ok "demo source: write key is valid"
    return 0
  fi
  local token api existing
  token=$(keycloak_token demo-admin)
  api="$(service_url collector)/v1/sources"
  existing=$(curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$api" \
    | jq -r --arg name "$DEMO_SOURCE_NAME" '.[] | select(.name == $name) | .source_id' | head -n 1) \
    || die "cannot list the demo tenant's sources"
  if [[ -n "$existing" ]]; then
    # The key is shown only once; a lost one is replaced by a new one.
    SHOPPULSE_DEMO_WRITE_KEY=$(curl -fsS --max-time 10 -X POST -H "Authorization: Bearer $token" "$api/$existing/rotate-key" \
      | jq -er .write_key) || die "cannot rotate the demo source's write key"
    ok "demo source: rotated its write key"
  else
    SHOPPULSE_DEMO_WRITE_KEY=$(curl -fsS --max-time 10 -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\": \"$DEMO_SOURCE_NAME\", \"allowed_origins\": [\"http://localhost:8090\", \"http://127.0.0.1:8090\"]}" "$api" \
      | jq -er .write_key) || die "cannot create the demo source"
    ok "demo source: created"
  fi
}
