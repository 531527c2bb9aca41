#!/usr/bin/env bash
# Cold-start harness (not a test): bench/cold-start.sh [runs=5] [path/to/java ...]
# Each run is a new JVM on the Lambda zip's contents, against in-JVM S3/Athena/Glue stand-ins.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The Lambda module alone (src/lambda): the JDK that runs Maven is enough.
./mvnw -q -B -DskipTests -pl src/lambda package
./mvnw -q -B -pl src/lambda dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/target/test.classpath"
# s3proxy needs jackson-annotations 2.22 (as surefire swaps it in; see src/lambda/pom.xml).
annotations="$HOME/.m2/repository/com/fasterxml/jackson/core/jackson-annotations/2.22/jackson-annotations-2.22.jar"
[ -f "$annotations" ] || ./mvnw -q -B dependency:get -Dartifact=com.fasterxml.jackson.core:jackson-annotations:2.22 >/dev/null
cp="$(tr ':' '\n' < target/test.classpath | grep -v '/jackson-annotations/' | paste -sd:):$annotations"
exec java -cp "target/test-classes:target/classes:$cp" dev.partitionbuilder.lambda.ColdStartBenchmark "$@"
