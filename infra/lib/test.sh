# shellcheck shell=bash
# ./shoppulse test: every module's tests against the real servers, then the launcher's own checks.

TEST_STARTED=()
LAUNCHER_PASSED=0
LAUNCHER_FAILED=0

stop_what_tests_started() {
  local name
  for name in "${TEST_STARTED[@]}"; do stop_process "$name"; done
}

# Starts a server unless one already answers; remembers what it started so it can stop it afterwards.
ensure_server() {
  local name=$1 healthy=$2 up=$3
  if "$healthy"; then
    ok "$name already running"
  else
    "$up"
    TEST_STARTED+=("$name")
  fi
}

check() {
  local description=$1
  shift
  if "$@"; then
    LAUNCHER_PASSED=$((LAUNCHER_PASSED + 1))
    ok "launcher: $description"
  else
    LAUNCHER_FAILED=$((LAUNCHER_FAILED + 1))
    warn "launcher: FAILED: $description"
  fi
}

all_healthy_json() {
  local json
  json=$("$SP_ROOT/shoppulse" status --json) || return 1
  jq -e --argjson expected "$(components | wc -l)" 'length == $expected and all(.healthy)' <<<"$json" >/dev/null
}

# The output of up holds the demo passwords: keep it out of CI logs.
quiet_up() {
  "$SP_ROOT/shoppulse" up >"$SP_LOGS/test-up.log" 2>&1 || { tail -n 20 "$SP_LOGS/test-up.log" | grep -v -i password >&2; return 1; }
}

same_pids_after_second_up() {
  local before after
  before=$(cat "$SP_RUN"/*.pid | sort)
  "$SP_ROOT/shoppulse" up >/dev/null 2>&1 || return 1
  after=$(cat "$SP_RUN"/*.pid | sort)
  [[ "$before" == "$after" ]]
}

collector_accepts_demo_key() {
  local key
  key=$(sed -n 's/^SHOPPULSE_DEMO_WRITE_KEY=//p' "$SP_ENV")
  write_key_valid "$key"
}

# The launcher's promises: up starts everything healthy and a second up changes nothing. Afterwards the services
# this run started are stopped again (a developer's running platform is left as it was).
launcher_checks() {
  local svc services_before=()
  for svc in $(runtime_names) spark storefront simulator; do is_running "$svc" && services_before+=("$svc"); done
  check "shellcheck is clean" run_shellcheck
  check "up starts every component" quiet_up
  check "status --json reports every component healthy" all_healthy_json
  check "a second up changes nothing" same_pids_after_second_up
  check "the demo write key in .shoppulse/env is accepted" collector_accepts_demo_key
  # Stop the services this run started (a developer's running platform is left as it was).
  for svc in simulator storefront spark $(runtime_names); do
    [[ " ${services_before[*]} " == *" $svc "* ]] || stop_process "$svc"
  done
}

run_shellcheck() {
  if ! command -v shellcheck >/dev/null 2>&1; then
    warn "shellcheck is not installed (apt-get install shellcheck); skipping"
    return 0
  fi
  # -x follows every `source`, so the libraries are checked as the launcher uses them.
  local scripts=("$SP_ROOT/shoppulse" "$SP_ROOT/.ci/run" "$SP_ROOT/k8s/camel-k/render.sh")
  [[ -n "$(ls "$SP_ROOT"/bench/*.sh 2>/dev/null)" ]] && scripts+=("$SP_ROOT"/bench/*.sh)
  (cd "$SP_ROOT" && shellcheck -x "${scripts[@]}")
}

# Sums the JUnit reports of this run: surefire and failsafe.
junit_totals() {
  local files
  files=$(find "$SP_ROOT" -path '*/target/*-reports/TEST-*.xml' -newer "$SP_STATE/test-started" 2>/dev/null)
  [[ -n "$files" ]] || { echo "0 0 0 0"; return 0; }
  # shellcheck disable=SC2086 # one file name per word
  sed -n 's/.*<testsuite [^>]*/&/p' $files | awk '
    { t = f = e = s = 0
      if (match($0, /tests="[0-9]+"/)) t = substr($0, RSTART + 7, RLENGTH - 8)
      if (match($0, /failures="[0-9]+"/)) f = substr($0, RSTART + 10, RLENGTH - 11)
      if (match($0, /errors="[0-9]+"/)) e = substr($0, RSTART + 8, RLENGTH - 9)
      if (match($0, /skipped="[0-9]+"/)) s = substr($0, RSTART + 9, RLENGTH - 10)
      T += t; F += f; E += e; S += s }
    END { print T + 0, F + 0, E + 0, S + 0 }'
}

run_tests() {
  local start=$SECONDS maven_rc=0
  require_tools
  load_secrets
  export_platform_env
  touch "$SP_STATE/test-started"
  trap stop_what_tests_started EXIT
  # Module tests get a database and a virtual host of their own, fresh each run; the launcher checks below run
  # `up` on the platform's.
  local platform_db=$SHOPPULSE_PG_DATABASE platform_vhost=$SHOPPULSE_RABBITMQ_VHOST
  postgres_fresh_test_database
  SHOPPULSE_PG_DATABASE=$SHOPPULSE_TEST_PG_DATABASE
  if rabbitmq_fresh_test_vhost; then
    SHOPPULSE_RABBITMQ_VHOST=$SHOPPULSE_TEST_RABBITMQ_VHOST
  else
    warn "RabbitMQ is not administered here: the tests share the virtual host $SHOPPULSE_RABBITMQ_VHOST"
  fi
  postgres_up
  rabbitmq_up
  ensure_server kafka kafka_healthy kafka_up
  kafka_topics_current
  ensure_server keycloak keycloak_healthy keycloak_up

  info "Running every module's tests (mvn verify)"
  local maven_args=(-B verify)
  [[ -n "${CI:-}" ]] && maven_args+=(-ntp)
  (cd "$SP_ROOT" && mvn "${maven_args[@]}") || maven_rc=$?
  SHOPPULSE_PG_DATABASE=$platform_db
  SHOPPULSE_RABBITMQ_VHOST=$platform_vhost

  if ((maven_rc == 0)); then
    launcher_checks
  else
    warn "module tests failed; the launcher checks are skipped"
  fi

  local tests failures errors skipped passed failed
  read -r tests failures errors skipped <<<"$(junit_totals)"
  passed=$((tests - failures - errors - skipped + LAUNCHER_PASSED))
  failed=$((failures + errors + LAUNCHER_FAILED))
  echo
  echo "Modules: $tests tests ($failures failures, $errors errors, $skipped skipped); launcher: $LAUNCHER_PASSED checks passed, $LAUNCHER_FAILED failed; $((SECONDS - start))s"
  echo "summary: $passed passed, $failed failed, $skipped skipped"
  ((maven_rc == 0 && failed == 0))
}
