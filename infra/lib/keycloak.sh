# shellcheck shell=bash
# Keycloak: org.keycloak:keycloak-quarkus-dist from Maven Central, run in dev mode (dev-file storage under
# .shoppulse/keycloak) on a Java 21+ runtime, with the realm imported from infra/keycloak/shoppulse-realm.json.
# The realm file holds no secrets: passwords and the client secret are placeholders filled from the generated
# .shoppulse/secrets.env at import.

: "${SHOPPULSE_KEYCLOAK_HOST:=127.0.0.1}"
: "${SHOPPULSE_KEYCLOAK_PORT:=8180}"
: "${SHOPPULSE_KEYCLOAK_MANAGEMENT_PORT:=9190}"
: "${SHOPPULSE_KEYCLOAK_REALM:=shoppulse}"
: "${SHOPPULSE_KEYCLOAK_HEAP:=-Xms128m -Xmx512m}"
: "${SHOPPULSE_PORTAL_URL:=http://localhost:4200}"

keycloak_url() { echo "http://$SHOPPULSE_KEYCLOAK_HOST:$SHOPPULSE_KEYCLOAK_PORT"; }
keycloak_realm_url() { echo "$(keycloak_url)/realms/$SHOPPULSE_KEYCLOAK_REALM"; }
keycloak_healthy() { http_ok "http://$SHOPPULSE_KEYCLOAK_HOST:$SHOPPULSE_KEYCLOAK_MANAGEMENT_PORT/health/ready"; }

keycloak_install() {
  local version dist
  version=$(pom_property keycloak.version)
  KEYCLOAK_HOME="$SP_STATE/keycloak/keycloak-$version"
  [[ -x "$KEYCLOAK_HOME/bin/kc.sh" ]] && return 0
  info "Resolving Keycloak $version from Maven"
  mkdir -p "$SP_STATE/keycloak"
  mvn -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" \
    -DoutputDirectory="$SP_STATE/keycloak" >"$SP_LOGS/keycloak-resolve.log" 2>&1 \
    || die "could not resolve Keycloak $version; see .shoppulse/logs/keycloak-resolve.log"
  dist="$SP_STATE/keycloak/keycloak-quarkus-dist-$version.zip"
  unzip -q -o "$dist" -d "$SP_STATE/keycloak"
  rm -f "$dist"
}

keycloak_up() {
  if is_running keycloak && keycloak_healthy; then
    ok "keycloak already running"
    return 0
  fi
  tcp_open "$SHOPPULSE_KEYCLOAK_HOST" "$SHOPPULSE_KEYCLOAK_PORT" \
    && die "port $SHOPPULSE_KEYCLOAK_PORT is taken by a process ./shoppulse did not start; stop it or set SHOPPULSE_KEYCLOAK_PORT"
  local java21
  java21=$(find_java21) || die "Keycloak needs Java 21 or newer and none was found under /usr/lib/jvm.
  Install one (e.g. apt-get install temurin-21-jdk, or openjdk-21-jdk) or set SHOPPULSE_JAVA21_HOME."
  keycloak_install
  mkdir -p "$KEYCLOAK_HOME/data/import"
  cp "$SP_ROOT/infra/keycloak/shoppulse-realm.json" "$KEYCLOAK_HOME/data/import/"
  info "Starting Keycloak on $(keycloak_url) (Java: $java21)"
  # The bootstrap admin only applies when the master realm is first created; the realm import is skipped
  # when the realm exists, so a second start changes nothing.
  start_process keycloak env JAVA_HOME="$java21" PATH="$java21/bin:$PATH" \
    JAVA_OPTS_KC_HEAP="$SHOPPULSE_KEYCLOAK_HEAP" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD="$KEYCLOAK_ADMIN_PASSWORD" \
    SHOPPULSE_PORTAL_URL="$SHOPPULSE_PORTAL_URL" \
    bash "$KEYCLOAK_HOME/bin/kc.sh" start-dev \
    --http-host="$SHOPPULSE_KEYCLOAK_HOST" --http-port="$SHOPPULSE_KEYCLOAK_PORT" \
    --http-management-port="$SHOPPULSE_KEYCLOAK_MANAGEMENT_PORT" \
    --hostname="$(keycloak_url)" --health-enabled=true --metrics-enabled=true --import-realm
  wait_for keycloak 300 keycloak_healthy
  wait_for keycloak 60 http_ok "$(keycloak_realm_url)/.well-known/openid-configuration"
}

