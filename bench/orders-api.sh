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

# orders_api_check RUN_ID FILES SINCE DURATION_S: loads what wrk's threads sent and got back into PostgreSQL, and
# prints one JSON object: per operation its count, rate, latency percentiles and status counts, and the comparison
# of the orders stored with the run's ids against the answers.
orders_api_check() {
  local run=$1 files=$2 since=$3 secs=$4
  {
    echo "CREATE TEMP TABLE sent (cid text PRIMARY KEY, op text NOT NULL, order_id text NOT NULL, lines int NOT NULL);"
    echo "CREATE TEMP TABLE answered (cid text PRIMARY KEY, status int NOT NULL, us bigint NOT NULL);"
    echo "COPY sent FROM STDIN;"
    cat "$files"-*-sent.tsv
    echo '\.'
    echo "COPY answered FROM STDIN;"
    cat "$files"-*-answered.tsv
    echo '\.'
    cat <<'SQL'
CREATE TEMP VIEW acked AS SELECT s.order_id, s.lines FROM sent s JOIN answered a USING (cid)
  WHERE s.op = 'place' AND a.status = 201;
CREATE TEMP VIEW acked_paid AS SELECT s.order_id FROM sent s JOIN answered a USING (cid)
  WHERE s.op = 'pay' AND a.status = 200;
CREATE TEMP VIEW in_flight AS SELECT s.op, s.order_id FROM sent s
  WHERE NOT EXISTS (SELECT 1 FROM answered a WHERE a.cid = s.cid);
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
), ops AS (
  SELECT s.op, count(*) AS n,
         percentile_disc(0.50) WITHIN GROUP (ORDER BY a.us) AS p50,
         percentile_disc(0.95) WITHIN GROUP (ORDER BY a.us) AS p95,
         percentile_disc(0.99) WITHIN GROUP (ORDER BY a.us) AS p99
  FROM sent s JOIN answered a USING (cid) GROUP BY s.op
), codes AS (
  SELECT op, json_object_agg(status::text, n) AS status
  FROM (SELECT s.op, a.status, count(*) AS n FROM sent s JOIN answered a USING (cid) GROUP BY 1, 2) x GROUP BY op
)
SELECT json_build_object(
  'operations', (SELECT json_object_agg(o.op, json_build_object('count', o.n, 'per_s', floor(o.n / :secs),
       'p50_ms', round(o.p50 / 1000.0, 2), 'p95_ms', round(o.p95 / 1000.0, 2), 'p99_ms', round(o.p99 / 1000.0, 2),
       'status', (SELECT status FROM codes c WHERE c.op = o.op))) FROM ops o),
  'verification', json_build_object(
    'placed_201', (SELECT count(*) FROM acked),
    'orders_with_run_prefix', (SELECT count(*) FROM keys),
    'order_rows_with_run_prefix', (SELECT count(*) FROM stored),
    'duplicates', (SELECT count(*) - count(DISTINCT order_id) FROM stored),
    'acked_missing', (SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM keys k WHERE k.order_id = a.order_id)),
    'in_flight_at_stop', (SELECT count(*) FROM in_flight),
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
       AND NOT EXISTS (SELECT 1 FROM in_flight f WHERE f.op = 'pay' AND f.order_id = s.order_id))));
SQL
  } | pg_admin -d "$SHOPPULSE_PG_DATABASE" -tA -v tenant="$SHOPPULSE_DEMO_TENANT_ID" -v run="$run" -v since="$since" \
    -v secs="$secs"
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
  warm_check=$(orders_api_check "${run}w" "$dir/${run}w" "$since" "$(jq '.duration_us / 1e6' <<<"$warm")") \
    || die "the SQL check failed (wrk's files are in ${dir#"$SP_ROOT"/})"
  check=$(orders_api_check "${run}m" "$dir/${run}m" "$since" "$(jq '.duration_us / 1e6' <<<"$measured")") \
    || die "the SQL check failed (wrk's files are in ${dir#"$SP_ROOT"/})"
  rm -f "$dir/${run}"[wm]-*.tsv

  local out
  out="$SP_ROOT/bench/results/orders-api-$(date -u +%Y%m%dT%H%M%SZ).json"
  jq -n --argjson warm "$warm" --argjson m "$measured" --argjson wc "$warm_check" --argjson c "$check" \
    --arg run "$run" --arg date "$(date -u +%FT%TZ)" --argjson cores "$(nproc)" \
    --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    --argjson threads "$BENCH_THREADS" --argjson conns "$BENCH_CONNECTIONS" --argjson warmup "$BENCH_WARMUP_S" \
    'def verdict($v): $v.acked_missing == 0 and $v.duplicates == 0 and $v.stored_not_acked_outside_in_flight == 0
       and $v.orders_with_wrong_line_count == 0 and $v.payments_acked_not_paid == 0
       and $v.paid_not_acked_outside_in_flight == 0;
     ($m.duration_us / 1e6) as $secs
     | {benchmark: "orders-api", date: $date, machine: {cpu: $cpu, cpu_cores: $cores},
        load: {tool: "wrk", threads: $threads, connections: $conns, warmup_s: $warmup, duration_s: ($secs | floor),
               mix: "60% POST /v1/orders (1-5 lines, EUR), 20% POST /v1/orders/{id}/payment, 20% GET /v1/orders/{id}",
               user: "demo-manager", run_id: $run},
        requests: $m.requests, requests_per_s: (($m.requests / $secs) | floor),
        p50_ms: $m.p50_ms, p95_ms: $m.p95_ms, p99_ms: $m.p99_ms, max_ms: $m.max_ms,
        non_2xx: $m.non_2xx, socket_errors: $m.socket_errors, unmatched_responses: $m.unmatched,
        operations: $c.operations,
        verification: ($c.verification + {orders_equal_201: ($c.verification.orders_with_run_prefix
                         == $c.verification.placed_201), ok: verdict($c.verification)}),
        warmup: {requests: $warm.requests, non_2xx: $warm.non_2xx, p99_ms: $warm.p99_ms,
                 verification: ($wc.verification + {ok: verdict($wc.verification)})}}' >"$out"
  cat "$out"
  ok "wrote ${out#"$SP_ROOT"/}"
  [[ $(jq -r .verification.ok "$out") == true ]] || warn "the SQL check found lost, duplicate or unexpected writes (see verification)"
}
