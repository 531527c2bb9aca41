#!/usr/bin/env bash
# The local-mode fidelity benchmark (issue 12; a harness, not a test):
#   bench/fidelity.sh [cases=bench/fidelity/trino-docs.tsv] [report dir=target/fidelity]
# Runs every documented Trino result on embedded Trino, checks Hive bucket placement of a bucketed
# CTAS, prints the summary and writes <report dir>/report.md. Set SKIP_BUILD=1 to use built classes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw -q -B -o test-compile -pl src/cli -am
fi
# Local mode is Java 25 code (src/cli): JAVA25_HOME, else a JDK 25 in the usual place, else JAVA_HOME.
home="${JAVA25_HOME:-$(ls -d /usr/lib/jvm/*25* /Library/Java/JavaVirtualMachines/*25*/Contents/Home 2>/dev/null | head -n 1 || true)}"
home="${home:-${JAVA_HOME:-}}"
# Trino logs to stderr at INFO; its lines go to target/fidelity/trino.log, the summary to stdout.
mkdir -p target/fidelity
exec "${home:+$home/bin/}java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "target/cli/test-classes:target/cli/classes:$(cat target/cli/cli.classpath)" \
  dev.partitionbuilder.local.fidelity.FidelityBenchmark "$@" 2>target/fidelity/trino.log
