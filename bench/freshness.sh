# shellcheck shell=bash
# ./shoppulse bench freshness: how long an event takes to show in each lane while the collector carries a steady
# open-loop load, at stepped rates. bench/tools/Freshness.java posts batches of events of the demo tenant at a fixed
# schedule (its own write key) and, every 200 ms, a probe: a page_view of a new session of a probe tenant that has
# no other traffic. It then polls every 25 ms for the probe's effect in the Spark lane (the session's row in
# analytics.sessions) and in the live lane (the probe tenant's /v1/live event count), from the collector's 202 on.
#
# The probe tenant has a Keycloak admin of its own, bench-probe (made once, like the simulator's sim-admin-N; its id
# and password are kept in .shoppulse/secrets.env), and a probe source made for each run. Both sources are revoked at
# the end. A step is sustained when Spark's lag (events in shop.events.v1 past the traffic query's last committed
# batch) grew by at most 5 % of the step's events, no probe timed out in either lane, the collector refused no probe
# and the load reached 90 % of its target (bench/README.md).

: "${BENCH_RATES:=250,500,1000,2500,5000,10000,25000,50000}"
: "${BENCH_STEP_S:=60}"
: "${BENCH_SETTLE_S:=5}"
: "${BENCH_WARMUP_S:=15}"
: "${BENCH_BATCH:=50}"
: "${BENCH_CONNECTIONS:=64}"
: "${BENCH_SESSIONS:=20000}"
: "${BENCH_SESSION_EVENTS:=20}"
: "${BENCH_PROBE_TIMEOUT_S:=60}"
: "${BENCH_STOP_ON_FAIL:=true}"

FRESHNESS_SOURCES=()

# freshness_probe_user: the probe tenant's admin, made when it cannot get a token; prints the tenant id.
freshness_probe_user() {
  simulator_secret SHOPPULSE_BENCH_PROBE_TENANT_ID "$(random_uuid)"
  simulator_secret SHOPPULSE_PASSWORD_BENCH_PROBE "$(random_secret 16)"
  local token
  if ! token=$(keycloak_token bench-probe 2>/dev/null); then
    keycloak_ensure_user bench-probe "$SHOPPULSE_PASSWORD_BENCH_PROBE" "$SHOPPULSE_BENCH_PROBE_TENANT_ID" admin
    token=$(keycloak_token bench-probe) || die "no token for bench-probe"
  fi
  # The tenant claim is what /v1/live filters by: it must be the probe tenant.
  [[ "$(jwt_claim "$token" tenant_id)" == "$SHOPPULSE_BENCH_PROBE_TENANT_ID" ]] \
    || die "bench-probe's token does not carry the probe tenant ($SHOPPULSE_BENCH_PROBE_TENANT_ID)"
}

