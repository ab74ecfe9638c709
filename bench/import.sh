# shellcheck shell=bash
# ./shoppulse bench import [orders|events]: a synthetic export (bench/tools/OrderExport.java or EventExport.java, in
# the layouts of demo/import/) imported end to end through `./shoppulse import` (streamed upload, mapping,
# validation as live data, idempotent COPY load into the partitioned tables), then imported again (it must load
# nothing). The same run times a plain psql \copy of the same file into a bare table of text columns: the box's
# limit for getting these bytes into PostgreSQL at all. Without a kind, both run.

: "${BENCH_IMPORT_ROWS:=1000000}"

# bench_import KIND GENERATOR COLUMNS: one kind's run; writes bench/results/import-KIND-<date>.json.
bench_import() {
  local kind=$1 generator=$2 columns=$3 dir="$SP_STATE/bench" run file first second raw_start raw_end raw_rows
  mkdir -p "$dir"
  run=$(printf 'B%08x-' "$(($(date +%s) & 0xffffffff))")
  file="$dir/$kind-export.csv"
  info "$kind: writing a synthetic export of $BENCH_IMPORT_ROWS rows"
  java "$SP_ROOT/bench/tools/$generator" "$file" "$BENCH_IMPORT_ROWS" "$run" 42

  info "$kind: plain \\copy of the same file into a bare table"
  pg_admin -d "$SHOPPULSE_PG_DATABASE" -c "DROP TABLE IF EXISTS public.bench_import_raw" \
    -c "CREATE TABLE public.bench_import_raw ($columns)"
  raw_start=$(date +%s%N)
  pg_admin -d "$SHOPPULSE_PG_DATABASE" -c "\\copy public.bench_import_raw FROM '$file' WITH (FORMAT csv, HEADER true)"
  raw_end=$(date +%s%N)
  raw_rows=$(pg_admin -d "$SHOPPULSE_PG_DATABASE" -tAc "SELECT count(*) FROM public.bench_import_raw")
  pg_admin -d "$SHOPPULSE_PG_DATABASE" -c "DROP TABLE public.bench_import_raw"

  info "$kind: import"
  first=$("$SP_ROOT/shoppulse" import "$kind" "$file" --mapping "$SP_ROOT/demo/import/$kind-mapping.yaml") \
    || die "the import failed: $first"
  info "$kind: the same file again (must load nothing)"
  second=$("$SP_ROOT/shoppulse" import "$kind" "$file" --mapping "$SP_ROOT/demo/import/$kind-mapping.yaml") \
    || die "the second import failed: $second"
  rm -f "$file"

  local out
  out="$SP_ROOT/bench/results/import-$kind-$(date -u +%Y%m%dT%H%M%SZ).json"
  jq -n --argjson a "$first" --argjson b "$second" --argjson raw_ns "$((raw_end - raw_start))" \
    --argjson raw_rows "$raw_rows" --arg date "$(date -u +%FT%TZ)" --argjson cores "$(nproc)" --arg kind "$kind" \
    --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
    '($raw_rows / ($raw_ns / 1e9)) as $raw
     | {benchmark: "import", date: $date, machine: {cpu: $cpu, cpu_cores: $cores}, load_average_after: $load,
        kind: $kind, rows: $a.rows_read, seconds: $a.seconds, rows_per_s: $a.rows_per_s,
        raw_copy_rows_per_s: ($raw | floor), raw_copy_seconds: ((($raw_ns / 1e6) | floor) / 1000),
        ratio_to_raw_copy: (((($a.rows_per_s / $raw) * 1000) | floor) / 1000),
        rows_loaded: $a.rows_loaded, records_loaded: $a.records_loaded, rows_skipped: $a.rows_skipped,
        bad_rows: $a.bad_row_count,
        reimport: {rows_per_s: $b.rows_per_s, rows_loaded: $b.rows_loaded,
                   rows_already_present: $b.rows_already_present, bad_rows: $b.bad_row_count}}' >"$out"
  cat "$out"
  ok "wrote ${out#"$SP_ROOT"/}"
}

bench_main() {
  [[ "${1:-}" =~ ^(-h|--help)$ ]] && {
    echo "Usage: ./shoppulse bench import [orders|events]"
    echo "Writes a synthetic export of $BENCH_IMPORT_ROWS rows (BENCH_IMPORT_ROWS), imports it into the demo tenant,"
    echo "imports it again (nothing may load), times a plain \\copy of the same file into a bare table, and writes"
    echo "bench/results/import-<kind>-<date>.json with rows_per_s and raw_copy_rows_per_s. Without a kind, both run."
    return 0
  }
  local kinds=("${1:-orders}")
  [[ -z "${1:-}" ]] && kinds=(orders events)
  "$SP_ROOT/shoppulse" up >"$SP_LOGS/bench-up.log" 2>&1 || die "up failed; see .shoppulse/logs/bench-up.log"
  load_secrets
  export_platform_env
  local kind
  for kind in "${kinds[@]}"; do
    case $kind in
      orders) bench_import orders OrderExport.java "invoice text, stock_code text, description text, quantity text,
        invoice_date text, price text, customer_id text, country text" ;;
      events) bench_import events EventExport.java "event_time text, event_type text, product_id text,
        category_id text, category_code text, brand text, price text, user_id text, user_session text, order_id text" ;;
      *) die "unknown kind '$kind' (orders or events)" ;;
    esac
  done
}
