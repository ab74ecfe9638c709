# shellcheck shell=bash
# The analytics streaming application (analytics-spark/): every Spark query in one local-mode application on the
# default JDK 17, built by the same Maven reactor as the services. Its checkpoints and status live under
# .shoppulse/spark/; the status file (each query's progress, rewritten every 2 s) is its health check.

SPARK_DIR="$SP_STATE/spark"
SPARK_STATUS="$SPARK_DIR/status.json"
: "${SHOPPULSE_SPARK_HEAP:=-Xms256m -Xmx1536m}"
# Spark 4 on Java 17 reaches into these JDK internals (the same list the module's tests run with).
SPARK_JVM_OPENS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true)

spark_module() { echo "$SP_ROOT/analytics-spark"; }
spark_jar() {
  local jar
  for jar in "$(spark_module)"/target/shoppulse-analytics-spark-*.jar; do
    [[ "$jar" == *-tests.jar || "$jar" == *-sources.jar ]] || { echo "$jar"; return 0; }
  done
  echo "$(spark_module)/target/shoppulse-analytics-spark.jar"
}
spark_url() { echo "local[2], status .shoppulse/spark/status.json"; }

# Running, its status fresh (under 30 s old) and every query active.
spark_healthy() {
  is_running spark && [[ -f "$SPARK_STATUS" ]] && (($(date +%s) - $(stat -c %Y "$SPARK_STATUS") < 30)) \
    && jq -e '.healthy' "$SPARK_STATUS" >/dev/null 2>&1
}

# spark_command MAIN ARGS...: sets SPARK_CMD to run a class of the module with its runtime classpath and the
# platform's environment (the same SHOPPULSE_* names a Kubernetes deployment sets).
spark_command() {
  local heap
  read -r -a heap <<<"$SHOPPULSE_SPARK_HEAP"
  mkdir -p "$SPARK_DIR/tmp"
  SPARK_CMD=(env "SHOPPULSE_DB_USER=shoppulse_analytics" "SHOPPULSE_DB_PASSWORD=$SHOPPULSE_DB_PASSWORD_ANALYTICS"
    "SHOPPULSE_SPARK_CHECKPOINTS=${SHOPPULSE_SPARK_CHECKPOINTS:-$SPARK_DIR/checkpoints}"
    "SHOPPULSE_SPARK_STATUS_FILE=$SPARK_STATUS" "SPARK_LOCAL_DIRS=$SPARK_DIR/tmp" "SPARK_LOCAL_IP=127.0.0.1"
    java "${heap[@]}" "${SPARK_JVM_OPENS[@]}" -cp "$(spark_jar):$(spark_module)/target/lib/*" "$@")
}

spark_up() {
  [[ -f "$(spark_module)/pom.xml" ]] || return 0
  if is_running spark && [[ "$(spark_jar)" -nt "$(pid_file spark)" ]]; then
    info "spark was rebuilt since it started; restarting it"
    stop_process spark
  fi
  if is_running spark && spark_healthy; then
    ok "spark already running"
    return 0
  fi
  stop_process spark
  [[ -f "$(spark_jar)" ]] || die "analytics-spark is not built ($(spark_jar) missing)"
  info "Starting the Spark analytics streams (local[2]; ./shoppulse logs spark)"
  rm -f "$SPARK_STATUS"
  spark_command io.shoppulse.analytics.spark.AnalyticsStreams
  start_process spark "${SPARK_CMD[@]}"
  wait_for spark 180 spark_healthy
}