jwt_claim() {
  local payload
  payload=$(cut -d. -f2 <<<"$1" | tr '_-' '/+')
  while ((${#payload} % 4)); do payload+="="; done
  base64 -d <<<"$payload" 2>/dev/null | jq -r --arg c "$2" '.[$c] // empty'
}

# freshness_source USER NAME: a new source of USER's tenant; prints its write key and remembers it for revocation.
freshness_source() {
  local token source
  token=$(keycloak_token "$1") || return 1
  source=$(curl -fsS --max-time 10 -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg name "$2" '{name: $name, allowed_origins: []}')" "$(service_url collector)/v1/sources") || return 1
  FRESHNESS_SOURCES+=("$1 $(jq -r .source_id <<<"$source")")
  jq -er .write_key <<<"$source"
}

freshness_revoke() {
  local entry user id token
  for entry in "${FRESHNESS_SOURCES[@]}"; do
    read -r user id <<<"$entry"
    if ! token=$(keycloak_token "$user" 2>/dev/null) || ! curl -fsS -o /dev/null --max-time 10 -X DELETE \
      -H "Authorization: Bearer $token" "$(service_url collector)/v1/sources/$id"; then
      warn "could not revoke the bench source $id of $user"
    fi
  done
  FRESHNESS_SOURCES=()
}

bench_main() {
  [[ "${1:-}" =~ ^(-h|--help)$ ]] && {
    echo "Usage: ./shoppulse bench freshness"
    echo "How long an event takes to show in each lane under a steady open-loop load through the collector. For each"
    echo "rate of BENCH_RATES (events/s; now $BENCH_RATES) it posts batches of $BENCH_BATCH events of the demo"
    echo "tenant at a fixed schedule, ${BENCH_SETTLE_S}s to settle and ${BENCH_STEP_S}s measured (after ${BENCH_WARMUP_S}s of warm-up). Meanwhile a probe"
    echo "every 200 ms (a new session of a probe tenant with no other traffic) is polled every 25 ms until it shows"
    echo "in analytics.sessions (Spark) and in the probe tenant's /v1/live count (live lane), or for ${BENCH_PROBE_TIMEOUT_S}s at most."
    echo "Per step: the rate accepted (202), p50/p99 of each lane from the collector's 202, timeouts, Spark's lag"
    echo "(the topic's end offsets minus the traffic query's committed offsets) and the CPU of each process. Stops"
    echo "after the first step that is not sustained (BENCH_STOP_ON_FAIL=false runs them all); at most about 10"
    echo "minutes with the defaults. Writes bench/results/freshness-<date>.json."
    echo "Settings: BENCH_RATES, BENCH_STEP_S, BENCH_SETTLE_S, BENCH_WARMUP_S, BENCH_BATCH, BENCH_CONNECTIONS,"
    echo "BENCH_SESSIONS, BENCH_SESSION_EVENTS, BENCH_PROBE_TIMEOUT_S, BENCH_STOP_ON_FAIL."
    return 0
  }
  [[ "$BENCH_RATES" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "BENCH_RATES must be events/s separated by commas, not '$BENCH_RATES'"
  "$SP_ROOT/shoppulse" up >"$SP_LOGS/bench-up.log" 2>&1 || die "up failed; see .shoppulse/logs/bench-up.log"
  load_secrets
  export_platform_env
  [[ -f "$SPARK_STATUS" ]] || die "Spark's status file is missing ($SPARK_STATUS): is analytics-spark running?"
  local pg_jar
  pg_jar=$(find "$(spark_module)/target/lib" -name 'postgresql-*.jar' | head -n 1)
  [[ -n "$pg_jar" ]] || die "no PostgreSQL JDBC driver in analytics-spark/target/lib (run ./shoppulse up)"

  freshness_probe_user
  trap freshness_revoke EXIT
  local stamp
  stamp=$(date -u +%FT%TZ)
  BENCH_LOAD_KEY=$(freshness_source demo-admin "bench freshness load $stamp") || die "cannot create the load source"
  BENCH_PROBE_KEY=$(freshness_source bench-probe "bench freshness probes $stamp") || die "cannot create the probe source"
  export BENCH_LOAD_KEY BENCH_PROBE_KEY

  local dir="$SP_STATE/bench" raw steps planned
  mkdir -p "$dir"
  raw="$dir/freshness-$(date -u +%Y%m%dT%H%M%SZ).json"
  steps=$(tr ',' '\n' <<<"$BENCH_RATES" | grep -c .)
  planned=$((BENCH_WARMUP_S + steps * (BENCH_SETTLE_S + BENCH_STEP_S) + BENCH_PROBE_TIMEOUT_S + 30))
  info "Freshness: rates $BENCH_RATES events/s, ${BENCH_STEP_S}s each; at most ${planned}s"
  # The traffic query's checkpoint: the newest of its state versions (traffic, traffic-v2, ...).
  local checkpoints traffic_checkpoint
  checkpoints=${SHOPPULSE_SPARK_CHECKPOINTS:-$SPARK_DIR/checkpoints}
  traffic_checkpoint=$(find "$checkpoints" -maxdepth 1 -type d -name 'traffic*' -printf '%T@ %p\n' | sort -rn | head -n 1 | cut -d' ' -f2-)
  [[ -n "$traffic_checkpoint" ]] || die "no checkpoint of the traffic query under $checkpoints"
  # The tool stops itself; `timeout` is the last resort, past its own watchdog.
  timeout --kill-after=10 $((planned + 120)) java -Xms256m -Xmx1g -cp "$KAFKA_HOME/libs/*:$pg_jar" \
    -Dlog4j2.configurationFile="$SP_ROOT/infra/kafka/log4j2-tools.properties" \
    "$SP_ROOT/bench/tools/Freshness.java" \
    --collector "$(service_url collector)" --analytics "$(service_url analytics)" --keycloak "$(keycloak_url)" \
    --realm "$SHOPPULSE_KEYCLOAK_REALM" --bootstrap "$(kafka_bootstrap)" \
    --jdbc "jdbc:postgresql://$SHOPPULSE_PG_HOST:$SHOPPULSE_PG_PORT/$SHOPPULSE_PG_DATABASE?ApplicationName=bench-freshness" \
    --checkpoint "$traffic_checkpoint" --status "$SPARK_STATUS" \
    --run-dir "$SP_RUN" --load-key-env BENCH_LOAD_KEY --probe-key-env BENCH_PROBE_KEY \
    --probe-tenant "$SHOPPULSE_BENCH_PROBE_TENANT_ID" --probe-user bench-probe \
    --probe-password-env SHOPPULSE_PASSWORD_BENCH_PROBE --db-password-env SHOPPULSE_DB_PASSWORD_ANALYTICS \
    --rates "$BENCH_RATES" --step-s "$BENCH_STEP_S" --settle-s "$BENCH_SETTLE_S" --warmup-s "$BENCH_WARMUP_S" \
    --batch "$BENCH_BATCH" --connections "$BENCH_CONNECTIONS" --sessions "$BENCH_SESSIONS" \
    --session-events "$BENCH_SESSION_EVENTS" --probe-every-ms 200 --poll-ms 25 \
    --probe-timeout-s "$BENCH_PROBE_TIMEOUT_S" --stop-on-fail "$BENCH_STOP_ON_FAIL" --out "$raw" \
    || die "the freshness tool failed (exit $?)"
  freshness_revoke
  trap - EXIT

  local out
  out="$SP_ROOT/bench/results/freshness-$(date -u +%Y%m%dT%H%M%SZ).json"
  jq --arg date "$(date -u +%FT%TZ)" --argjson cores "$(nproc)" \
    --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    --argjson mem "$(awk '/^MemTotal:/ {print int($2 / 1048576 + 0.5)}' /proc/meminfo)" \
    --argjson batch "$BENCH_BATCH" --argjson conns "$BENCH_CONNECTIONS" --argjson step "$BENCH_STEP_S" \
    --argjson settle "$BENCH_SETTLE_S" --argjson timeout "$BENCH_PROBE_TIMEOUT_S" \
    --argjson sessions "$BENCH_SESSIONS" --argjson per_session "$BENCH_SESSION_EVENTS" \
    '(.steps[: (.steps | map(.sustained) | index(false)) // (.steps | length)] | last) as $best
     | {benchmark: "freshness", date: $date, machine: {cpu: $cpu, cpu_cores: $cores, memory_gib: $mem},
        load: {tool: "bench/tools/Freshness.java (java.net.http, open loop: a fixed schedule of requests)",
               batch_events: $batch, max_in_flight: $conns, sessions: $sessions, events_per_session: $per_session,
               tenant: "demo", warmup_s: .warmup_s, settle_s: $settle, step_s: $step},
        probes: {every_ms: 200, poll_ms: 25, timeout_s: $timeout, kafka_partition: .probe_partition,
                 partitions: .partitions, live_polls: .live_polls, live_poll_errors: .live_poll_errors,
                 spark_polls: .spark_polls, spark_poll_errors: .spark_poll_errors},
        max_sustained_events_per_s: ($best.load_events_per_s // 0),
        load_events_per_s: $best.load_events_per_s, spark_p50_ms: $best.spark_p50_ms,
        spark_p99_ms: $best.spark_p99_ms, live_p50_ms: $best.live_p50_ms, live_p99_ms: $best.live_p99_ms,
        lag_after_drain: .lag_after_drain, run_id: .run_id, steps: .steps}' "$raw" >"$out"
  cat "$out"
  ok "wrote ${out#"$SP_ROOT"/} (every probe: ${raw#"$SP_ROOT"/}.probes.tsv)"
}
