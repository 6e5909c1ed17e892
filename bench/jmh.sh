#!/usr/bin/env bash
# Caravan micro-benchmarks (JMH): the hot-path steps one by one, in-process, no network.
#
#   bash bench/jmh.sh                          # all of them, about 2-3 minutes
#   bash bench/jmh.sh TokenValidation          # a regexp selects benchmarks
#   bash bench/jmh.sh -f 3 -i 10 -r 5s         # any JMH option; given ones replace the defaults
#   bash bench/jmh.sh -l                       # list them
#
# It compiles the tests (JMH's annotation processor generates the harness then), builds the
# test classpath once per pom.xml change, runs org.openjdk.jmh.Main on it, and writes the
# printed table to bench/results/jmh-<time>/results.txt and JMH's JSON beside it.
# The benchmark classes are in src/test/java/dev/caravan/bench; bench/README.md explains them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

mvn -q -B -ntp -Dstyle.color=never test-compile
CLASSPATH_FILE="$ROOT/target/jmh.classpath"
if [ ! -s "$CLASSPATH_FILE" ] || [ "$ROOT/pom.xml" -nt "$CLASSPATH_FILE" ]; then
  mvn -q -B -ntp -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CLASSPATH_FILE"
fi
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$CLASSPATH_FILE")"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK="$ROOT/bench/results/jmh-$STAMP"
mkdir -p "$WORK"

# Defaults that finish in 2-3 minutes; JMH refuses an option given twice, so a default is
# added only when the caller did not give that option.
given() { local opt=$1; shift; for arg in "$@"; do [ "$arg" = "$opt" ] && return 0; done; return 1; }
DEFAULTS=()
add_default() { given "$1" "${@:3}" || DEFAULTS+=("$1" "$2"); }
add_default -f 1 "$@"
add_default -wi 3 "$@"
add_default -i 5 "$@"
add_default -w 1s "$@"
add_default -r 2s "$@"
add_default -rf json "$@"
add_default -rff "$WORK/results.json" "$@"

{
  echo "# bash bench/jmh.sh $*"
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo '+dirty'), $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)"
  echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
} | tee "$WORK/results.txt"

"$JAVA" -cp "$CP" org.openjdk.jmh.Main "${DEFAULTS[@]}" "$@" 2>&1 | tee -a "$WORK/results.txt"
echo "results: $WORK"
