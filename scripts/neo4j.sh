#!/usr/bin/env bash
# Start, stop or query a local Neo4j Community 5.26 (embedded, Bolt only, 127.0.0.1, auth on).
#
#   bash scripts/neo4j.sh start    build the launcher if needed, start, wait for Bolt, print the env
#   bash scripts/neo4j.sh stop     stop it cleanly
#   bash scripts/neo4j.sh status   exit 0 and print the env if it is running
#   bash scripts/neo4j.sh env      print NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD lines for eval
#
# State lives in $KG_NEO4J_DIR (default .neo4j/dev): home/ (data, logs), pid, port, log.
# The launcher is built with Maven from Maven Central only (tools/neo4j); the first build downloads
# the org.neo4j jars into ~/.m2, later builds are offline.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOL="$ROOT/tools/neo4j"
STATE="${KG_NEO4J_DIR:-$ROOT/.neo4j/dev}"
PASSWORD="${NEO4J_PASSWORD:-kg-neo4j-password}"
START_TIMEOUT="${KG_NEO4J_START_TIMEOUT:-180}"

log() { echo "neo4j.sh: $*" >&2; }

running() {
    # The pid must still be our launcher, not a recycled pid of something else.
    [[ -f "$STATE/pid" ]] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null \
        && tr '\0' ' ' < "/proc/$(cat "$STATE/pid")/cmdline" 2>/dev/null | grep -q kg.neo4j.Launcher
}

alive() {
    # Whether the child just started is still there (not gone, not a zombie). Not `running`:
    # until the forked shell has exec'd java its command line is this script's.
    [[ -r "/proc/$1/stat" ]] && [[ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != Z ]]
}

print_env() {
    echo "NEO4J_URI=bolt://127.0.0.1:$(cat "$STATE/port")"
    echo "NEO4J_USER=neo4j"
    echo "NEO4J_PASSWORD=$PASSWORD"
}

build() {
    local stamp="$TOOL/target/.built"
    if [[ -f "$stamp" && "$stamp" -nt "$TOOL/pom.xml" && -z "$(find "$TOOL/src" -newer "$stamp" -type f)" ]]; then
        return
    fi
    command -v mvn >/dev/null || { log "mvn not found (Maven is needed to build the launcher)"; exit 1; }
    log "building the launcher (first run downloads Neo4j from Maven Central)"
    mvn -q -B -Dstyle.color=never -f "$TOOL/pom.xml" package -DskipTests >&2
    touch "$stamp"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    if running; then
        log "already running (pid $(cat "$STATE/pid"))"
        print_env
        return
    fi
    command -v java >/dev/null || { log "java not found (Java 17 is needed)"; exit 1; }
    build
    mkdir -p "$STATE"
    local port
    port="$(free_port)"
    echo "$port" > "$STATE/port"
    # JVM options: the --add-opens and flags Neo4j's own launcher passes (without them its page
    # cache runs in a slower "fallback mode" and transaction-log file advice fails), and the
    # throughput collector with a 2 GB young generation: a load's transaction state is garbage
    # after commit, and G1 spent about 2 s of CPU per benchmark load and clear on it (this 4x less).
    local jvm=(-XX:+UseParallelGC -Xms4g -Xmx4g -Xmn2g -XX:-OmitStackTraceInFastThrow
               -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC
               -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
               --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
               --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
               -Dlog4j2.disable.jmx=true)
    # Emptied here, not by the child's redirection: the loop below must not read the READY line
    # of the previous run before the child has opened the log.
    : > "$STATE/log"
    # setsid: the server must outlive this script and not get the caller's Ctrl-C.
    setsid java "${jvm[@]}" -cp "$TOOL/target/classes:$TOOL/target/lib/*" kg.neo4j.Launcher \
        "$STATE/home" "$port" "$PASSWORD" > "$STATE/log" 2>&1 < /dev/null &
    echo $! > "$STATE/pid"
    local waited=0
    until grep -q '^READY' "$STATE/log" 2>/dev/null; do
        if ! alive "$(cat "$STATE/pid")"; then
            log "Neo4j exited during start-up; last lines of $STATE/log:"
            tail -20 "$STATE/log" >&2
            rm -f "$STATE/pid"
            exit 1
        fi
        if (( waited >= START_TIMEOUT )); then
            log "Bolt did not answer within ${START_TIMEOUT}s; see $STATE/log"
            stop
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    # READY is printed after a login succeeded in-process; check the socket from outside too.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { log "port $port does not answer"; stop; exit 1; }
    log "started on bolt://127.0.0.1:$port in ${waited}s (pid $(cat "$STATE/pid"))"
    print_env
}

stop() {
    if ! running; then
        rm -f "$STATE/pid"
        log "not running"
        return
    fi
    local pid
    pid="$(cat "$STATE/pid")"
    kill "$pid"
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop in 60s; killing it"
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/pid"
    log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if running; then print_env; else log "not running"; exit 1; fi ;;
    env) running || { log "not running"; exit 1; }; print_env ;;
    build) build ;;
    *) echo "usage: $0 start|stop|status|env|build" >&2; exit 2 ;;
esac
