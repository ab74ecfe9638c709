# shellcheck shell=bash
# ./shoppulse bench orders-api: the orders service's REST latency under a steady mix of commands from a store
# manager's client (bench/orders-api.lua: 60% place, 20% pay an order the same wrk thread placed, 20% read one), at a
# fixed concurrency, for a short JIT warm-up and a measured run; then SQL checks that every order answered 201 is
# stored once with all its lines, that every payment answered 200 is stored, and that nothing else with the run's
# ids was written beyond the requests still in flight when wrk stopped.
#
# The token is demo-manager's (store-manager role, demo tenant), fetched afresh for each wrk run: dev-realm tokens
# expire after about 5 minutes, so keep BENCH_WARMUP_S and BENCH_DURATION_S short.

: "${BENCH_WARMUP_S:=10}"
: "${BENCH_DURATION_S:=30}"
: "${BENCH_CONNECTIONS:=16}"
: "${BENCH_THREADS:=2}"

# orders_api_wrk RUN_ID SECONDS FILES: one wrk run with a fresh token; prints its RESULT JSON.
orders_api_wrk() {
  local token
  token=$(keycloak_token demo-manager) || return 1
  SHOPPULSE_BENCH_TOKEN=$token SHOPPULSE_BENCH_RUN=$1 SHOPPULSE_BENCH_FILES=$3 \
    wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "${2}s" --latency -s "$SP_ROOT/bench/orders-api.lua" \
    "$(service_url orders)" | sed -n 's/^RESULT //p'
}

# orders_api_check RUN_ID FILES SINCE: what the database holds for the run's ids, compared with what wrk was told.
orders_api_check() {
  local run=$1 files=$2 since=$3
  {
    echo "CREATE TEMP TABLE acked (order_id text PRIMARY KEY, lines int NOT NULL);"
    echo "CREATE TEMP TABLE acked_paid (order_id text PRIMARY KEY);"
    echo "CREATE TEMP TABLE in_flight (op text NOT NULL, order_id text NOT NULL);"
    echo "COPY acked FROM STDIN;"
    cat "$files-placed.tsv"
    echo '\.'
    echo "COPY acked_paid FROM STDIN;"
    cat "$files-paid.tsv"
    echo '\.'
    echo "COPY in_flight FROM STDIN;"
    cat "$files-inflight.tsv"
    echo '\.'
    cat <<'SQL'
WITH keys AS (
  SELECT order_id FROM orders.order_keys WHERE tenant_id = :'tenant' AND order_id LIKE :'run' || '-%'
), stored AS (
  SELECT order_id, status FROM orders.orders
  WHERE tenant_id = :'tenant' AND placed_at >= :'since'::timestamptz - interval '1 minute'
    AND order_id LIKE :'run' || '-%'
), lines AS (
  SELECT order_id, count(*) AS n FROM orders.order_lines
  WHERE tenant_id = :'tenant' AND placed_at >= :'since'::timestamptz - interval '1 minute'
    AND order_id LIKE :'run' || '-%' GROUP BY order_id
)
SELECT json_build_object(
  'orders_with_run_prefix', (SELECT count(*) FROM keys),
  'order_rows_with_run_prefix', (SELECT count(*) FROM stored),
  'duplicates', (SELECT count(*) - count(DISTINCT order_id) FROM stored),
  'acked_missing', (SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.order_id = a.order_id)),
  'stored_not_acked', (SELECT count(*) FROM keys k WHERE NOT EXISTS (SELECT 1 FROM acked a WHERE a.order_id = k.order_id)),
  'stored_not_acked_outside_in_flight', (SELECT count(*) FROM keys k
     WHERE NOT EXISTS (SELECT 1 FROM acked a WHERE a.order_id = k.order_id)
       AND NOT EXISTS (SELECT 1 FROM in_flight f WHERE f.op = 'place' AND f.order_id = k.order_id)),
  'lines_acked', (SELECT coalesce(sum(lines), 0) FROM acked),
  'lines_stored_for_acked', (SELECT coalesce(sum(l.n), 0) FROM lines l JOIN acked a USING (order_id)),
  'orders_with_wrong_line_count', (SELECT count(*) FROM acked a LEFT JOIN lines l USING (order_id)
     WHERE coalesce(l.n, 0) <> a.lines),
  'payments_acked', (SELECT count(*) FROM acked_paid),
  'payments_acked_not_paid', (SELECT count(*) FROM acked_paid p
     WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.order_id = p.order_id AND s.status = 'paid')),
  'paid_not_acked_outside_in_flight', (SELECT count(*) FROM stored s WHERE s.status = 'paid'
     AND NOT EXISTS (SELECT 1 FROM acked_paid p WHERE p.order_id = s.order_id)
     AND NOT EXISTS (SELECT 1 FROM in_flight f WHERE f.op = 'pay' AND f.order_id = s.order_id)));
SQL
  } | pg_admin -d "$SHOPPULSE_PG_DATABASE" -tA -v tenant="$SHOPPULSE_DEMO_TENANT_ID" -v run="$run" -v since="$since"
}

