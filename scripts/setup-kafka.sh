#!/usr/bin/env bash
# Test-only: Apache Kafka's own jars (kafka_2.13: the broker and its storage tool) from
# Maven Central into .tools/kafka/libs, for the Kafka event-sink tests (test/support/kafka.ts runs a
# single-node KRaft broker on the machine's Java). Without mvn or java, those tests skip and say why.
# Idempotent: a complete download of the pinned version is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
KAFKA_VERSION=4.1.1
DIR="$PWD/.tools/kafka"
STAMP="$DIR/libs/.complete-$KAFKA_VERSION"
if [ -f "$STAMP" ]; then
  echo "kafka $KAFKA_VERSION already in $DIR/libs"
  exit 0
fi
for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool not found: the Kafka sink tests will be skipped" >&2
    exit 0
  fi
done
rm -rf "$DIR/libs"
mkdir -p "$DIR/libs"
cat >"$DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>flytectl.test</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -Dstyle.color=never -f "$DIR/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$DIR/libs"
compgen -G "$DIR/libs/kafka_2.13-*" >/dev/null || { echo "kafka_2.13 jar missing after download" >&2; exit 1; }
touch "$STAMP"
echo "kafka $KAFKA_VERSION: $(ls "$DIR/libs" | wc -l) jars in $DIR/libs"
