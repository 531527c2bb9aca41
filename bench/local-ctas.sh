#!/usr/bin/env bash
# The local CTAS benchmark (a harness, not a test): bench/local-ctas.sh [events=1000000] [rounds=3] [dir=target/bench]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B -DskipTests test-compile
# Local mode is Java 25 code (src/cli): JAVA25_HOME, else a JDK 25 in the usual place, else JAVA_HOME.
home="${JAVA25_HOME:-$(ls -d /usr/lib/jvm/*25* /Library/Java/JavaVirtualMachines/*25*/Contents/Home 2>/dev/null | head -n 1 || true)}"
home="${home:-${JAVA_HOME:-}}"
exec "${home:+$home/bin/}java" --enable-native-access=ALL-UNNAMED \
  -cp "target/cli/test-classes:target/test-classes:target/cli/classes:$(cat target/cli/cli.classpath)" \
  dev.partitionbuilder.local.LocalCtasBenchmark "$@"
