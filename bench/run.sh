#!/usr/bin/env bash
# Whole-process benchmarks: every command against the serde_json
# `IgnoredAny` parse of the same input (the parse limit), a SIMD parse
# (sonic-rs) and jq, all in one run. Runs alternate between the commands
# compared (bench/pairs.py), and each ratio is the median of pair-by-pair
# ratios, with its min-max as the noise. Writes BENCHMARKS.md.
#
#   bench/run.sh           full run (1M-participant rooms, 1 GB stream)
#   bench/run.sh --quick   small inputs only, under two minutes; writes
#                          target/bench/BENCHMARKS.quick.md
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }

data=bench/data
out=target/bench
mkdir -p "$out"
if [ $quick = 1 ]; then python3 bench/gen.py "$data" --quick; else python3 bench/gen.py "$data"; fi
cargo build --release --quiet
cargo build --release --quiet --example parse-baseline
# sonic-rs picks its SIMD code when it is compiled: the portable build
# the baseline shares with the tool gets little of it, so the faster limit
# is also measured as built for this CPU.
RUSTFLAGS="-C target-cpu=native" cargo build --release --quiet --example parse-baseline \
  --target-dir target/native
ri=target/release/room-inspector
base=target/release/examples/parse-baseline
native=target/native/release/examples/parse-baseline
now="--now 2025-01-01T00:00:00Z"

if [ $quick = 1 ]; then
  room=$data/room-100k.json; broken=$data/room-100k.json; stream=$data/stream-10k.ndjson
  big=""; table=$data/room-10k.json; runs=5
else
  room=$data/room-1m.json; broken=$data/room-1m-broken.json; stream=$data/stream-100k.ndjson
  big=$data/stream-1g.ndjson; table=$data/room-200k.json; runs=11
fi
sdk=$data/sdk.json

# jq programs doing the nearest equivalent job.
jq_shape='if (.id|type)=="string" and (.participants|type)=="object" and ([.participants[] | select((.joinedAt // 0 | type) != "number")] | length == 0) then empty else error("invalid") end'
jq_tsv='.participants[] | [.identity,.name,.joinedAt,.leftAt] | @tsv'

bench() { # name, runs, commands... (a command with " | cat" runs through a pipe)
  local name=$1 n=$2; shift 2
  python3 bench/pairs.py "$out/$name.json" "$n" 1 "$@"
}

bench validate "$runs" "$base $room" "$ri validate $now $room" "$ri validate $now $broken" \
  "$base --map $room" "$base --simd $room" "$native --simd $room"
bench stream "$runs" "$base $stream" "$ri validate $now $stream" "$base --map $stream" "$base --simd $stream" \
  "$ri participants $now --format csv --per-room $stream" "$ri timestamps $now --format ndjson $stream" \
  "$ri participants $now --format csv $stream" "$native --simd $stream"
bench participants "$runs" "$base $room" "$ri participants $now --format tsv $room" \
  "$ri participants $now --format tsv $room | cat"
bench timestamps "$runs" "$base $room" "$ri timestamps $now --format json $room" \
  "$ri timestamps $now --format json $room | cat"
# What the rules across participants cost: validate with them, without
# them, and without every rule about what the room means.
semantic=epoch-timestamp,joined-before-created,updated-before-activity,events-out-of-order,unknown-event
semantic=$semantic,deleted-inconsistent,present-after-finished,duplicate-identity,confusable-identity
bench rules "$runs" "$ri validate $now --ignore duplicate-identity,confusable-identity $room" \
  "$ri validate $now $room" "$ri validate $now --ignore $semantic $room"
# summary against validate of the same room; diff of two snapshots of it.
next=${room%.json}-next.json
[ -f "$next" ] || next=$room
bench summary "$runs" "$ri validate $now $room" "$ri summary $now $room" "$ri diff $now $room $next"
# Start-up: the parse of a 150-byte room is the bare binary.
bench startup 100 "$base $sdk" "$ri validate $now $sdk" "$ri participants $now $sdk" \
  "$ri timestamps $now $sdk" "$ri summary $now $sdk" "$ri diff $now $sdk $sdk" "jq -e . $sdk"
bench jq 2 "$base $room" "jq -r '$jq_shape' $room" "jq -r '$jq_tsv' $room"
# jaq, when installed (cargo install jaq), runs the same programs.
if command -v jaq >/dev/null; then
  bench jaq 2 "$base $room" "jaq -r '$jq_shape' $room" "jaq -r '$jq_tsv' $room"
else
  rm -f "$out/jaq.json"
fi

# Peak memory of every command and format on the room, and of the
# bordered table on the table-sized room.
rss() { /usr/bin/time -f %M "$@" >/dev/null 2>"$out/rss.txt" || true; tail -1 "$out/rss.txt"; }
{
  echo "baseline	$(rss $base $room)	$room"
  echo "validate	$(rss $ri validate $now $room)	$room"
  for f in table plain json ndjson csv tsv markdown; do
    echo "participants --format $f	$(rss $ri participants $now --format $f $room)	$room"
  done
  echo "participants --timeline	$(rss $ri participants $now --timeline --width 100 $room)	$room"
  for f in table plain json ndjson; do
    echo "timestamps --format $f	$(rss $ri timestamps $now --format $f $room)	$room"
  done
  for f in text json; do
    echo "summary --format $f	$(rss $ri summary $now --format $f $room)	$room"
  done
  echo "diff	$(rss $ri diff $now $room $next)	$room"
  echo "participants --format table	$(rss $ri participants $now --format table $table)	$table"
  if [ -n "$big" ]; then echo "validate	$(rss $ri validate $now $big)	$big"; fi
} > "$out/rss.tsv"

# No target may be met by skipping work: count what the broken room yields.
if [ -f "${broken%.json}.expected.txt" ]; then
  reported=$($ri validate $now --format json "$broken" | grep -c '"type":"diagnostic"' || true)
  echo "$reported $(wc -l < "${broken%.json}.expected.txt")" > "$out/broken.txt"
else
  rm -f "$out/broken.txt"
fi

# A quick run is for checking often; it does not replace the full table.
report=BENCHMARKS.md
[ $quick = 1 ] && report=$out/BENCHMARKS.quick.md
python3 bench/report.py "$out" "$room" "$broken" "$stream" "$quick" > "$report"
echo "wrote $report"
