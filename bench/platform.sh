# shellcheck shell=bash
# ./shoppulse bench platform: how long a cold `up` takes (servers and services stopped; with and without the
# Maven build) and how much memory each component holds once idle. Leaves the platform running.

: "${BENCH_IDLE_SETTLE_S:=30}"

# Resident memory of a component: its whole process group (Keycloak's launcher script and its JVM, say), in MiB.
group_rss_mib() {
  local pid
  pid=$(<"$(pid_file "$1")")
  ps -eo pgid=,rss= | awk -v g="$pid" '$1 == g { kb += $2 } END { printf "%.0f", kb / 1024 }'
}

timed_up() {
  local start
  start=$(date +%s.%N)
  "$SP_ROOT/shoppulse" up >>"$SP_LOGS/bench-platform.log" 2>&1 || die "up failed; see .shoppulse/logs/bench-platform.log"
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
}

bench_main() {
  [[ "${1:-}" =~ ^(-h|--help)$ ]] && {
    echo "Usage: ./shoppulse bench platform"
    echo "Stops everything, times a cold './shoppulse up' without and with the build, measures idle RSS of each"
    echo "component after ${BENCH_IDLE_SETTLE_S}s, and writes bench/results/platform-<date>.json."
    return 0
  }
  load_secrets
  ensure_dirs
  info "Cold up, build excluded"
  "$SP_ROOT/shoppulse" down >/dev/null 2>&1
  services_build >/dev/null
  local without_build with_build
  without_build=$(timed_up)
  info "Waiting ${BENCH_IDLE_SETTLE_S}s for the platform to settle, then reading RSS"
  sleep "$BENCH_IDLE_SETTLE_S"
  local name rss_json="{}"
  for name in kafka keycloak $(runtime_names) storefront; do
    is_running "$name" || continue
    rss_json=$(jq --arg n "$name" --argjson v "$(group_rss_mib "$name")" '. + {($n): $v}' <<<"$rss_json")
  done
  info "Cold up, build included (mvn clean first)"
  "$SP_ROOT/shoppulse" down >/dev/null 2>&1
  (cd "$SP_ROOT" && mvn -B -q clean) >>"$SP_LOGS/bench-platform.log" 2>&1
  with_build=$(timed_up)

  local out
  out="$SP_ROOT/bench/results/platform-$(date -u +%Y%m%dT%H%M%SZ).json"
  jq -n --arg date "$(date -u +%FT%TZ)" --arg cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" \
    --argjson cores "$(nproc)" --argjson mem "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
    --argjson without "$without_build" --argjson with "$with_build" --argjson rss "$rss_json" \
    --arg kafka "$(pom_property kafka.version)" --arg keycloak "$(pom_property keycloak.version)" \
    --arg quarkus "$(pom_property quarkus.platform.version)" --argjson settle "$BENCH_IDLE_SETTLE_S" \
    '{benchmark: "platform", date: $date,
      machine: {cpu: $cpu, cpu_cores: $cores, memory_gib: $mem},
      versions: {kafka: $kafka, keycloak: $keycloak, quarkus: $quarkus},
      cold_up_s: {build_excluded: $without, build_included: $with},
      idle_rss_mib: $rss, idle_settle_s: $settle}' >"$out"
  cat "$out"
  ok "wrote ${out#"$SP_ROOT"/}"
}
