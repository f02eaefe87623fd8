#!/usr/bin/env bash
# A local Neo4j 5.26 LTS Community for tests and local use (embedded DBMS + Bolt, no auth).
#
#   scripts/neo4j.sh start    build once (Maven), start, wait for Bolt; last line: bolt://…
#   scripts/neo4j.sh stop     stop the server started by `start` (by its PID), delete its data
#   scripts/neo4j.sh status   print the URI if running (exit 1 if not)
#
# Environment: NEO4J_BOLT_PORT (default 7687, or a free port when 7687 is taken),
# NEO4J_HEAP (JVM -Xmx, default 1g), CHAINATLAS_NEO4J_STATE (pid/log/data directory,
# default $TMPDIR/chainatlas-neo4j-$UID), JAVA (default: $JAVA_HOME/bin/java or java on PATH).
# The data lives in a fresh temporary directory per start; the log is <state>/neo4j.log.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proj="$here/neo4j"
state="${CHAINATLAS_NEO4J_STATE:-${TMPDIR:-/tmp}/chainatlas-neo4j-$(id -u)}"
pidfile="$state/neo4j.pid"
urifile="$state/uri"
log="$state/neo4j.log"

say() { echo "neo4j.sh: $*" >&2; }

java_bin() {
  if [ -n "${JAVA:-}" ]; then echo "$JAVA"
  elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then command -v java
  else return 1; fi
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  if port_free 7687; then echo 7687; return; fi
  for p in $(seq 17687 17787); do port_free "$p" && { echo "$p"; return; }; done
  say "no free port found for Bolt; set NEO4J_BOLT_PORT"; exit 1
}

build() {  # resolve the classpath once with Maven, cached in target/ (rebuilt when pom/java change)
  local cp="$proj/target/classpath.txt" jar="$proj/target/chainatlas-neo4j-1.0.jar"
  if [ -f "$cp" ] && [ -f "$jar" ] && [ -z "$(find "$proj/pom.xml" "$proj/src" -newer "$jar" -type f)" ]; then
    return
  fi
  command -v mvn >/dev/null 2>&1 || { say "Maven is missing: apt-get install maven"; exit 3; }
  say "building the launcher and resolving Neo4j from Maven Central (first run only) …"
  mvn -q -B -Dstyle.color=never -f "$proj/pom.xml" package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt >&2
}

start() {
  mkdir -p "$state"
  if running; then cat "$urifile"; return; fi
  local java; java="$(java_bin)" || { say "Java 17+ is missing: apt-get install default-jdk-headless"; exit 3; }
  build
  local port="${NEO4J_BOLT_PORT:-$(free_port)}"
  port_free "$port" || { say "port $port is taken; set NEO4J_BOLT_PORT"; exit 1; }
  local data; data="$(mktemp -d "${TMPDIR:-/tmp}/chainatlas-neo4j-data.XXXXXX")"
  echo "$data" > "$state/data_dir"
  say "starting Neo4j on 127.0.0.1:$port (data $data, log $log)"
  nohup "$java" "-Xmx${NEO4J_HEAP:-1g}" -XX:+UseG1GC \
      -cp "$proj/target/chainatlas-neo4j-1.0.jar:$(cat "$proj/target/classpath.txt")" \
      chainatlas.Neo4jMain "$data" "$port" > "$log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  local uri="bolt://127.0.0.1:$port"
  for _ in $(seq 1 240); do
    if ! running; then say "Neo4j exited during start; last lines of $log:"; tail -20 "$log" >&2; rm -f "$pidfile"; exit 1; fi
    if grep -q '^READY ' "$log" && ! port_free "$port"; then
      echo "$uri" > "$urifile"
      echo "$uri"
      return
    fi
    sleep 0.5
  done
  say "Neo4j did not answer on $uri within 120 s; see $log"; stop; exit 1
}

stop() {
  if ! [ -f "$pidfile" ]; then say "not running"; return; fi
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  [ -f "$state/data_dir" ] && rm -rf "$(cat "$state/data_dir")" "$state/data_dir"
  rm -f "$pidfile" "$urifile"
  say "stopped (pid $pid)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then cat "$urifile"; else say "not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
