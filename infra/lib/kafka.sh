# shellcheck shell=bash
# Kafka: a single-node KRaft broker run from the Kafka jars on Maven Central (resolved by Maven through
# infra/kafka/pom.xml), its data under .shoppulse/kafka. Topics come from infra/kafka/topics.conf.

: "${SHOPPULSE_KAFKA_HOST:=127.0.0.1}"
: "${SHOPPULSE_KAFKA_PORT:=9092}"
: "${SHOPPULSE_KAFKA_CONTROLLER_PORT:=9093}"
: "${SHOPPULSE_KAFKA_HEAP:=-Xms256m -Xmx768m}"

KAFKA_HOME="$SP_STATE/kafka"

kafka_bootstrap() { echo "$SHOPPULSE_KAFKA_HOST:$SHOPPULSE_KAFKA_PORT"; }

kafka_libs() {
  local version marker="$KAFKA_HOME/libs/.version"
  version=$(pom_property kafka.version)
  if [[ ! -f "$marker" || "$(<"$marker")" != "$version" ]]; then
    info "Resolving Kafka $version from Maven"
    rm -rf "$KAFKA_HOME/libs"
    mvn -B -q -f "$SP_ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$KAFKA_HOME/libs" -DincludeScope=runtime >"$SP_LOGS/kafka-resolve.log" 2>&1 \
      || die "could not resolve the Kafka jars; see .shoppulse/logs/kafka-resolve.log"
    echo "$version" >"$marker"
  fi
}

kafka_java() {
  java -cp "$KAFKA_HOME/libs/*" -Dlog4j2.configurationFile="$SP_ROOT/infra/kafka/log4j2-tools.properties" "$@"
}

kafka_config() {
  local data="$KAFKA_HOME/data"
  cat >"$KAFKA_HOME/server.properties" <<PROPS
# Written by ./shoppulse from infra/lib/kafka.sh; edit that, not this.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$SHOPPULSE_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$SHOPPULSE_KAFKA_HOST:$SHOPPULSE_KAFKA_PORT,CONTROLLER://127.0.0.1:$SHOPPULSE_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$SHOPPULSE_KAFKA_HOST:$SHOPPULSE_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.check.interval.ms=300000
PROPS
}

kafka_healthy() { tcp_open "$SHOPPULSE_KAFKA_HOST" "$SHOPPULSE_KAFKA_PORT"; }

kafka_up() {
  if is_running kafka && kafka_healthy; then
    ok "kafka already running"
    kafka_topics_current
    return 0
  fi
  kafka_healthy && die "port $SHOPPULSE_KAFKA_PORT is taken by a process ./shoppulse did not start; stop it or set SHOPPULSE_KAFKA_PORT"
  mkdir -p "$KAFKA_HOME"
  kafka_libs
  kafka_config
  if [[ ! -f "$KAFKA_HOME/data/meta.properties" ]]; then
    info "Formatting Kafka storage (KRaft, single node)"
    kafka_java kafka.tools.StorageTool format --standalone -t "$(kafka_java kafka.tools.StorageTool random-uuid)" \
      -c "$KAFKA_HOME/server.properties" >>"$SP_LOGS/kafka.log" 2>&1 || die "Kafka storage format failed; see .shoppulse/logs/kafka.log"
  fi
  info "Starting Kafka on $(kafka_bootstrap)"
  # shellcheck disable=SC2086 # the heap options are a word list
  start_process kafka java $SHOPPULSE_KAFKA_HEAP -XX:+UseG1GC -cp "$KAFKA_HOME/libs/*" \
    -Dlog4j2.configurationFile="$SP_ROOT/infra/kafka/log4j2.properties" kafka.Kafka "$KAFKA_HOME/server.properties"
  wait_for kafka 90 kafka_healthy
  kafka_topics
}

# A checkout that added topics since they were last made (also on a broker someone else started) gets them now.
kafka_topics_current() {
  if [[ "$SP_ROOT/infra/kafka/topics.conf" -nt "$KAFKA_HOME/topics.created" ]]; then
    mkdir -p "$KAFKA_HOME"
    kafka_libs
    kafka_topics
  fi
  return 0
}

# Creates the topics in topics.conf that do not exist yet, in one JVM.
kafka_topics() {
  local existing name partitions configs args
  existing=$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$(kafka_bootstrap)" --list 2>>"$SP_LOGS/kafka.log") \
    || die "cannot list Kafka topics; see .shoppulse/logs/kafka.log"
  while read -r name partitions configs; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    grep -qx "$name" <<<"$existing" && continue
    args=(--bootstrap-server "$(kafka_bootstrap)" --create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor 1)
    local config
    for config in ${configs//,/ }; do args+=(--config "$config"); done
    kafka_java org.apache.kafka.tools.TopicCommand "${args[@]}" >>"$SP_LOGS/kafka.log" 2>&1 \
      || die "cannot create topic $name; see .shoppulse/logs/kafka.log"
    info "Created topic $name ($partitions partitions; $configs)"
  done <"$SP_ROOT/infra/kafka/topics.conf"
  touch "$KAFKA_HOME/topics.created"
}
