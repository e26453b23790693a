#!/usr/bin/env bash
# Wall time of a bin/botsec command as a user pays it: one warm-up run (it may build the jar or the class-data
# sharing archive), then N timed runs (default 10); prints the median, min and max wall time and the median CPU
# time (user + system, all threads), which depends less on other jobs sharing the machine than wall time does.
#   botsec-bench/startup-time.sh --version
#   RUNS=20 botsec-bench/startup-time.sh explain lime-text --model s.safetensors --text awesome
# LAUNCHER=path/to/botsec times another launcher (e.g. an older checkout's) with the same arguments.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher="${LAUNCHER:-$root/bin/botsec}"
runs="${RUNS:-10}"
"$launcher" "$@" >/dev/null 2>&1 || true
times=()
cpus=()
ticks=$(getconf CLK_TCK)
for _ in $(seq "$runs"); do
  read -r -a before < <(cut -d' ' -f16,17 /proc/$$/stat)   # children's user and system ticks so far
  start=$(date +%s%N)
  "$launcher" "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  read -r -a after < <(cut -d' ' -f16,17 /proc/$$/stat)
  times+=("$(( (end - start) / 1000000 ))")
  cpus+=("$(( (after[0] + after[1] - before[0] - before[1]) * 1000 / ticks ))")
done
median() {
  local sorted n
  sorted=($(printf '%s\n' "$@" | sort -n))
  n=${#sorted[@]}
  if (( n % 2 )); then echo "${sorted[n / 2]}"; else echo $(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 )); fi
}
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
m=$(median "${times[@]}")
c=$(median "${cpus[@]}")
printf 'botsec %s: wall median %d.%03d s (min %d.%03d, max %d.%03d), CPU median %d.%03d s, %d runs, load average %s\n' \
  "$*" $((m / 1000)) $((m % 1000)) $((sorted[0] / 1000)) $((sorted[0] % 1000)) \
  $((sorted[n - 1] / 1000)) $((sorted[n - 1] % 1000)) $((c / 1000)) $((c % 1000)) "$n" "$(cut -d' ' -f1-3 /proc/loadavg)"
