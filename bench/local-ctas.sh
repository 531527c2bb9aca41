#!/usr/bin/env bash
# The local CTAS benchmark (a harness, not a test): bench/local-ctas.sh [events=1000000] [rounds=3] [dir=target/bench]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -DskipTests test-compile process-classes
exec java -cp "target/test-classes:target/classes:$(cat target/cli.classpath)" \
  dev.partitionbuilder.local.LocalCtasBenchmark "$@"
