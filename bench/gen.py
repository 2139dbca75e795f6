#!/usr/bin/env python3
"""Deterministic benchmark input generator for room-inspector.

Usage: python3 bench/gen.py OUTDIR [--quick] [--force]

Writes Livepeer Studio "Room" JSON documents (and NDJSON streams of rooms)
into OUTDIR. Every file is fully determined by fixed seeds, so reruns on any
machine produce byte-identical output (Python 3.11+, standard library only).

Full mode writes:
  sdk.json                      the SDK example room
  room-10k.json                 one room, 10,000 participants (pretty, indent=2)
  room-100k.json                one room, 100,000 participants
  room-200k.json                one room, 200,000 participants (for the table's memory)
  room-1m.json                  one room, 1,000,000 participants (~180 MB)
  room-1m-broken.json           room-1m.json with 1,000 broken participants
  room-1m-broken.expected.txt   one "<kind> <participant key>" line per problem
  room-1m-next.json             room-1m.json fetched again: 0.1% left, 0.1% renamed
  stream-100k.ndjson            100,000 compact rooms, one per line
  stream-1g.ndjson              ~1 GB of compact rooms, one per line

--quick writes only sdk.json, room-10k.json, room-100k.json and
stream-10k.ndjson (10,000 rooms).

A file that already exists with nonzero size is not regenerated ("exists");
--force regenerates everything. Files are written to "<name>.tmp" and renamed
into place, so an interrupted run never leaves a truncated file behind.

Broken kinds injected into room-1m-broken.json (participant indices
i % 1000 == 500, kind cycling in this order, 100 of each):
  joinedAt-string         "joinedAt": "1712345678901"            (leftAt removed)
  joinedAt-seconds        "joinedAt": 1712345678 (seconds, not ms) (leftAt removed)
  leftAt-before-joinedAt  leftAt = joinedAt - 1s..1h
  key-mismatch            map key != "identity" (identity is a different, unused id)
  leftAt-negative         leftAt < 0
  joinedAt-float          "joinedAt": 1.5                         (leftAt removed)
  name-number             "name": <integer>
  duplicate-key           entry reuses the key/identity of participant i-500,
                          so that key appears twice in the object text
  leftAt-year-overflow    leftAt >= 300000000000000 (beyond year 9999)
  identity-null           "identity": null
Everything else in the broken room is identical to room-1m.json.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from json.encoder import encode_basestring as _enc_str  # C-accelerated, keeps UTF-8

# ---------------------------------------------------------------------------
# constants

MS_2024_START = 1704067200000  # 2024-01-01T00:00:00Z
MS_2025_START = 1735689600000  # 2025-01-01T00:00:00Z
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15  # odd => i -> i*GOLDEN mod 2^64 is a bijection

SDK_ROOM = {
    "id": "d32ae9e6-c459-4931-9898-e86e2f5e7e16",
    "createdAt": 1587667174725,
    "updatedAt": 1587667174725,
    "participants": {"key": {}},
}

BROKEN_KINDS = (
    "joinedAt-string",
    "joinedAt-seconds",
    "leftAt-before-joinedAt",
    "key-mismatch",
    "leftAt-negative",
    "joinedAt-float",
    "name-number",
    "duplicate-key",
    "leftAt-year-overflow",
    "identity-null",
)
BROKEN_EVERY = 1000  # 0.1 %
BROKEN_OFFSET = 500  # broken participant indices: i % 1000 == 500

WRITE_CHUNK = 4096  # participants / rooms per write() call
FILE_BUFFER = 8 << 20

# ---------------------------------------------------------------------------
# names

ASCII_FIRST = (
    "Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan",
    "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent",
    "Victor", "Walter", "Mike", "Sarah", "James", "Emily", "Daniel", "Laura",
    "Kevin", "Megan", "Ryan", "Chloe", "Nathan", "Priya", "Omar", "Lucas",
)
ASCII_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
    "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
    "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
)
ACCENTED = (
    "José Núñez", "Zoë Brontë", "François Lefèvre", "Søren Kierkegård",
    "Łukasz Wróbel", "Ångström Öberg", "Jürgen Müller", "Antonín Dvořák",
    "Ayşe Çelik", "Đorđe Petrović", "Inês Gonçalves", "Björk Guðmundsdóttir",
    "Chloé Bérénice", "Mária Kovács", "Renée Zellweger", "Ștefan Țurcanu",
    "José\u0301 decomposed", "Noël Coward", "Ðặng Văn Lâm", "Žofia Šťastná",
)
CJK = (
    "王伟", "李娜", "张敏", "陳美玲", "刘洋", "田中太郎", "佐藤花子", "鈴木一郎",
    "山本さくら", "김민준", "이서연", "박지훈", "最強の配信者", "小明 (Xiao Ming)",
    "黄俊杰", "高橋 健", "渡辺ゆい", "정하은",
)
EMOJI = (
    "🎧 DJ Mike", "Anna 🌸", "🚀🚀🚀", "👩🏽‍💻 Priya", "🇧🇷 Lucas", "🐱", "😀 Happy Host",
    "🔥streamer🔥", "👨‍👩‍👧‍👦 Family Cam", "🏳️‍🌈 Alex", "🎮 gamer_42", "☕ Morning Show",
    "🦄", "Zoë 🇫🇷", "🙈🙉🙊",
)
RTL = (
    "محمد", "فاطمة الزهراء", "أحمد علي", "يوسف", "ليلى حسن", "عبد الله",
    "דוד כהן", "שרה לוי", "יוסף", "מיכל אברהם", "نور 🌙", "Omar عمر",
    "נועה", "خالد بن الوليد",
)
OTHER = (
    "Иван Петров", "Мария Иванова", "Νίκος Παπαδόπουλος", "प्रिया शर्मा",
    "สมชาย ใจดี", "Ադամ", "ნინო", "Jean \"JJ\" Dupont", "C:\\Users\\bob",
    "tab\there", "O'Brien", "line\nbreak", "Ünïcödé Ñame", "𝓕𝓪𝓷𝓬𝔂 𝓝𝓪𝓶𝓮",
)


def make_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.40:
        n = rng.choice(ASCII_FIRST)
        if rng.random() < 0.7:
            n += " " + rng.choice(ASCII_LAST)
        if rng.random() < 0.1:
            n += str(rng.randrange(100))
        return n
    if r < 0.55:
        return rng.choice(ACCENTED)
    if r < 0.70:
        return rng.choice(CJK)
    if r < 0.80:
        return rng.choice(EMOJI)
    if r < 0.90:
        return rng.choice(RTL)
    return rng.choice(OTHER)


# ---------------------------------------------------------------------------
# ids

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def rand_b62(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(_B62, k=n))


def rand_uuid(rng: random.Random) -> str:
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (
        h[0:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])


def unique_identity(rng: random.Random, idx: int, salt: int) -> str:
    """Identity that is unique for distinct idx (64-bit bijection embedded)."""
    h = "%016x" % (((idx * GOLDEN) ^ salt) & MASK64)
    if rng.random() < 0.7:
        return "user-" + h
    r = "%012x" % rng.getrandbits(48)
    return "%s-%s-4%s-%s%s-%s%s" % (
        r[0:8], r[8:12], h[0:3], "89ab"[idx & 3], h[3:6], h[6:16], r[10:12])


# ---------------------------------------------------------------------------
# participants


def make_tracks(rng: random.Random, joined: int) -> dict:
    tracks = {}
    for t in range(1 if rng.random() < 0.6 else 2):
        sid = "TR_" + rand_b62(rng, 12)
        while sid in tracks:
            sid = "TR_" + rand_b62(rng, 12)
        if t == 0:
            w, h = rng.choice(((1280, 720), (640, 360), (1920, 1080), (960, 540)))
        else:  # screen share
            w, h = rng.choice(((1920, 1080), (2560, 1440), (1440, 900)))
        tracks[sid] = {
            "sid": sid,
            "width": w,
            "height": h,
            "mimeType": "video/VP8" if rng.random() < 0.75 else "video/H264",
            "timestamp": joined + rng.randrange(0, 30_000),
        }
    return tracks


def make_participant(rng: random.Random, identity: str, t0: int, t1: int,
                     admin_p: float) -> dict:
    """joinedAt in [t0, t1); leftAt (50%) in (joinedAt, t1]."""
    joined = rng.randrange(t0, t1 - 1000)
    p = {"identity": identity, "name": make_name(rng), "joinedAt": joined}
    if rng.random() < 0.5:
        p["leftAt"] = min(t1, joined + rng.randrange(1000, 4 * HOUR_MS))
    if rng.random() < admin_p:
        p["tracksPublished"] = make_tracks(rng, joined)
    return p


# ---------------------------------------------------------------------------
# JSON text helpers (pretty printing matching json.dumps(indent=2))


def scalar(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return _enc_str(v)
    if isinstance(v, int):
        return int.__repr__(v)
    if isinstance(v, float):
        return float.__repr__(v)
    raise TypeError(type(v))


def pp(v, level: int) -> str:
    """Pretty JSON with 2-space indent, nested at `level`."""
    if isinstance(v, dict):
        if not v:
            return "{}"
        inner = "  " * (level + 1)
        return "{\n" + ",\n".join(
            inner + _enc_str(k) + ": " + pp(x, level + 1) for k, x in v.items()
        ) + "\n" + "  " * level + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        inner = "  " * (level + 1)
        return "[\n" + ",\n".join(inner + pp(x, level + 1) for x in v) + "\n" + "  " * level + "]"
    return scalar(v)


def entry(key: str, p: dict) -> str:
    """One `"key": {...}` member of the participants object (level 2)."""
    return "    " + _enc_str(key) + ": " + pp(p, 2)


# ---------------------------------------------------------------------------
# output helpers


class Out:
    """Atomic buffered text writer: writes <path>.tmp, renames on close."""

    def __init__(self, path: str):
        self.path = path
        self.tmp = path + ".tmp"
        self.f = open(self.tmp, "w", encoding="utf-8", newline="\n", buffering=FILE_BUFFER)
        self.bytes = 0

    def write(self, s: str) -> None:
        self.f.write(s)

    def close(self) -> None:
        self.f.close()
        os.replace(self.tmp, self.path)
        report(self.path)

    def abort(self) -> None:
        self.f.close()
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


def human(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024
    return str(n)


def report(path: str, prefix: str = "wrote") -> None:
    size = os.path.getsize(path)
    print(f"{prefix:6} {path}  {size} bytes ({human(size)})", flush=True)


def needed(path: str, force: bool) -> bool:
    if not force and os.path.exists(path) and os.path.getsize(path) > 0:
        report(path, "exists")
        return False
    return True


# ---------------------------------------------------------------------------
# sdk.json


def write_sdk(outdir: str, force: bool) -> None:
    path = os.path.join(outdir, "sdk.json")
    if not needed(path, force):
        return
    o = Out(path)
    o.write(json.dumps(SDK_ROOM, indent=2) + "\n")
    o.close()


# ---------------------------------------------------------------------------
# big single rooms


def break_participant(kind: str, i: int, key: str, p: dict, first_key_of) -> tuple[str, dict]:
    """Return (key, participant) with exactly one injected problem.

    Uses no randomness so the rest of the room is unaffected."""
    p = dict(p)
    j = p["joinedAt"]
    if kind == "joinedAt-string":
        p["joinedAt"] = str(j)
        p.pop("leftAt", None)
    elif kind == "joinedAt-seconds":
        p["joinedAt"] = j // 1000
        p.pop("leftAt", None)
    elif kind == "leftAt-before-joinedAt":
        p["leftAt"] = j - (1000 + (i * 7919) % HOUR_MS)
    elif kind == "key-mismatch":
        p["identity"] = first_key_of(None)  # an identity not used elsewhere
    elif kind == "leftAt-negative":
        p["leftAt"] = -(1 + (i * 104729) % MS_2025_START)
    elif kind == "joinedAt-float":
        p["joinedAt"] = 1.5
        p.pop("leftAt", None)
    elif kind == "name-number":
        p["name"] = 10_000 + i
    elif kind == "duplicate-key":
        key = first_key_of(i - BROKEN_OFFSET)
        p["identity"] = key
    elif kind == "leftAt-year-overflow":
        p["leftAt"] = 300_000_000_000_000 + i
    elif kind == "identity-null":
        p["identity"] = None
    else:  # pragma: no cover
        raise ValueError(kind)
    order = ("identity", "name", "joinedAt", "leftAt", "tracksPublished")
    return key, {k: p[k] for k in order if k in p}


def gen_big_room(n: int, seed: int, path: str | None, broken_path: str | None,
                 expected_path: str | None) -> None:
    """Generate one room with n participants into path and/or broken_path.

    Both outputs are produced in a single pass from the same random stream;
    the broken variant only differs in the substituted participants."""
    rng = random.Random(seed)
    salt = rng.getrandbits(64)
    room_id = rand_uuid(rng)
    created = MS_2024_START + rng.randrange(0, 60 * DAY_MS)
    span_end = created + 270 * DAY_MS  # still within 2024
    egress = "EG_" + rand_b62(rng, 12)
    user_id = rand_uuid(rng)
    ev_step = max(1, min(1000, n // 300))

    header = (
        "{\n"
        f'  "id": {_enc_str(room_id)},\n'
        f'  "createdAt": {created},\n'
        f'  "updatedAt": {span_end},\n'
        f'  "egressId": {_enc_str(egress)},\n'
        f'  "userId": {_enc_str(user_id)},\n'
        '  "deleted": false,\n'
        '  "participants": {\n'
    )
    outs = []
    normal = Out(path) if path else None
    broken = Out(broken_path) if broken_path else None
    outs = [o for o in (normal, broken) if o]
    expected: list[str] = []
    keys_by_index: dict[int, str] = {}
    events: list[tuple[int, int, str]] = []
    try:
        for o in outs:
            o.write(header)
        buf_n: list[str] = []
        buf_b: list[str] = []
        extra = [n]  # next unused identity index for key-mismatch

        def key_of(idx):
            if idx is None:
                e = extra[0]
                extra[0] += 1
                return unique_identity(random.Random(e), e, salt)
            return keys_by_index[idx]

        for i in range(n):
            ident = unique_identity(rng, i, salt)
            p = make_participant(rng, ident, created, span_end, 0.10)
            text = entry(ident, p)
            if i % ev_step == 0:
                # The service records only room and egress events.
                events.append((p["joinedAt"], i, "egress_started"))
                if "leftAt" in p:
                    events.append((p["leftAt"], i, "egress_ended"))
            if broken:
                if i % BROKEN_EVERY == 0:
                    keys_by_index[i] = ident
                if i % BROKEN_EVERY == BROKEN_OFFSET:
                    kind = BROKEN_KINDS[(i // BROKEN_EVERY) % len(BROKEN_KINDS)]
                    bkey, bp = break_participant(kind, i, ident, p, key_of)
                    expected.append(f"{kind} {bkey}\n")
                    buf_b.append(entry(bkey, bp))
                else:
                    buf_b.append(text)
            if normal:
                buf_n.append(text)
            if (i + 1) % WRITE_CHUNK == 0 or i == n - 1:
                sep_last = "\n" if i == n - 1 else ",\n"
                if normal:
                    normal.write(",\n".join(buf_n) + sep_last)
                    buf_n.clear()
                if broken:
                    broken.write(",\n".join(buf_b) + sep_last)
                    buf_b.clear()
        events.sort()
        ev_text = ",\n".join(
            '    {\n      "eventName": %s,\n      "timestamp": %d\n    }' % (_enc_str(name), ts)
            for ts, _, name in events
        )
        trailer = '  },\n  "events": [\n' + ev_text + "\n  ]\n}\n"
        for o in outs:
            o.write(trailer)
    except BaseException:
        for o in outs:
            o.abort()
        raise
    for o in outs:
        o.close()
    if expected_path:
        e = Out(expected_path)
        e.write("".join(expected))
        e.close()


def write_big_room(outdir: str, name: str, n: int, seed: int, force: bool,
                   with_broken: bool = False) -> None:
    path = os.path.join(outdir, name)
    need_n = needed(path, force)
    need_b = False
    bpath = epath = None
    if with_broken:
        bpath = os.path.join(outdir, name.replace(".json", "-broken.json"))
        epath = os.path.join(outdir, name.replace(".json", "-broken.expected.txt"))
        nb = needed(bpath, force)
        ne = needed(epath, force)
        need_b = nb or ne
    if not (need_n or need_b):
        return
    t = time.perf_counter()
    gen_big_room(n, seed, path if need_n else None,
                 bpath if need_b else None, epath if need_b else None)
    print(f"       ({n} participants in {time.perf_counter() - t:.1f}s)", flush=True)


def write_next_snapshot(outdir: str, name: str, force: bool) -> None:
    """The same room fetched again a while later, for `diff`: every 1000th
    participant has left (a `leftAt` after its `joinedAt`), and every
    1000th, offset by 500, is renamed."""
    src = os.path.join(outdir, name)
    path = os.path.join(outdir, name.replace(".json", "-next.json"))
    if not needed(path, force):
        return
    out = Out(path)
    try:
        seen = 0
        with open(src, encoding="utf-8") as f:
            for line in f:
                stripped = line.strip()
                if stripped.startswith('"identity"'):
                    seen += 1
                elif stripped.startswith('"name"') and seen % 1000 == 500:
                    line = line.replace('"name": "', '"name": "Dr. ', 1)
                elif stripped.startswith('"joinedAt"') and seen % 1000 == 0 and not stripped.endswith(","):
                    joined = int(stripped.split(":")[1])
                    indent = line[: len(line) - len(line.lstrip())]
                    line = f'{indent}"joinedAt": {joined},\n{indent}"leftAt": {joined + 60_000}\n'
                out.write(line)
    except BaseException:
        out.abort()
        raise
    out.close()
    report(path)


# ---------------------------------------------------------------------------
# NDJSON streams


def make_stream_room(rng: random.Random) -> dict:
    created = MS_2024_START + rng.randrange(0, 330 * DAY_MS)
    end = created + rng.randrange(HOUR_MS, 30 * DAY_MS)
    room = {"id": rand_uuid(rng), "createdAt": created, "updatedAt": created}
    if rng.random() < 0.6:
        room["egressId"] = "EG_" + rand_b62(rng, 12)
    admin = rng.random() < 0.25
    if admin:
        room["userId"] = rand_uuid(rng)
        deleted = rng.random() < 0.1
        room["deleted"] = deleted
        if deleted:
            room["deletedAt"] = end + rng.randrange(0, DAY_MS)
    parts = {}
    updated = created
    for _ in range(rng.randrange(0, 21)):
        ident = "user-%016x" % rng.getrandbits(64)
        while ident in parts:
            ident = "user-%016x" % rng.getrandbits(64)
        p = make_participant(rng, ident, created, end, 0.3 if admin else 0.0)
        updated = max(updated, p.get("leftAt", p["joinedAt"]),
                      *(t["timestamp"] for t in p.get("tracksPublished", {}).values()))
        parts[ident] = p
    room["updatedAt"] = updated
    room["participants"] = parts
    if admin:
        ev = []
        for p in parts.values():
            ev.append((p["joinedAt"], "egress_started"))
            if "leftAt" in p:
                ev.append((p["leftAt"], "egress_ended"))
        ev.sort()
        room["events"] = [{"eventName": e, "timestamp": ts} for ts, e in ev]
    return room


def write_stream(outdir: str, name: str, seed: int, force: bool,
                 rooms: int | None = None, target_bytes: int | None = None) -> None:
    path = os.path.join(outdir, name)
    if not needed(path, force):
        return
    t = time.perf_counter()
    rng = random.Random(seed)
    enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    o = Out(path)
    count = 0
    written = 0  # UTF-8 bytes
    try:
        while True:
            lines = []
            for _ in range(WRITE_CHUNK):
                if rooms is not None and count >= rooms:
                    break
                lines.append(enc(make_stream_room(rng)))
                count += 1
            if not lines:
                break
            chunk = "\n".join(lines) + "\n"
            o.write(chunk)
            written += len(chunk.encode("utf-8")) if target_bytes else 0
            if target_bytes is not None and written >= target_bytes:
                break
    except BaseException:
        o.abort()
        raise
    o.close()
    print(f"       ({count} rooms in {time.perf_counter() - t:.1f}s)", flush=True)


# ---------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    flags = {a for a in argv if a.startswith("--")}
    unknown = flags - {"--quick", "--force"}
    if len(args) != 1 or unknown:
        print("usage: python3 bench/gen.py OUTDIR [--quick] [--force]", file=sys.stderr)
        return 2
    outdir = args[0]
    quick = "--quick" in flags
    force = "--force" in flags
    os.makedirs(outdir, exist_ok=True)
    t0 = time.perf_counter()

    write_sdk(outdir, force)
    write_big_room(outdir, "room-10k.json", 10_000, 10_001, force)
    write_big_room(outdir, "room-100k.json", 100_000, 100_001, force)
    if quick:
        write_stream(outdir, "stream-10k.ndjson", 20_001, force, rooms=10_000)
    else:
        write_big_room(outdir, "room-200k.json", 200_000, 200_001, force)
        write_big_room(outdir, "room-1m.json", 1_000_000, 1_000_001, force, with_broken=True)
        write_next_snapshot(outdir, "room-1m.json", force)
        write_stream(outdir, "stream-100k.ndjson", 20_002, force, rooms=100_000)
        write_stream(outdir, "stream-1g.ndjson", 20_003, force, target_bytes=1_000_000_000)

    print(f"done in {time.perf_counter() - t0:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
