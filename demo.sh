#!/usr/bin/env bash
# README command 1: builds the jars if needed, then runs the demo: an embedded Kafka broker (KRaft),
# 100,000 sample IoT events, the ingester (available-now) into ./demo-data/iot-events, rows read back.
set -euo pipefail
cd "$(dirname "$0")"
jars=(ingester/target/kafka-delta-ingester.jar testkit/target/testkit-demo.jar)
stale=false
for jar in "${jars[@]}"; do
  if [[ ! -f "$jar" ]] || [[ -n "$(find pom.xml ingester testkit -newer "$jar" -type f \( -name '*.java' -o -name 'pom.xml' -o -name '*.xml' \) -not -path '*/target/*' -print -quit)" ]]; then
    stale=true
  fi
done
if $stale; then
  echo "Building (mvn -q -B install -DskipTests)..."
  mvn -q -B install -DskipTests
fi
exec java -jar testkit/target/testkit-demo.jar "$@"
