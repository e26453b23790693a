#!/usr/bin/env bash
# Two bin/botsec launchers (e.g. main's checkout and this one) running the same command, timed as whole processes in
# turn A B A B ... after one untimed run each (which builds each jar's class-data sharing archive). Prints, per
# launcher, the median wall time, CPU time (user + system, all threads) and peak RSS, and the median of the pairwise
# ratios B/A, which holds up better than either median when other jobs share the machine. Uses /usr/bin/time.
#   A=/tmp/botsec-main/bin/botsec B=bin/botsec RUNS=15 botsec-bench/startup-compare.sh explain lime-text \
#       --model sentiment.safetensors --text "The movie was awesome!" --num-features 10 --html lime.html
# Each launcher keeps its archives in its own cache folder (under $TMPDIR), so both run as a user's second call does.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
a="${A:?set A to the first launcher (e.g. an older checkout of bin/botsec)}"
b="${B:-$root/bin/botsec}"
runs="${RUNS:-11}"
work="$(mktemp -d "${TMPDIR:-/tmp}/botsec-startup.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cache-a" "$work/cache-b"

run() { # launcher cache out: one timed run, appends "wall user sys maxrss_kb" to out
  BOTSEC_CACHE_DIR="$2" /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$1" "${args[@]}" >/dev/null 2>"$work/err" || {
    echo "command failed with $1:" >&2; cat "$work/err" >&2; exit 1; }
  cat "$work/t" >> "$3"
}
args=("$@")
run "$a" "$work/cache-a" "$work/warm"
run "$b" "$work/cache-b" "$work/warm"
for _ in $(seq "$runs"); do
  run "$a" "$work/cache-a" "$work/a"
  run "$b" "$work/cache-b" "$work/b"
done
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
report() { # file label
  printf '%s: wall %.3f s, CPU %.3f s, peak RSS %.1f MB (median of %d)\n' "$2" \
    "$(awk '{print $1}' "$1" | median)" "$(awk '{print $2 + $3}' "$1" | median)" \
    "$(awk '{print $4 / 1024}' "$1" | median)" "$runs"
}
echo "botsec ${args[*]}"
report "$work/a" "A $a"
report "$work/b" "B $b"
printf 'B/A median of %d pairs: wall %.3f, CPU %.3f; load average %s\n' "$runs" \
  "$(paste "$work/a" "$work/b" | awk '{print $5 / $1}' | median)" \
  "$(paste "$work/a" "$work/b" | awk '{print ($6 + $7) / ($2 + $3)}' | median)" "$(cut -d' ' -f1-3 /proc/loadavg)"
