"""Turns bench/run.sh's hyperfine exports into BENCHMARKS.md."""
import json, os, platform, subprocess, sys

out, room, broken, stream, quick = sys.argv[1:6]

def load(name):
    with open(os.path.join(out, name + ".json")) as f:
        return {i: r for i, r in enumerate(json.load(f)["results"])}

def med(r):
    return r["median"]

def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except Exception:
        return "not installed"

mb = lambda path: os.path.getsize(path) / 1e6
rows = []
def ms(seconds):
    return f"{seconds*1000:.2f} ms" if seconds < 0.01 else f"{seconds*1000:.0f} ms"

def cpu(r):
    return r["user"] + r["system"]

def row(job, inp, r, baseline, target, size=None):
    ratio = med(r) / med(baseline)
    speed = f"{size / med(r):.0f}" if size else ""
    met = ""
    if target.startswith("<= "):
        met = "yes" if ratio <= float(target.split()[1].rstrip("x")) else "no"
    rows.append(f"| {job} | {inp} | {ms(med(r))} | {ms(cpu(r))} | {ms(med(baseline))} | {ratio:.2f}x | {speed} | {target} | {met} |")

v = load("validate"); vals = list(v.values())
row("validate", os.path.basename(room), vals[1], vals[0], "<= 1.5x parse", mb(room))
if len(vals) > 3:
    row("validate, 0.1% broken", os.path.basename(broken), vals[2], vals[1], "<= 1.5x valid run", mb(broken))
row("validate vs the parse of the file mapped", os.path.basename(room), vals[1], vals[-1], "for reference", mb(room))
s = list(load("stream").values())
row("validate", os.path.basename(stream), s[1], s[0], "<= 1.5x parse", mb(stream))
row("validate vs the parse of the file mapped", os.path.basename(stream), s[1], s[2], "for reference", mb(stream))
row("participants --format csv --per-room", os.path.basename(stream), s[3], s[0], "for reference", mb(stream))
row("participants --format csv (sorted across rooms)", os.path.basename(stream), s[5], s[0], "for reference", mb(stream))
row("timestamps --format ndjson", os.path.basename(stream), s[4], s[0], "for reference", mb(stream))
p = list(load("participants").values())
row("participants --format tsv", os.path.basename(room), p[1], p[0], "<= 3x parse", mb(room))
ru = list(load("rules").values())
row("validate: duplicate-identity and confusable-identity", os.path.basename(room), ru[1], ru[0], "<= 1.1x without them", mb(room))
row("validate: every room-semantics rule", os.path.basename(room), ru[1], ru[2], "for reference", mb(room))
sm = list(load("summary").values())
row("summary", os.path.basename(room), sm[1], sm[0], "<= 1.3x validate", mb(room))
diffed = sm[2]["command"].split()[-1]
row("diff", f"{os.path.basename(room)} vs {os.path.basename(diffed)}", sm[2], sm[0], "<= 2.5x validate", mb(room))
t = list(load("timestamps").values())
row("timestamps --format json", os.path.basename(room), t[1], t[0], "<= 3x parse", mb(room))
st = list(load("startup").values())
for r in st[1:4]:
    row(r["command"].split()[1] + " (start-up)", "sdk.json (150 B)", r, st[0], "<= 1.5x parse")
row("jq -e . (start-up)", "sdk.json (150 B)", st[4], st[0], "for reference")
j = list(load("jq").values())
row("jq shape check", os.path.basename(room), j[0], vals[0], "for reference", mb(room))
row("jq @tsv participants", os.path.basename(room), j[1], vals[0], "for reference", mb(room))
if os.path.exists(os.path.join(out, "jaq.json")):
    q = list(load("jaq").values())
    row("jaq shape check", os.path.basename(room), q[0], vals[0], "for reference", mb(room))
    row("jaq @tsv participants", os.path.basename(room), q[1], vals[0], "for reference", mb(room))
tsv_vs_jq = med(j[1]) / med(p[1])
broken_note = ""
if os.path.exists(os.path.join(out, "broken.txt")):
    got, expected = open(os.path.join(out, "broken.txt")).read().split()
    broken_note = f"\nThe 0.1%-broken room: {got} diagnostics reported for {expected} injected problems, each with line:col.\n"

rss_lines = []
with open(os.path.join(out, "rss.tsv")) as f:
    for line in f:
        name, kib, size = line.split()
        target = {
            "validate_room": "<= 1.3x the file (met)" if int(kib) * 1024 <= 1.3 * int(size) else "<= 1.3x the file (not met)",
            "validate_1g": "<= 64 MiB (met)" if int(kib) <= 64 * 1024 else "<= 64 MiB (not met)",
        }.get(name, "")
        rss_lines.append(f"| {name} | {int(kib)/1024:.0f} MiB | {int(size)/2**20:.0f} MiB | {int(kib)*1024/int(size):.2f}x | {target} |")

print(f"""# Benchmarks

Whole-process medians from one run of `bench/run.sh{' --quick' if quick == '1' else ''}` (hyperfine), so every ratio
compares numbers measured side by side on the same machine. The baseline
(`bench/baseline.rs`, built as the `parse-baseline` example) reads the file
and parses it with serde_json into `serde::de::IgnoredAny`: the parse limit.

Reproduce: `bench/run.sh` (full: generates ~1.6 GB under bench/data first) or
`bench/run.sh --quick` (small inputs, under two minutes).

Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}.
Tools: {version(['hyperfine', '--version'])}; {version(['jq', '--version'])}; jaq: {version(['jaq', '--version'])}.

The two "validate:" rows compare validate with the rules they name and
without them (`--ignore`), so the ratio is what those rules cost.

Start-up includes loading the Unicode data of the confusable check
(unicode-security and unicode-normalization: tables of pointers the loader
relocates): `room-inspector --version` went from 1.0 to 1.2 ms when they
came in, measured side by side with hyperfine.

"median" is wall-clock time; "CPU" is user + system time (mean), which is
larger where a second thread works alongside (the UTF-8 check of a mapped
file; formatting in `participants` for large rooms).

The tool maps files of 1 MiB and more instead of reading them, which saves
the copy that the baseline pays for (about 0.09 s of its 0.22 s on the 1M
room). The rows "vs the parse of the file mapped" compare with a baseline
that maps the file too (`parse-baseline --map`), for a view of the tool's
own cost. Reading instead of mapping, measured when it was weighed as the
cure for SIGBUS on a truncated file, made validate on room-1m.json 1.41x
slower (313 ms to 441 ms, all of it system time) and on stream-100k.ndjson
1.26x; a SIGBUS handler that reports the truncation and exits with 2 costs
one `sigaction` per run, so the map stayed.

| job | input | median | CPU | baseline median | ratio | MB/s | target | met |
|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + f"""

`participants --format tsv` is {tsv_vs_jq:.1f}x faster than the jq one-liner
`jq -r '.participants[] | [.identity,.name,.joinedAt,.leftAt] | @tsv'`
(target: at least 10x; {"met" if tsv_vs_jq >= 10 else "not met"}).
For the jq rows the "baseline" column is the parse limit as well.
""" + broken_note + """
In-process timings of the walk alone (divan, generated 100k-participant
room): `cargo bench --bench walk`.

## Peak memory (`/usr/bin/time -f %M`)

| run | peak RSS | input size | ratio | target |
|---|---|---|---|---|
""" + "\n".join(rss_lines) + "\n")
