# shellcheck shell=bash
# RabbitMQ: the server runs outside the project (on this machine, 127.0.0.1:5672). The launcher gives ShopPulse
# its own virtual host and user when it can administer the local node; otherwise it uses what it is given.

: "${SHOPPULSE_RABBITMQ_HOST:=127.0.0.1}"
: "${SHOPPULSE_RABBITMQ_PORT:=5672}"
: "${SHOPPULSE_RABBITMQ_VHOST:=shoppulse}"
: "${SHOPPULSE_RABBITMQ_USER:=shoppulse}"

# The virtual host module tests run in, made afresh by every ./shoppulse test (like the test database).
: "${SHOPPULSE_TEST_RABBITMQ_VHOST:=${SHOPPULSE_RABBITMQ_VHOST}_test}"

rabbitmq_healthy() { tcp_open "$SHOPPULSE_RABBITMQ_HOST" "$SHOPPULSE_RABBITMQ_PORT"; }

rabbitmq_administrable() {
  [[ "$SHOPPULSE_RABBITMQ_HOST" =~ ^(127\.0\.0\.1|localhost)$ ]] && command -v rabbitmqctl >/dev/null 2>&1 \
    && rabbitmqctl -q status >/dev/null 2>&1
}

# Deletes the test virtual host (with its queues and their messages), for rabbitmq_up to make it again. Fails when
# the launcher cannot administer the node: there is then no virtual host but the one given.
rabbitmq_fresh_test_vhost() {
  [[ "$SHOPPULSE_TEST_RABBITMQ_VHOST" != "$SHOPPULSE_RABBITMQ_VHOST" ]] ||
    die "SHOPPULSE_TEST_RABBITMQ_VHOST must not be the platform's virtual host ($SHOPPULSE_RABBITMQ_VHOST)"
  rabbitmq_administrable || return 1
  if rabbitmqctl -q list_vhosts | grep -qx "$SHOPPULSE_TEST_RABBITMQ_VHOST"; then
    rabbitmqctl -q delete_vhost "$SHOPPULSE_TEST_RABBITMQ_VHOST" >/dev/null
  fi
}

rabbitmq_up() {
  rabbitmq_healthy || die "RabbitMQ is not reachable at $SHOPPULSE_RABBITMQ_HOST:$SHOPPULSE_RABBITMQ_PORT. Start it
  (on Debian: rabbitmq-server -detached) or point SHOPPULSE_RABBITMQ_HOST/PORT at one."
  if rabbitmq_administrable; then
    rabbitmqctl -q list_vhosts | grep -qx "$SHOPPULSE_RABBITMQ_VHOST" || rabbitmqctl -q add_vhost "$SHOPPULSE_RABBITMQ_VHOST"
    if rabbitmqctl -q list_users | awk '{print $1}' | grep -qx "$SHOPPULSE_RABBITMQ_USER"; then
      rabbitmqctl -q change_password "$SHOPPULSE_RABBITMQ_USER" "$SHOPPULSE_RABBITMQ_PASSWORD" >/dev/null
    else
      rabbitmqctl -q add_user "$SHOPPULSE_RABBITMQ_USER" "$SHOPPULSE_RABBITMQ_PASSWORD" >/dev/null
    fi
    rabbitmqctl -q set_permissions -p "$SHOPPULSE_RABBITMQ_VHOST" "$SHOPPULSE_RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
    # Earlier versions declared these queues non-durable; the services now declare them durable, which RabbitMQ
    # refuses while the old queue exists. Its messages would not have survived a broker restart anyway.
    local queue
    for queue in $(rabbitmqctl -q list_queues -p "$SHOPPULSE_RABBITMQ_VHOST" name durable 2>/dev/null \
      | awk '($1 == "shoppulse.orders.commands" || $1 == "shoppulse.bridge.events") && $2 == "false" {print $1}'); do
      rabbitmqctl -q delete_queue -p "$SHOPPULSE_RABBITMQ_VHOST" "$queue" >/dev/null && warn "deleted the old non-durable queue $queue"
    done
    ok "rabbitmq: vhost $SHOPPULSE_RABBITMQ_VHOST, user $SHOPPULSE_RABBITMQ_USER"
  else
    ok "rabbitmq: reachable; using the credentials in SHOPPULSE_RABBITMQ_USER/PASSWORD as given"
  fi
}