# Prints an access token for a demo user (dev realm only: the shoppulse-cli client allows password grants).
keycloak_token() {
  local user=$1 password_var
  password_var="SHOPPULSE_PASSWORD_$(upper "$user")"
  [[ -n "${!password_var:-}" ]] || die "unknown demo user: $user (try demo-admin, demo-analyst, demo-marketer, demo-manager, demo-viewer, other-admin)"
  curl -fsS --max-time 10 "$(keycloak_realm_url)/protocol/openid-connect/token" \
    -d grant_type=password -d client_id=shoppulse-cli -d "username=$user" -d "password=${!password_var}" \
    | jq -er .access_token || die "Keycloak refused a token for $user (is it running? ./shoppulse status)"
}

# An access token of Keycloak's bootstrap admin (master realm), for the admin REST API.
keycloak_admin_token() {
  printf '%s' "$KEYCLOAK_ADMIN_PASSWORD" | curl -fsS --max-time 10 \
    "$(keycloak_url)/realms/master/protocol/openid-connect/token" \
    -d grant_type=password -d client_id=admin-cli -d username=admin --data-urlencode "password@-" \
    | jq -er .access_token || die "Keycloak refused its bootstrap admin a token"
}

# keycloak_ensure_user USER PASSWORD TENANT_ID ROLE: a user of the realm with that password, tenant_id attribute and
# realm role; created when missing, otherwise its password, tenant and role are set again. Secrets go through stdin.
keycloak_ensure_user() {
  local user=$1 password=$2 tenant=$3 role=$4 token api id body
  token=$(keycloak_admin_token)
  api="$(keycloak_url)/admin/realms/$SHOPPULSE_KEYCLOAK_REALM"
  id=$(curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$api/users?username=$user&exact=true" \
    | jq -r '.[0].id // empty') || die "cannot look up the Keycloak user $user"
  body=$(jq -n --arg user "$user" --arg tenant "$tenant" --arg password "$password" '{username: $user,
    enabled: true, email: ($user + "@sim.shoppulse.io"), emailVerified: true, firstName: "Simulated",
    lastName: $user, attributes: {tenant_id: [$tenant]},
    credentials: [{type: "password", value: $password, temporary: false}]}')
  if [[ -z "$id" ]]; then
    curl -fsS --max-time 10 -o /dev/null -X POST -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d @- "$api/users" <<<"$body" || die "cannot create the Keycloak user $user"
    id=$(curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$api/users?username=$user&exact=true" \
      | jq -er '.[0].id') || die "cannot find the Keycloak user $user just created"
    ok "keycloak: created $user (tenant $tenant)"
  else
    curl -fsS --max-time 10 -o /dev/null -X PUT -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d @- "$api/users/$id" <<<"$(jq 'del(.credentials)' <<<"$body")" \
      || die "cannot update the Keycloak user $user"
    curl -fsS --max-time 10 -o /dev/null -X PUT -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d @- "$api/users/$id/reset-password" <<<"$(jq '.credentials[0]' <<<"$body")" \
      || die "cannot set the password of the Keycloak user $user"
  fi
  curl -fsS --max-time 10 -H "Authorization: Bearer $token" "$api/roles/$role" \
    | jq -c '[.]' | curl -fsS --max-time 10 -o /dev/null -X POST -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d @- "$api/users/$id/role-mappings/realm" \
    || die "cannot give $user the realm role $role"
}
