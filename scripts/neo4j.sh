#!/usr/bin/env bash
# Neo4j 5.26 LTS assembled from Neo4j's own artifacts on Maven Central (no Docker, no tarball).
#
#   scripts/neo4j.sh fetch              resolve the server's jars into the cache (idempotent)
#   scripts/neo4j.sh lib                print the lib directory (fetching first when needed)
#   scripts/neo4j.sh start HOME [PORT]  run a server in the foreground, its files under HOME
#                                       (conf, data, logs; password in HOME/password)
#
# The jars (about 125 MB) live outside the clone, in $REELGRAPH_NEO4J_CACHE
# (default ~/.cache/reelgraph/neo4j), so a machine fetches them once. Java 17 and Maven are
# needed; Debian's openjdk-17-jre-headless and maven are installed when missing and permitted
# (REELGRAPH_NO_APT=1 forbids it).
set -euo pipefail
cd "$(dirname "$0")/.."

NEO4J_VERSION=${NEO4J_VERSION:-5.26.30}
CACHE=${REELGRAPH_NEO4J_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reelgraph/neo4j}
LIB="$CACHE/$NEO4J_VERSION/lib"

apt_install() {  # apt_install PACKAGE... when root or password-less sudo allows it
  local sudo
  [ "${REELGRAPH_NO_APT:-}" = 1 ] && return 1
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else return 1; fi
  command -v apt-get >/dev/null || return 1
  echo "neo4j: installing $* with apt-get" >&2
  $sudo apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "$@" >/dev/null
  }
}

java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}

need_java() {
  if ! command -v java >/dev/null 2>&1; then
    apt_install openjdk-17-jre-headless || {
      echo "neo4j: java is missing; install Java 17 (Debian: apt-get install openjdk-17-jre-headless)" >&2
      exit 1
    }
  fi
  local major
  major=$(java_major)
  if [ "${major:-0}" != 17 ] && [ "${major:-0}" != 21 ]; then
    echo "neo4j: Neo4j $NEO4J_VERSION needs Java 17 or 21 as 'java' (found ${major:-none}); set PATH or JAVA_HOME" >&2
    exit 1
  fi
}

need_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  apt_install maven || {
    echo "neo4j: mvn is missing; install Maven (Debian: apt-get install maven)" >&2
    exit 1
  }
}

fetch() {
  if [ -f "$LIB/.complete" ]; then
    return 0
  fi
  need_java
  need_maven
  mkdir -p "$CACHE/$NEO4J_VERSION"
  local tmp
  tmp=$(mktemp -d "$CACHE/$NEO4J_VERSION/fetch.XXXXXX")
  trap 'rm -rf "$tmp"' RETURN
  # A pom-typed dependency: Maven resolves the assembler's runtime jars, not its test scope.
  cat > "$tmp/neo4j-dist.pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>neo4j-dist</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>org.neo4j.assembly</groupId>
    <artifactId>neo4j-community-standalone</artifactId><version>$NEO4J_VERSION</version>
    <type>pom</type></dependency></dependencies></project>
POM
  echo "neo4j: fetching Neo4j $NEO4J_VERSION from Maven Central into $CACHE" >&2
  local started=$SECONDS
  if ! mvn -q -B -f "$tmp/neo4j-dist.pom" dependency:copy-dependencies \
      -DoutputDirectory="$tmp/lib" -DincludeScope=runtime -DexcludeTypes=pom \
      -DexcludeGroupIds=org.ow2.asm >"$tmp/mvn.log" 2>&1; then
    tail -20 "$tmp/mvn.log" >&2
    echo "neo4j: Maven could not resolve org.neo4j.assembly:neo4j-community-standalone:$NEO4J_VERSION" >&2
    exit 1
  fi
  # lib/ = the server's runtime jars; the boot class must be among them
  if ! ls "$tmp/lib"/neo4j-server-*.jar >/dev/null 2>&1; then
    echo "neo4j: the resolved jars lack neo4j-server; not a server assembly" >&2
    exit 1
  fi
  rm -rf "$LIB"
  mv "$tmp/lib" "$LIB"
  touch "$LIB/.complete"
  echo "neo4j: $(ls "$LIB"/*.jar | wc -l) jars, $(du -sh "$LIB" | cut -f1), in $((SECONDS - started)) s" >&2
}

case "${1:-}" in
  fetch)
    fetch
    ;;
  lib)
    fetch
    echo "$LIB"
    ;;
  start)
    [ $# -ge 2 ] || { echo "usage: $0 start HOME [PORT]" >&2; exit 2; }
    fetch
    need_java
    PY=${PY:-.venv/bin/python}
    exec "$PY" -m graph.embedded.neo4j_server --home "$2" --port "${3:-7687}" --lib "$LIB"
    ;;
  *)
    echo "usage: $0 fetch | lib | start HOME [PORT]" >&2
    exit 2
    ;;
esac
