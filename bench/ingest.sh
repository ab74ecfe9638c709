# shellcheck shell=bash
# ./shoppulse bench ingest: realistic batches posted to the running collector by wrk for a fixed time after a
# JIT warm-up, then everything the collector accepted is counted in Kafka. The same run measures Kafka's own
# ProducerPerformance with the collector's producer settings and record size: the box's physical limit.
#
# Accounting: `accepted` counts events in batches answered 202. Each wrk run (warm-up, measured) stops with up to
# one request per connection in flight; the collector still stores those, so Kafka may hold up to
# 2 x connections x batch more distinct events than were acknowledged (`unacknowledged_in_kafka`). `lost` is the
# net shortfall (accepted minus distinct, floored at 0) and `duplicates` is events stored more than once; both
# must be 0, with `unacknowledged_in_kafka` within its bound (bench/README.md).

: "${BENCH_WARMUP_S:=20}"
: "${BENCH_DURATION_S:=30}"
: "${BENCH_CONNECTIONS:=32}"
: "${BENCH_THREADS:=2}"
: "${BENCH_BATCH:=50}"
: "${BENCH_RAW_RECORDS:=4000000}"

kafka_count() { kafka_java -Xmx1500m "$SP_ROOT/bench/tools/KafkaCount.java" "$@"; }

run_wrk() {
  SHOPPULSE_BENCH_KEY=$1 SHOPPULSE_BENCH_RUN=$2 wrk -t "$BENCH_THREADS" -c "$BENCH_CONNECTIONS" -d "${3}s" \
    --latency -s "$SP_ROOT/bench/ingest.lua" "$(service_url collector)" -- "$BENCH_BATCH" | sed -n 's/^RESULT //p'
}

# Kafka's own producer with the collector's settings (acks=all, idempotence, lz4, linger, batch size).
raw_producer_rate() {
  local size=$1 topic=shop.bench.raw.v1 out
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$(kafka_bootstrap)" --create --if-not-exists \
    --topic "$topic" --partitions 6 --replication-factor 1 >/dev/null 2>&1
  out=$(kafka_java org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$BENCH_RAW_RECORDS" \
    --record-size "$size" --throughput -1 --producer-props bootstrap.servers="$(kafka_bootstrap)" acks=all \
    enable.idempotence=true compression.type=lz4 linger.ms=5 batch.size=131072 2>/dev/null | tail -n 1)
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$(kafka_bootstrap)" --delete --topic "$topic" >/dev/null 2>&1
  sed -n 's/^[0-9]* records sent, \([0-9.]*\) records\/sec.*/\1/p' <<<"$out"
}

bench_main() {
  [[ "${1:-}" =~ ^(-h|--help)$ ]] && {
    echo "Usage: ./shoppulse bench ingest"
    echo "Posts batches of $BENCH_BATCH events with wrk ($BENCH_THREADS threads, $BENCH_CONNECTIONS connections) for"
    echo "${BENCH_WARMUP_S}s of warm-up and ${BENCH_DURATION_S}s measured, counts what reached Kafka, measures Kafka's raw"
    echo "producer rate, and writes bench/results/ingest-<date>.json. Settings: BENCH_DURATION_S, BENCH_CONNECTIONS, ..."
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

  local token source key run tenant start_offsets warm measured
  token=$(keycloak_token demo-admin)
  source=$(curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"name\": \"bench $(date -u +%FT%TZ)\"}" "$(service_url collector)/v1/sources") || die "cannot create the bench source"
  key=$(jq -r .write_key <<<"$source")
  tenant=$(jq -r .tenant_id <<<"$source")
  run=$(printf '%08x' "$(($(date +%s) & 0xffffffff))")
  start_offsets=$(kafka_count offsets "$(kafka_bootstrap)" shop.events.v1)

  info "Warm-up: ${BENCH_WARMUP_S}s"
  warm=$(run_wrk "$key" "a${run:1}" "$BENCH_WARMUP_S")
  info "Measured: ${BENCH_DURATION_S}s, batches of $BENCH_BATCH, $BENCH_CONNECTIONS connections"
  measured=$(run_wrk "$key" "b${run:1}" "$BENCH_DURATION_S")
  [[ -n "$warm" && -n "$measured" ]] || die "wrk printed no result"

  info "Counting in Kafka"
  local counted in_kafka distinct record_size
  counted=$(kafka_count count "$(kafka_bootstrap)" shop.events.v1 "$start_offsets" "$tenant:")
  read -r in_kafka distinct record_size <<<"$counted"
  info "Kafka's raw producer rate with $record_size-byte records"
  local raw
  raw=$(raw_producer_rate "$record_size")

  curl -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $token" \
    "$(service_url collector)/v1/sources/$(jq -r .source_id <<<"$source")" || warn "could not revoke the bench source"

  local out
  out="$SP_ROOT/bench/results/ingest-$(date -u +%Y%m%dT%H%M%SZ).json"
  jq -n --argjson warm "$warm" --argjson m "$measured" --argjson in_kafka "$in_kafka" --argjson distinct "$distinct" --argjson size "$record_size" \
    --argjson raw "${raw:-0}" --arg date "$(date -u +%FT%TZ)" --argjson cores "$(nproc)" \
    --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    --argjson conns "$BENCH_CONNECTIONS" --argjson warmup "$BENCH_WARMUP_S" \
    '($m.duration_us / 1e6) as $secs
     | ($m.accepted / $secs) as $eps
     | {benchmark: "ingest", date: $date, machine: {cpu: $cpu, cpu_cores: $cores}, cpu_cores: $cores,
        batch_events: $m.batch, connections: $conns, warmup_s: $warmup, duration_s: ($secs | floor),
        events_per_s: ($eps | floor), requests_per_s: (($m.requests / $secs) | floor),
        p50_ms: $m.p50_ms, p99_ms: $m.p99_ms,
        sent: (($warm.requests + $m.requests) * $m.batch), accepted: ($warm.accepted + $m.accepted),
        in_kafka: $in_kafka, distinct_in_kafka: $distinct, duplicates: ($in_kafka - $distinct),
        lost: ([0, (($warm.accepted + $m.accepted) - $distinct)] | max),
        unacknowledged_in_kafka: ([0, ($distinct - ($warm.accepted + $m.accepted))] | max),
        non_202: ($warm.non_202 + $m.non_202), socket_errors: ($warm.socket_errors + $m.socket_errors),
        record_size_bytes: $size, kafka_raw_events_per_s: ($raw | floor),
        ratio_to_raw: (if $raw > 0 then (($eps / $raw) * 1000 | floor) / 1000 else null end)}' >"$out"
  cat "$out"
  ok "wrote ${out#"$SP_ROOT"/}"
}
