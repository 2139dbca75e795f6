"""Turns bench/run.sh's measurements (bench/pairs.py) into BENCHMARKS.md."""
import json, os, platform, statistics, subprocess, sys

out, room, broken, stream, quick = sys.argv[1:6]

def load(name):
    with open(os.path.join(out, name + ".json")) as f:
        return json.load(f)["results"]

def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except Exception:
        return "not installed"

def ms(seconds):
    return f"{seconds*1000:.2f}" if seconds < 0.01 else f"{seconds*1000:.0f}"

mb = lambda path: os.path.getsize(path) / 1e6
base = os.path.basename
rows = []
figures = {}

def row(job, inp, r, baseline, target, size=None, against="parse"):
    """One line: r's times, and r against baseline pair by pair (round by round)."""
    med = statistics.median(r["times"])
    ratios = [a / b for a, b in zip(r["times"], baseline["times"])]
    ratio = statistics.median(ratios)
    figures[job + " " + inp] = ratio
    speed = f"{size / med:.0f}" if size else ""
    met = ""
    if target.startswith("<= "):
        met = "yes" if ratio <= float(target.split()[1].rstrip("x")) else "no"
    spread = f"{ms(min(r['times']))}–{ms(max(r['times']))}"
    rows.append(
        f"| {job} | {inp} | {ms(med)} ms ({spread}) | {ms(statistics.mean(r['cpu']))} ms "
        f"| {ms(statistics.median(baseline['times']))} ms ({against}) "
        f"| **{ratio:.2f}x** ({min(ratios):.2f}–{max(ratios):.2f}) | {speed} | {target} | {met} |"
    )

v = load("validate")
row("validate", base(room), v[1], v[0], "<= 0.75x parse", mb(room))
row("validate, 0.1% broken", base(broken), v[2], v[1], "<= 1.5x valid run", mb(broken), "valid run")
row("validate vs the parse of the file mapped", base(room), v[1], v[3], "for reference", mb(room), "mapped parse")
row("SIMD parse (sonic-rs)", base(room), v[4], v[0], "for reference", mb(room))
row("validate vs the SIMD parse", base(room), v[1], v[4], "for reference", mb(room), "SIMD parse")
row("SIMD parse (sonic-rs), built for this CPU", base(room), v[5], v[0], "for reference", mb(room))
row("validate vs the SIMD parse built for this CPU", base(room), v[1], v[5], "for reference", mb(room), "native SIMD parse")
s = load("stream")
row("validate", base(stream), s[1], s[0], "<= 0.7x parse", mb(stream))
row("validate vs the parse of the file mapped", base(stream), s[1], s[2], "for reference", mb(stream), "mapped parse")
row("SIMD parse (sonic-rs)", base(stream), s[3], s[0], "for reference", mb(stream))
row("SIMD parse (sonic-rs), built for this CPU", base(stream), s[7], s[0], "for reference", mb(stream))
row("participants --format csv --per-room", base(stream), s[4], s[0], "for reference", mb(stream))
row("participants --format csv (sorted across rooms)", base(stream), s[6], s[0], "for reference", mb(stream))
row("timestamps --format ndjson", base(stream), s[5], s[0], "for reference", mb(stream))
p = load("participants")
row("participants --format tsv", base(room), p[1], p[0], "for reference", mb(room))
row("participants --format tsv, through a pipe", base(room), p[2], p[0], "<= 1.5x parse", mb(room))
t = load("timestamps")
row("timestamps --format json", base(room), t[1], t[0], "for reference", mb(room))
row("timestamps --format json, through a pipe", base(room), t[2], t[0], "<= 1.5x parse", mb(room))
ru = load("rules")
row("validate: duplicate-identity and confusable-identity", base(room), ru[1], ru[0], "<= 1.1x without them", mb(room), "without")
row("validate: every room-semantics rule", base(room), ru[1], ru[2], "for reference", mb(room), "without")
sm = load("summary")
row("summary", base(room), sm[1], sm[0], "<= 1.3x validate", mb(room), "validate")
diffed = sm[2]["command"].split()[-1]
row("diff", f"{base(room)} vs {base(diffed)}", sm[2], sm[0], "<= 2.5x validate", mb(room), "validate")
st = load("startup")
for r in st[1:6]:
    row(r["command"].split()[1] + " (start-up)", "sdk.json (150 B)", r, st[0], "<= 1.2x bare binary", against="bare binary")
