#!/usr/bin/env bash
# The copy-based replace of a projected month (a harness, not a test):
#   bench/replace.sh [latency ms=50] [files=500] [copy threads=1,8,16,32,64]
# One build per pool size through PartitionBuilder, with the production S3 client and S3ObjectStore
# against s3proxy behind a proxy that adds the latency to every request; prints the replace step's
# time, the old-and-new window and the requests by operation. Set SKIP_BUILD=1 to use built classes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw -o -q -B test-compile -pl src/lambda
  ./mvnw -o -q -B -pl src/lambda dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/target/test.classpath"
fi
# s3proxy needs jackson-annotations 2.22 (as surefire swaps it in; see src/lambda/pom.xml).
annotations="$HOME/.m2/repository/com/fasterxml/jackson/core/jackson-annotations/2.22/jackson-annotations-2.22.jar"
[ -f "$annotations" ] || ./mvnw -q -B dependency:get -Dartifact=com.fasterxml.jackson.core:jackson-annotations:2.22 >/dev/null
cp="$(tr ':' '\n' < target/test.classpath | grep -v '/jackson-annotations/' | paste -sd:):$annotations"
# The builder logs each step at INFO; the table goes to stdout.
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/test-classes:target/classes:$cp" \
  dev.partitionbuilder.aws.ReplaceBenchmark "$@"
