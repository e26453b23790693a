#!/usr/bin/env bash
# Chat-proxy benchmark on loopback: a fake upstream (FakeUpstreamMain, its own JVM) and the gateway
# (GatewayBenchMain) on 127.0.0.1; wrk posts chat completions with a ~1 KB user message (chat-1k.lua). Each
# request is scanned as input, forwarded, and the ~1 KB answer scanned as output. The gateway's request log is
# on (slf4j-simple at INFO, written to a file), as `botsec serve` ships it.
# The load generator and the fake upstream share the machine's cores with the gateway, so the script also reports
# the CPU time each of the three processes used during the measured run, per request (from /proc and bash's `time`):
# on 2 cores, 1,000 requests/s leaves at most 2 ms of CPU per request for all three together.
# Usage: botsec-server/bench/gateway-chat-bench.sh CLASSPATH GUARD [DURATION_SECONDS] [CONNECTIONS] [WARMUP_SECONDS]
#   CLASSPATH must include botsec-server/target/test-classes; GUARD is noop (gateway cost only) or default.
#   GATEWAY_JAVA_OPTS adds JVM options to the gateway (e.g. -XX:StartFlightRecording=... to profile it).
set -euo pipefail
CP="$1"; GUARD="$2"; DUR="${3:-30}"; CONN="${4:-8}"; WARM="${5:-15}"
PORT="${PORT:-18080}"; UP_PORT="${UP_PORT:-18090}"
HERE="$(cd "$(dirname "$0")" && pwd)"
java -Xms64m -Xmx64m -XX:+UseSerialGC -Dsun.net.httpserver.nodelay=true -cp "$CP" org.botsec.server.FakeUpstreamMain "$UP_PORT" > /tmp/botsec-bench-upstream.log 2>&1 &
UP=$!
# shellcheck disable=SC2086
java -Xms256m -Xmx256m -XX:+UseParallelGC ${GATEWAY_JAVA_OPTS:-} -cp "$CP" org.botsec.server.GatewayBenchMain "$PORT" "$GUARD" "http://127.0.0.1:$UP_PORT/v1" > /tmp/botsec-bench-server.log 2>&1 &
PID=$!
trap 'kill $PID $UP 2>/dev/null || true; wait $PID $UP 2>/dev/null || true' EXIT  # wait: the next run reuses the ports
for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"messages":[{"role":"user","content":"Is my parcel on its way?"}]}' \
  "http://127.0.0.1:$PORT/v1/chat/completions" || { echo "the chat proxy does not answer"; exit 1; }
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== warm-up ${WARM} s"; wrk -t2 -c"$CONN" -d"${WARM}s" -s "$HERE/chat-1k.lua" "http://127.0.0.1:$PORT/v1/chat/completions" >/dev/null
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)
GW0=$(cpu_ticks $PID); UP0=$(cpu_ticks $UP)
kill -WINCH $PID  # the gateway prints its guard's running CPU totals (GatewayBenchMain)
echo "== measured run ${DUR} s, 2 threads, $CONN connections"
TIMEFORMAT='%U %S'
{ time wrk -t2 -c"$CONN" -d"${DUR}s" --latency -s "$HERE/chat-1k.lua" "http://127.0.0.1:$PORT/v1/chat/completions" \
    > /tmp/botsec-bench-wrk.txt; } 2> /tmp/botsec-bench-wrk-cpu.txt
GW1=$(cpu_ticks $PID); UP1=$(cpu_ticks $UP)
kill -WINCH $PID; sleep 0.5
cat /tmp/botsec-bench-wrk.txt
REQS=$(awk '/requests in/ {print $1}' /tmp/botsec-bench-wrk.txt)
read -r WU WS < /tmp/botsec-bench-wrk-cpu.txt
awk -v r="$REQS" -v t="$TICK" -v g=$((GW1 - GW0)) -v u=$((UP1 - UP0)) -v wu="$WU" -v ws="$WS" -v d="$DUR" 'BEGIN {
  w = wu + ws; gs = g / t; us = u / t; all = gs + us + w;
  printf "== CPU during the measured run (user+sys), per request and share of 2 cores:\n";
  printf "   gateway  %7.1f s  %6.0f us/request  %5.1f %%\n", gs, gs * 1e6 / r, 50 * gs / d;
  printf "   upstream %7.1f s  %6.0f us/request  %5.1f %%\n", us, us * 1e6 / r, 50 * us / d;
  printf "   wrk      %7.1f s  %6.0f us/request  %5.1f %%\n", w, w * 1e6 / r, 50 * w / d;
  printf "   all three %6.1f s  %6.0f us/request  (2 cores give %.0f us/request at 1,000 requests/s)\n", all, all * 1e6 / r, 2000 }'
# guard_cpu DIRECTION SCANS NANOS lines, two snapshots per direction: the measured run's share of the gateway's CPU
grep -a -E '^guard_cpu (input|output) [0-9]+ [0-9]+$' /tmp/botsec-bench-server.log | tail -4 | awk -v r="$REQS" '
  { if ($2 in n0) { dn = $3 - n0[$2]; dt = $4 - t0[$2]; all += dt;
      printf "   of which the guard, %-6s %6.0f us/request (%d scans, %.0f us each)\n", $2, dt / 1e3 / r, dn, dn ? dt / 1e3 / dn : 0 }
    else { n0[$2] = $3; t0[$2] = $4 } }
  END { printf "   of which the guard, both   %6.0f us/request\n", all / 1e3 / r }'
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== RSS of the gateway: $(grep VmRSS /proc/$PID/status | awk '{print $2" "$3}')"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E 'verdicts_total|requests_total' | head