row("jq -e . (start-up)", "sdk.json (150 B)", st[6], st[0], "for reference", against="bare binary")
j = load("jq")
row("jq shape check", base(room), j[1], j[0], "for reference", mb(room))
row("jq @tsv participants", base(room), j[2], j[0], "for reference", mb(room))
if os.path.exists(os.path.join(out, "jaq.json")):
    q = load("jaq")
    row("jaq shape check", base(room), q[1], q[0], "for reference", mb(room))
    row("jaq @tsv participants", base(room), q[2], q[0], "for reference", mb(room))
tsv_vs_jq = statistics.median(j[2]["times"]) / statistics.median(p[1]["times"])
broken_note = ""
if os.path.exists(os.path.join(out, "broken.txt")):
    got, expected = open(os.path.join(out, "broken.txt")).read().split()
    broken_note = f"\nThe 0.1%-broken room: {got} diagnostics reported for {expected} injected problems, each with line:col.\n"

rss_lines = []
with open(os.path.join(out, "rss.tsv")) as f:
    for line in f:
        name, kib, path = line.rstrip("\n").split("\t")
        size = os.path.getsize(path)
        ratio = int(kib) * 1024 / size
        if name == "baseline":
            target = ""
        elif size > 512 << 20:
            target = "<= 64 MiB: " + ("met" if int(kib) <= 64 * 1024 else "not met")
        elif path != room:
            target = "<= 2x the file: " + ("met" if ratio <= 2 else "not met")
        else:
            target = "<= 1.3x the file: " + ("met" if ratio <= 1.3 else "not met")
        rss_lines.append(f"| {name} | {base(path)} | {int(kib)/1024:.0f} MiB | {size/2**20:.0f} MiB | {ratio:.2f}x | {target} |")

