#!/usr/bin/env bash
# Chat-proxy benchmark on loopback: a fake upstream (FakeUpstreamMain, its own JVM) and the gateway
# (GatewayBenchMain) on 127.0.0.1; wrk posts chat completions with a ~1 KB user message (chat-1k.lua). Each
# request is scanned as input, forwarded, and the ~1 KB answer scanned as output. The gateway's request log is
# on (slf4j-simple at INFO, written to a file), as `botsec serve` ships it.
# Usage: botsec-server/bench/gateway-chat-bench.sh CLASSPATH GUARD [DURATION_SECONDS] [CONNECTIONS] [WARMUP_SECONDS]
#   CLASSPATH must include botsec-server/target/test-classes; GUARD is noop (gateway cost only) or default.
set -euo pipefail
CP="$1"; GUARD="$2"; DUR="${3:-30}"; CONN="${4:-8}"; WARM="${5:-15}"
PORT="${PORT:-18080}"; UP_PORT="${UP_PORT:-18090}"
HERE="$(cd "$(dirname "$0")" && pwd)"
java -Xms64m -Xmx64m -XX:+UseSerialGC -Dsun.net.httpserver.nodelay=true -cp "$CP" org.botsec.server.FakeUpstreamMain "$UP_PORT" > /tmp/botsec-bench-upstream.log 2>&1 &
UP=$!
java -Xms256m -Xmx256m -XX:+UseParallelGC -cp "$CP" org.botsec.server.GatewayBenchMain "$PORT" "$GUARD" "http://127.0.0.1:$UP_PORT/v1" > /tmp/botsec-bench-server.log 2>&1 &
PID=$!
trap 'kill $PID $UP 2>/dev/null || true' EXIT
for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"messages":[{"role":"user","content":"Is my parcel on its way?"}]}' \
  "http://127.0.0.1:$PORT/v1/chat/completions" || { echo "the chat proxy does not answer"; exit 1; }
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== warm-up ${WARM} s"; wrk -t2 -c"$CONN" -d"${WARM}s" -s "$HERE/chat-1k.lua" "http://127.0.0.1:$PORT/v1/chat/completions" >/dev/null
echo "== measured run ${DUR} s, 2 threads, $CONN connections"
wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s "$HERE/chat-1k.lua" "http://127.0.0.1:$PORT/v1/chat/completions"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== RSS of the gateway: $(grep VmRSS /proc/$PID/status | awk '{print $2" "$3}')"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E 'verdicts_total|requests_total' | head