bench_main() {
  [[ "${1:-}" =~ ^(-h|--help)$ ]] && {
    echo "Usage: ./shoppulse bench orders-api"
    echo "Drives the running orders service with wrk ($BENCH_THREADS threads, $BENCH_CONNECTIONS connections) as demo-manager:"
    echo "60% new orders, 20% payments of them, 20% reads, for ${BENCH_WARMUP_S}s of warm-up and ${BENCH_DURATION_S}s measured;"
    echo "checks in PostgreSQL that each order answered 201 is stored once with its lines, and writes"
    echo "bench/results/orders-api-<date>.json (p50/p95/p99 overall and per operation, requests/s, non-2xx)."
    echo "Settings: BENCH_WARMUP_S, BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_THREADS."
    return 0
  }
  if ! command -v wrk >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
    info "Installing wrk (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
  fi
  command -v wrk >/dev/null 2>&1 || die "wrk is needed (apt-get install wrk)"
  "$SP_ROOT/shoppulse" up >"$SP_LOGS/bench-up.log" 2>&1 || die "up failed; see .shoppulse/logs/bench-up.log"
  load_secrets
  export_platform_env

  local dir="$SP_STATE/bench" run warm measured since warm_check check
  mkdir -p "$dir"
  run=$(printf 'OA%08x' "$(($(date +%s) & 0xffffffff))")
  since=$(date -u +%FT%TZ)
  info "Warm-up: ${BENCH_WARMUP_S}s"
  warm=$(orders_api_wrk "${run}w" "$BENCH_WARMUP_S" "$dir/${run}w") || die "no token for demo-manager"
  info "Measured: ${BENCH_DURATION_S}s, $BENCH_THREADS threads, $BENCH_CONNECTIONS connections"
  measured=$(orders_api_wrk "${run}m" "$BENCH_DURATION_S" "$dir/${run}m") || die "no token for demo-manager"
  [[ -n "$warm" && -n "$measured" ]] || die "wrk printed no result"
  # Requests still in flight when wrk stopped finish on the server; give them a moment before counting.
  sleep 2
  info "Checking the run's orders in PostgreSQL"
  warm_check=$(orders_api_check "${run}w" "$dir/${run}w" "$since") || die "the SQL check failed"
  check=$(orders_api_check "${run}m" "$dir/${run}m" "$since") || die "the SQL check failed"
  rm -f "$dir/${run}"[wm]-*.tsv

  local out
  out="$SP_ROOT/bench/results/orders-api-$(date -u +%Y%m%dT%H%M%SZ).json"
  jq -n --argjson warm "$warm" --argjson m "$measured" --argjson wc "$warm_check" --argjson c "$check" \
    --arg run "$run" --arg date "$(date -u +%FT%TZ)" --argjson cores "$(nproc)" \
    --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    --argjson threads "$BENCH_THREADS" --argjson conns "$BENCH_CONNECTIONS" --argjson warmup "$BENCH_WARMUP_S" \
    '($m.duration_us / 1e6) as $secs
     | def verdict($r; $v): ($v.acked_missing == 0 and $v.duplicates == 0
         and $v.stored_not_acked_outside_in_flight == 0 and $v.orders_with_wrong_line_count == 0
         and $v.payments_acked_not_paid == 0 and $v.paid_not_acked_outside_in_flight == 0
         and $v.payments_acked == ($r.operations.pay.status["200"] // 0)
         and ($v.orders_with_run_prefix - $v.stored_not_acked) == ($r.operations.place.status["201"] // 0));
     {benchmark: "orders-api", date: $date, machine: {cpu: $cpu, cpu_cores: $cores},
      load: {tool: "wrk", threads: $threads, connections: $conns, warmup_s: $warmup, duration_s: ($secs | floor),
             mix: "60% POST /v1/orders (1-5 lines, EUR), 20% POST /v1/orders/{id}/payment, 20% GET /v1/orders/{id}",
             user: "demo-manager", run_id: $run},
      requests: $m.requests, requests_per_s: (($m.requests / $secs) | floor),
      p50_ms: $m.p50_ms, p95_ms: $m.p95_ms, p99_ms: $m.p99_ms, max_ms: $m.max_ms,
      non_2xx: $m.non_2xx, socket_errors: $m.socket_errors, unmatched_responses: $m.unmatched,
      operations: ($m.operations | with_entries(.value += {per_s: ((.value.count / $secs) | floor)})),
      verification: ($c + {placed_201: ($m.operations.place.status["201"] // 0), in_flight_at_stop: $m.in_flight_at_stop,
                           orders_equal_201: ($c.orders_with_run_prefix == ($m.operations.place.status["201"] // 0)),
                           ok: verdict($m; $c)}),
      warmup: {requests: $warm.requests, non_2xx: $warm.non_2xx, p99_ms: $warm.p99_ms,
               verification: ($wc + {placed_201: ($warm.operations.place.status["201"] // 0),
                                     in_flight_at_stop: $warm.in_flight_at_stop, ok: verdict($warm; $wc)})}}' >"$out"
  cat "$out"
  ok "wrote ${out#"$SP_ROOT"/}"
  [[ $(jq -r .verification.ok "$out") == true ]] || warn "the SQL check found lost, duplicate or unexpected writes (see verification)"
}