print(f"""# Benchmarks

Whole-process times from one run of `bench/run.sh{' --quick' if quick == '1' else ''}`. The commands of each
group run in alternation (`bench/pairs.py`: every round runs each command
once), so each ratio is the median of the ratios of runs made side by side,
round by round; the range after it is the lowest and highest of those
ratios, the noise of this machine. Times are the median, with the fastest
and slowest run.

The baseline ("parse"; `bench/baseline.rs`, built as the `parse-baseline`
example) reads the file and parses it with serde_json into
`serde::de::IgnoredAny`: the parse limit the targets are set against. The
"SIMD parse" rows parse the same way with sonic-rs, the faster limit:
once as built with the tool (portable x86-64, the build users get), once
built with `-C target-cpu=native`, where sonic-rs compiles in the AVX2 and
carry-less multiply code it is fast with.

Reproduce: `bench/run.sh` (full: generates ~1.7 GB under bench/data first) or
`bench/run.sh --quick` (small inputs, under two minutes).

Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}.
Tools: Python {platform.python_version()}; {version(['jq', '--version'])}; jaq: {version(['jaq', '--version'])}.

The two "validate:" rows compare validate with the rules they name and
without them (`--ignore`), so the ratio is what those rules cost. The
"through a pipe" rows send the output to `cat`, the way users read it;
`cat`'s time counts.

Start-up includes loading the Unicode data of the confusable check
(unicode-security and unicode-normalization: tables of pointers, which a
position-independent build has the loader relocate at every start; the
binary is linked at a fixed address on Linux for that reason).

"CPU" is user + system time (mean, of every process of the run), which is
larger than the wall-clock time where a second thread works alongside.

The tool maps files of 1 MiB and more instead of reading them, which saves
the copy that the baseline pays for. The rows "vs the parse of the file
mapped" compare with a baseline that maps the file too (`parse-baseline
--map`), for a view of the tool's own cost. Reading instead of mapping,
measured when it was weighed as the cure for SIGBUS on a truncated file,
made validate on room-1m.json 1.41x slower (all of it system time) and on
stream-100k.ndjson 1.26x; a SIGBUS handler that reports the truncation and
exits with 2 costs one `sigaction` per run, so the map stayed.

| job | input | time | CPU | against | ratio (noise) | MB/s | target | met |
|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + f"""

`participants --format tsv` is {tsv_vs_jq:.1f}x faster than the jq one-liner
`jq -r '.participants[] | [.identity,.name,.joinedAt,.leftAt] | @tsv'`
(target: at least 10x; {"met" if tsv_vs_jq >= 10 else "not met"}).
""" + broken_note + """
In-process timings of the walk alone (divan, generated 100k-participant
room): `cargo bench --bench walk`.

## Peak memory (`/usr/bin/time -f %M`)

Every command and format on the room; the bordered table also on the
200,000-participant room, whose target is set apart; validate on the 1 GB
stream, whose memory must not grow with it.

| run | input | peak RSS | input size | ratio | target |
|---|---|---|---|---|---|
""" + "\n".join(rss_lines) + "\n" + """
## What bounds the targets that are not met

Each of these was profiled (perf, callgrind) on the inputs above; the
figures are from the runs that led to the present code.

- **validate, one room** (met since the room is walked on two threads).
  One thread's walk does what the parse does and more: it keeps every key
  of `participants` to find duplicates (a hash each), reads each
  timestamp as a number with its place, and tracks line starts for
  positions; it runs at about the speed of the serde_json parse, and of
  sonic-rs's SIMD skip-parse, which does not move the limit on this
  machine (rows above). A participants map of 2 MiB or more is now
  walked by two threads, the second from a participant near the middle
  (guessed, then checked). What stays on one thread: mapping the file
  (about 11 ms of page-table work for 200 MB), finding the repeated keys
  among a million across the two walks' parts (about 9 ms), and writing
  the report.
- **validate, NDJSON.** Rooms are walked on both cores (CPU time is about
  twice the wall-clock time). The walk of a room costs about twice the
  parse of it from a mapped file, so two cores bring it back to about the
  parse of a file that is read; 0.7x would need a third core or a walk
  that costs 1.4x the parse. The rooms of a stream are small, so the
  two-thread walk of one room does not apply.
- **participants / timestamps through a pipe.** Both write about 220 MB
  for this room, and both now walk it on two threads. `participants`
  formats a large room on two threads, cells are copied from the input
  where they need no escape, and the pipe is 1 MiB wide. Rows sorted by
  time read the participants out of input order, so each row is a cache
  miss: records are aligned to a cache line and read a chunk ahead, so
  the misses overlap; the two halves of a large room are sorted on two
  threads and merged. `timestamps --format json` rewrites a large room's
  text in chunks, every other one on a second thread. What is left after
  the walk is per-row work spread thin over both cores (in a profile of
  tsv: reading rows out of input order 9%, terminal-safety checks of the
  names 7%, two million timestamps formatted 5%, field copies 5%), and
  `cat` copying 220 MB on the same two cores.
- **Peak memory.** The mapped file counts in full (its pages are touched
  by the walk), and validate's duplicate-key index (16 bytes a key, the
  two walks' parts kept apart) brings it to 1.2x. Listing a room keeps
  each participant in 32 bytes (offsets into the text, times in 48 bits)
  and each timestamp in 48: another 0.16x and 0.5x of this file; the
  participants' peak is at the end of the walk, where the key index and
  the records are held together. `summary` adds the stays it sorts.
  `diff` maps both files and keeps an owned, indexed copy of each room,
  so that streams can be matched by room ID: its ratio is to one of its two inputs.
- **summary and diff against validate.** These targets are ratios to
  validate, which now walks a large room on two threads. summary walks the
  same way, and its own work beside the walk (a stay kept per
  participant, the sort of two million stay bounds on the second core, the
  median) is about 55 ms on this room: it got faster in time, and
  slower in ratio. diff walks its two inputs on two threads already, one
  each, so it gains nothing from the split; against the walk on one
  thread it is about 2.5x, as before.
- **Start-up** (met). The binary is linked at a fixed address
  (build.rs), so the loader no longer relocates the 10,000 pointers of
  the Unicode and time zone tables at each start: 141 page faults
  instead of 197. clap builds a command's arguments only when that
  command runs (`defer`). With glibc the process starts at the tool's
  own `main` (src/main.rs), which skips the standard library's search of
  `/proc/self/maps` for the main thread's stack bounds: 100,000 of the
  512,000 instructions of a run (callgrind) and a dozen system calls,
  which the bare binary still pays. `diff` reads two small inputs on one
  thread. These rows are the ones a loaded machine moves most (both
  sides then wait alike and the ratio shrinks toward 1), so they were
  also taken on an idle machine, 300 to 400 alternating rounds: validate
  1.09x, participants 1.14x, timestamps 1.08x, summary 1.07x, diff
  1.09x (before this round 1.78x for validate).
""")
