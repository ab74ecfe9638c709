#!/usr/bin/env bash
# Renders one Camel K Integration per route file in routes/ (plus the shared connections file), with the route
# files' content inline, so that `kubectl apply -k k8s/camel-k` deploys exactly what runs locally. Run it after
# changing a route file; the routes module's tests fail while a rendered Integration differs from its file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root=../..
version=$(sed -n '/<artifactId>shoppulse-parent<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;}' "$root/pom.xml")
spring=$(sed -n 's:.*<spring.version>\(.*\)</spring.version>.*:\1:p' "$root/pom.xml")

source_entry() {
  echo "    - name: $(basename "$1")"
  echo "      content: |"
  sed 's/^/        /; s/^ *$//' "$1"
}

for route in "$root"/routes/*.camel.yaml; do
  name=$(basename "$route" .camel.yaml)
  [[ "$name" == connections ]] && continue
  {
    echo "# Rendered by k8s/camel-k/render.sh from routes/$name.camel.yaml; do not edit by hand."
    echo "apiVersion: camel.apache.org/v1"
    echo "kind: Integration"
    echo "metadata:"
    echo "  name: $name"
    echo "  labels:"
    echo "    app.kubernetes.io/name: $name"
    echo "    app.kubernetes.io/part-of: shoppulse"
    echo "    app.kubernetes.io/component: routes"
    echo "spec:"
    echo "  sources:"
    source_entry "$route"
    source_entry "$root/routes/connections.camel.yaml"
    echo "  dependencies:"
    echo "    - camel:spring-rabbitmq"
    echo "    - mvn:org.springframework:spring-context:$spring"
    echo "    - mvn:io.shoppulse:shoppulse-routes:$version"
    echo "  traits:"
    echo "    mount:"
    echo "      configs:"
    echo "        - configmap:shoppulse-routes"
    echo "        - secret:shoppulse-routes"
    echo "    health:"
    echo "      enabled: true"
    echo "      livenessProbeEnabled: true"
    echo "      readinessProbeEnabled: true"
    echo "    prometheus:"
    echo "      enabled: true"
    echo "    container:"
    echo "      requestCPU: 100m"
    echo "      requestMemory: 256Mi"
    echo "      limitCPU: \"1\""
    echo "      limitMemory: 512Mi"
  } >"$name.yaml"
done
