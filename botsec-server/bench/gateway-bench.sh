#!/usr/bin/env bash
# Gateway benchmark on loopback: starts a gateway (GatewayBenchMain) on 127.0.0.1, warms up, then runs wrk
# with 1 KB scans against /v1/guard/input while sampling the server's RSS and heap.
# Usage: botsec-server/bench/gateway-bench.sh CLASSPATH GUARD [DURATION_SECONDS] [CONNECTIONS]
#   CLASSPATH must include botsec-server/target/test-classes; GUARD is noop (gateway cost only) or default.
set -euo pipefail
CP="$1"; GUARD="$2"; DUR="${3:-60}"; CONN="${4:-32}"; PORT="${PORT:-18080}"
HERE="$(cd "$(dirname "$0")" && pwd)"
java -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$CP" org.botsec.server.GatewayBenchMain "$PORT" "$GUARD" > /tmp/botsec-bench-server.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
curl -s -H 'Content-Type: application/json' -d "{\"text\":\"$(printf 'x%.0s' $(seq 1 10))\"}" "http://127.0.0.1:$PORT/v1/guard/input" >/dev/null
echo "== warm-up 15 s"; wrk -t2 -c"$CONN" -d15s -s "$HERE/scan-1k.lua" "http://127.0.0.1:$PORT/v1/guard/input" >/dev/null
jcmd $PID GC.run >/dev/null; sleep 1
echo "== start: RSS $(grep VmRSS /proc/$PID/status | awk '{print $2" "$3}'), heap used after GC: $(jcmd $PID GC.heap_info | grep -o 'used [0-9]*K' | tr -d K | awk '{s+=$2} END {print s " KiB (young+old)"}')"
( for i in $(seq 1 $((DUR / 10))); do sleep 10; echo "   t=$((i*10))s RSS $(grep VmRSS /proc/$PID/status | awk '{print $2" "$3}')"; done ) &
SAMPLER=$!
echo "== measured run ${DUR}s, 2 threads, $CONN connections"
wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s "$HERE/scan-1k.lua" "http://127.0.0.1:$PORT/v1/guard/input"
wait $SAMPLER || true
jcmd $PID GC.run >/dev/null; sleep 1
echo "== end: RSS $(grep VmRSS /proc/$PID/status | awk '{print $2" "$3}'), heap used after GC: $(jcmd $PID GC.heap_info | grep -o 'used [0-9]*K' | tr -d K | awk '{s+=$2} END {print s " KiB (young+old)"}')"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E 'verdicts_total|requests_total' | head
