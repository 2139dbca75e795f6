//! Differential test of the JSON scanner against serde_json: generated rooms
//! and streams, then byte-level mutants of them, must get the same syntax
//! verdict from `rooms_of` as from serde_json (see `json_oracle` for the
//! deliberate differences); windowed reads must report exactly what a
//! whole read reports, messages and spans included; a byte-order mark must
//! move nothing but spans; and known field names written with escapes
//! must read as the names.

// The tallies are printed for `--nocapture`; libtest shows them on failure.
#![allow(clippy::print_stderr)]

mod json_oracle;

use std::collections::BTreeMap;

use json_oracle::{
    BOM, Expect, Outcome, Seen, check_bom, check_splits, check_verdict, check_windows, expect,
    has_syntax_error, ours, serde_accepts, show,
};
use room_inspector::diag::Rule;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

const STRING_PIECES: &[&str] = &[
    "abc",
    "user-1",
    "Ada Lovelace",
    "a/b~c",
    " ",
    "",
    r"\n",
    r"\t",
    r"\r",
    r"\b",
    r"\f",
    r"\/",
    r"\\",
    r#"\""#,
    r"\u00e9",
    r"\u00E9",
    r"\u0000",
    r"\u001f",
    r"\ud83d\ude00",
    r"\uD83D\uDE00",
    r"\udbff\udfff",
    "é",
    "李",
    "😀",
    "\u{7f}",
    "\u{2028}",
];

/// Pieces that make a string invalid for the scanner (and mostly for
/// serde_json too): lone surrogates, raw controls, bad escapes.
const BAD_STRING_PIECES: &[&str] = &[
    r"\ud800",
    r"\udead",
    r"\ud83dx",
    r"\ud83d\u0041",
    r"\ud83d\n",
    r"\ud83d\ud83d",
    "\u{1}",
    "\t",
    "\n",
    r"\x",
    r"\u12",
    r"\u12G4",
    r"\U00e9",
    r"\'",
];

const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "7",
    "-5",
    "1587667174725",
    "1687517025",
    "1.5",
    "1.5e-3",
    "1E+10",
    "-0.0",
    "0e0",
    "0E-0",
    "2e5",
    "4.2E1",
    "1e400",
    "-1e400",
    "1e-400",
    "123456789012345678901234567890",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "253402207200999",
    "253402207201000",
    "100000000000",
    "9007199254740993",
];

const BAD_NUMBERS: &[&str] = &[
    "01", "1.", "-", "1e+", "1e", ".5", "+1", "-a", "00", "1.e5", "0x1f", "--1", "1.5.5",
    "Infinity", "NaN", "-01", "1e+-1", "-.5",
];

const LITERALS: &[&str] = &["true", "false", "null"];
const BAD_LITERALS: &[&str] = &["tru", "nul", "True", "NULL", "fals", "nil"];

const SPACE: &[&str] = &["", "", "", " ", "\n", "\t", "\r\n", "  "];

struct Gen {
    rng: Rng,
    /// Percent chance that a leaf is drawn from the invalid pools.
    bad: u64,
}

impl Gen {
    fn ws(&mut self, out: &mut String) {
        out.push_str(self.rng.pick(SPACE));
    }

    fn string(&mut self, out: &mut String) {
        out.push('"');
        for _ in 0..self.rng.below(4) {
            if self.rng.chance(self.bad) {
                out.push_str(self.rng.pick(BAD_STRING_PIECES));
            } else {
                out.push_str(self.rng.pick(STRING_PIECES));
            }
        }
        out.push('"');
    }

    fn number(&mut self, out: &mut String) {
        if self.rng.chance(self.bad) {
            out.push_str(self.rng.pick(BAD_NUMBERS));
        } else {
            out.push_str(self.rng.pick(NUMBERS));
        }
    }

    fn literal(&mut self, out: &mut String) {
        if self.rng.chance(self.bad) {
            out.push_str(self.rng.pick(BAD_LITERALS));
        } else {
            out.push_str(self.rng.pick(LITERALS));
        }
    }

    fn scalar(&mut self, out: &mut String) {
        match self.rng.below(3) {
            0 => self.string(out),
            1 => self.number(out),
            _ => self.literal(out),
        }
    }

    /// Any value, nested up to `depth` more levels.
    fn value(&mut self, out: &mut String, depth: usize) {
        let kind = if depth == 0 { 0 } else { self.rng.below(5) };
        match kind {
            0..=2 => self.scalar(out),
            3 => {
                out.push('[');
                let n = self.rng.below(4);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    self.ws(out);
                    self.value(out, depth - 1);
                    self.ws(out);
                }
                out.push(']');
            }
            _ => self.object(out, depth - 1, |g, out, _| g.value(out, depth - 1)),
        }
    }

    /// An object whose keys come from `KEYS` or are generated strings, with
    /// an occasional duplicate.
    fn object(
        &mut self,
        out: &mut String,
        _depth: usize,
        mut member: impl FnMut(&mut Gen, &mut String, &str),
    ) {
        const KEYS: &[&str] = &["a", "id", "x", r"\u0069d", "a/b", "~", "é", ""];
        out.push('{');
        let n = self.rng.below(4);
        let mut last = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            self.ws(out);
            let key = if i > 0 && self.rng.chance(10) {
                last.clone()
            } else {
                self.rng.pick(KEYS).to_string()
            };
            out.push('"');
            out.push_str(&key);
            out.push('"');
            self.ws(out);
            out.push(':');
            self.ws(out);
            member(self, out, &key);
            self.ws(out);
            last = key;
        }
        out.push('}');
    }

    /// `[[{"k":[...]}]]` nested `levels` deep around a scalar.
    fn deep(&mut self, out: &mut String, levels: usize) {
        let mut closers = Vec::new();
        for _ in 0..levels {
            if self.rng.chance(50) {
                out.push('[');
                closers.push("]");
            } else {
                out.push_str("{\"k\":");
                closers.push("}");
            }
        }
        self.scalar(out);
        while let Some(c) = closers.pop() {
            out.push_str(c);
        }
    }

    fn timestamp(&mut self, out: &mut String) {
        if self.rng.chance(80) {
            self.number(out);
        } else {
            self.value(out, 1);
        }
    }

    /// A member `"name": value` followed by a comma when `more`.
    fn member(
        &mut self,
        out: &mut String,
        name: &str,
        more: bool,
        value: impl FnOnce(&mut Gen, &mut String),
    ) {
        self.ws(out);
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
        self.ws(out);
        value(self, out);
        self.ws(out);
        if more {
            out.push(',');
        }
    }

    fn participant(&mut self, out: &mut String) {
        let mut fields: Vec<&str> = vec!["identity", "name", "joinedAt", "leftAt"];
        if self.rng.chance(30) {
            fields.push("tracksPublished");
        }
        if self.rng.chance(30) {
            fields.push("metadata");
        }
        fields.retain(|_| self.rng.chance(80));
        out.push('{');
        let n = fields.len();
        for (i, f) in fields.into_iter().enumerate() {
            self.member(out, f, i + 1 < n, |g, out| match f {
                "identity" | "name" => g.string(out),
                "joinedAt" | "leftAt" => g.timestamp(out),
                "tracksPublished" => g.object(out, 2, |g, out, _| {
                    g.object(out, 1, |g, out, key| match key {
                        "a" => g.timestamp(out),
                        _ => g.value(out, 1),
                    })
                }),
                _ => g.value(out, 3),
            });
        }
        out.push('}');
    }

    fn room(&mut self, out: &mut String) {
        let mut fields: Vec<&str> = vec!["id", "createdAt", "updatedAt", "participants"];
        for extra in [
            "egressId",
            "userId",
            "deleted",
            "deletedAt",
            "events",
            "extra",
            "deep",
        ] {
            if self.rng.chance(20) {
                fields.push(extra);
            }
        }
        if self.rng.chance(10) {
            fields.push("id");
        }
        // Shuffle.
        for i in (1..fields.len()).rev() {
            let j = self.rng.below(i + 1);
            fields.swap(i, j);
        }
        fields.retain(|_| self.rng.chance(90));
        out.push('{');
        let n = fields.len();
        for (i, f) in fields.into_iter().enumerate() {
            self.member(out, f, i + 1 < n, |g, out| match f {
                "id" | "egressId" | "userId" => {
                    if g.rng.chance(90) {
                        g.string(out)
                    } else {
                        g.value(out, 1)
                    }
                }
                "createdAt" | "updatedAt" | "deletedAt" => g.timestamp(out),
                "deleted" => g.literal(out),
                "participants" => {
                    out.push('{');
                    let k = g.rng.below(4);
                    for p in 0..k {
                        g.ws(out);
                        g.string(out);
                        out.push(':');
                        g.ws(out);
                        if g.rng.chance(90) {
                            g.participant(out)
                        } else {
                            g.value(out, 2)
                        }
                        if p + 1 < k {
                            out.push(',');
                        }
                    }
                    out.push('}');
                }
                "events" => {
                    out.push('[');
                    let k = g.rng.below(3);
                    for e in 0..k {
                        g.object(out, 1, |g, out, _| {
                            if g.rng.chance(50) {
                                g.timestamp(out)
                            } else {
                                g.value(out, 1)
                            }
                        });
                        if e + 1 < k {
                            out.push(',');
                        }
                    }
                    out.push(']');
                }
                "deep" => {
                    let levels = 10 + g.rng.below(100);
                    g.deep(out, levels)
                }
                _ => g.value(out, 4),
            });
        }
        out.push('}');
    }

    /// An array of rooms.
    fn rooms(&mut self, out: &mut String) {
        out.push('[');
        let n = self.rng.below(4);
        for i in 0..n {
            self.ws(out);
            self.room(out);
            if i + 1 < n {
                out.push(',');
            }
        }
        self.ws(out);
        out.push(']');
    }

    /// A whole input: one room, an array of rooms, or a stream.
    fn document(&mut self) -> Vec<u8> {
        let mut out = String::new();
        if self.rng.chance(8) {
            out.push('\u{feff}');
        }
        self.ws(&mut out);
        match self.rng.below(10) {
            0..=3 => self.room(&mut out),
            4 | 5 => self.rooms(&mut out),
            6 | 7 => {
                // NDJSON, or concatenated rooms; now and then a line is
                // an array of rooms.
                let sep = if self.rng.chance(70) { "\n" } else { "" };
                for _ in 0..1 + self.rng.below(3) {
                    if self.rng.chance(20) {
                        self.rooms(&mut out);
                    } else {
                        self.room(&mut out);
                    }
                    out.push_str(sep);
                }
            }
            _ => {
                // A stream of any values; non-objects are type errors for
                // us, still valid JSON.
                for i in 0..1 + self.rng.below(4) {
                    if i > 0 {
                        out.push_str(if self.rng.chance(80) { " " } else { "\n" });
                    }
                    if self.rng.chance(50) {
                        self.room(&mut out);
                    } else {
                        self.value(&mut out, 2);
                    }
                }
            }
        }
        self.ws(&mut out);
        out.into_bytes()
    }

    /// A copy of `text` with one to three byte-level edits.
    fn mutate(&mut self, text: &[u8]) -> Vec<u8> {
        const INTERESTING: &[u8] = b"{}[],:\"\\ \t\n0123456789-+.eEtrufalsn/u";
        let mut t = text.to_vec();
        for _ in 0..1 + self.rng.below(3) {
            let len = t.len();
            let at = self.rng.below(len + 1);
            match self.rng.below(7) {
                0 if at < len => {
                    t.remove(at);
                }
                1 | 2 => {
                    let b = match self.rng.below(20) {
                        0 => self.rng.below(0x21) as u8,
                        1 | 2 => self.rng.next() as u8,
                        _ => INTERESTING[self.rng.below(INTERESTING.len())],
                    };
                    t.insert(at, b);
                }
                3 if at < len => {
                    t[at] = INTERESTING[self.rng.below(INTERESTING.len())];
                }
                4 => t.truncate(at),
                5 if at < len => {
                    // Duplicate a short slice.
                    let end = (at + 1 + self.rng.below(8)).min(len);
                    let piece = t[at..end].to_vec();
                    let to = self.rng.below(t.len() + 1);
                    t.splice(to..to, piece);
                }
                6 if at < len => {
                    let end = (at + 1 + self.rng.below(8)).min(len);
                    t.drain(at..end);
                }
                _ => t.insert(at, b' '),
            }
        }
        t
    }
}

/// Inputs written by hand: every number shape, escape and literal on its
/// own, in a room, and at the edges of streams and arrays.
fn handmade() -> Vec<Vec<u8>> {
    let mut texts: Vec<Vec<u8>> = Vec::new();
    // Found by fuzzing: after a syntax error the rest is read from a later
    // line, where a quote the oracle took to open a string opens none, and
    // an array opened over several lines goes past the nesting limit.
    texts.push(include_bytes!("json_oracle/deep-after-a-syntax-error.bin").to_vec());
    let all_numbers = NUMBERS.iter().chain(BAD_NUMBERS);
    let all_literals = LITERALS.iter().chain(BAD_LITERALS);
    for v in all_numbers.chain(all_literals) {
        texts.push(v.as_bytes().to_vec());
        texts.push(format!("{v} ").into_bytes());
        texts.push(format!("[{v}]").into_bytes());
        texts
            .push(format!("{{\"id\":\"r\",\"createdAt\":{v},\"participants\":{{}}}}").into_bytes());
        texts.push(
            format!("{{\"participants\":{{\"p\":{{\"joinedAt\":{v}}}}}}}\n{{}}").into_bytes(),
        );
    }
    for piece in STRING_PIECES.iter().chain(BAD_STRING_PIECES) {
        texts.push(format!("\"{piece}\"").into_bytes());
        texts.push(
            format!("{{\"id\":\"{piece}\",\"{piece}\":1,\"participants\":{{}}}}").into_bytes(),
        );
    }
    for t in [
        "",
        " ",
        "\u{feff}",
        "\u{feff}{}",
        "\u{feff}\u{feff}{}",
        "[]",
        "[ ]",
        "[",
        "]",
        "{",
        "}",
        "[,]",
        "[{},]",
        "[{}{}]",
        "[{},{}]",
        "{}{}",
        "{} {}",
        "{}\n[]",
        "[] []",
        "[1] 2",
        "[{}]\n[{}]\n",
        "[{}][{}]",
        "[]{}",
        "{} []",
        "[]1",
        "[]\"a\"",
        "[]true",
        "1[]",
        "null{}",
        "[]x",
        "1 2",
        "1true",
        "truefalse",
        "1-1",
        "null1",
        "0 -0",
        "\"a\"\"b\"",
        "1\"a\"",
        "true{}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{,}",
        "{\"a\":1 \"b\":2}",
        "[1 2]",
        "[1,,2]",
        "{} \u{e9}",
        "\"\\u",
        "\"\\ud83d\\u",
        "\"\\ud83d\\",
        "\"\\ud83d",
        "\u{0}",
        "{}\u{0}",
        "1\u{c}",
        "\u{a0}{}",
    ] {
        texts.push(t.as_bytes().to_vec());
    }
    // Every byte in each place where the grammar treats bytes differently.
    for b in 0..=255u8 {
        for (before, after) in [
            (&b"\""[..], &b"\""[..]),
            (b"\"\\", b"\""),
            (b"\"\\u00", b"0\""),
            (b"", b""),
            (b"[", b"]"),
            (b"[1", b"]"),
            (b"{\"a\":1", b"}"),
            (b"{\"a\"", b"1}"),
            (b"1", b""),
            (b"-", b"1"),
            (b"1.", b""),
            (b"1e", b"1"),
            (b"true", b""),
            (b"{}", b""),
        ] {
            let mut t = before.to_vec();
            t.push(b);
            t.extend_from_slice(after);
            texts.push(t);
        }
    }
    for bytes in [
        &b"\"\xff\""[..],
        b"{\"id\":\"a\xc3\",\"participants\":{}}",
        b"\xef\xbb",
        b"{}\xed\xa0\x80",
        b"\"\xf4\x90\x80\x80\"",
        b"\"\xc0\xaf\"",
    ] {
        texts.push(bytes.to_vec());
    }
    texts
}

#[test]
fn scanner_agrees_with_serde_json() {
    let mut g = Gen {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        bad: 0,
    };
    let mut texts = handmade();
    let mut bases = Vec::new();
    for i in 0..3000 {
        // Most bases are valid; some carry an invalid leaf.
        g.bad = if i % 4 == 0 { 5 } else { 0 };
        let base = g.document();
        for _ in 0..3 {
            let mutant = g.mutate(&base);
            texts.push(mutant);
        }
        texts.push(base.clone());
        bases.push(base);
    }

    let mut failures = Vec::new();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for (i, text) in texts.iter().enumerate() {
        let strict = i % 2 == 0;
        // A quarter of the texts are also read in windows of several sizes,
        // another quarter also behind a byte-order mark.
        let windowed = i % 4 == 0 && text.len() <= 2000;
        let marked = i % 4 == 1 && !text.starts_with(BOM);
        // Every sixteenth text is also read with a second thread taking over
        // its participants maps at each quote.
        let split = i % 16 == 2 && text.len() <= 2000;
        let run = std::panic::catch_unwind(|| {
            let verdict = check_verdict(text, strict);
            let windows = windowed.then(|| check_windows(text, &[1, 3, 7, 64], strict));
            let bom = marked.then(|| check_bom(text, strict));
            let splits = split.then(|| check_splits(text, strict));
            (verdict, windows, bom, splits)
        });
        let Ok((verdict, windows, bom, splits)) = run else {
            failures.push(format!("panicked\n  input: {}", show(text)));
            continue;
        };
        let label = match verdict {
            Ok(Outcome::Agree(Expect::Invalid(why))) => format!("agree: syntax error ({why:?})"),
            Ok(Outcome::Agree(Expect::Valid)) => "agree: valid".to_string(),
            Ok(Outcome::TooDeep) => "skipped: nesting limit".to_string(),
            Err(e) => {
                failures.push(e);
                "DISAGREE".to_string()
            }
        };
        *tally.entry(label).or_default() += 1;
        failures.extend(windows.and_then(Result::err));
        failures.extend(bom.and_then(Result::err));
        failures.extend(splits.and_then(Result::err));
    }
    let mut escaped_checked = 0;
    for (i, base) in bases.iter().enumerate() {
        match check_escaped_names(base, i % 2 == 0) {
            Ok(checked) => escaped_checked += usize::from(checked),
            Err(e) => failures.push(e),
        }
    }

    eprintln!("{} texts: {tally:#?}", texts.len());
    assert!(
        failures.is_empty(),
        "{} failures; first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // The generator must keep producing both kinds, or the test proves little.
    assert!(
        tally.get("agree: valid").copied().unwrap_or(0) > texts.len() / 5,
        "{tally:#?}"
    );
    let invalid: usize = tally
        .iter()
        .filter(|(k, _)| k.starts_with("agree: syntax error"))
        .map(|(_, n)| n)
        .sum();
    assert!(invalid > texts.len() / 5, "{tally:#?}");
    // Most bases must have had field names to escape, or that check proves little.
    assert!(
        escaped_checked > bases.len() / 2,
        "escaped field names compared in only {escaped_checked} of {} bases",
        bases.len()
    );
}

/// Known field names spelt with `\u` escapes, key by key.
const ESCAPED_NAMES: &[(&str, &str)] = &[
    ("\"id\":", r#""\u0069d":"#),
    ("\"participants\":", r#""\u0070articipants":"#),
    ("\"createdAt\":", r#""created\u0041t":"#),
    ("\"identity\":", r#""identit\u0079":"#),
    ("\"joinedAt\":", r#""joined\u0041t":"#),
    ("\"tracksPublished\":", r#""tracks\u0050ublished":"#),
];

/// `text` with its known field names escaped must get the same findings
/// in the same rooms, lines and pointers; only columns move. Ok(false)
/// when there was nothing to compare (not UTF-8, or no such name).
fn check_escaped_names(text: &[u8], strict: bool) -> Result<bool, String> {
    let Ok(plain) = std::str::from_utf8(text) else {
        return Ok(false);
    };
    let mut escaped = plain.to_string();
    for (name, spelt) in ESCAPED_NAMES {
        escaped = escaped.replace(name, spelt);
    }
    if escaped == plain {
        return Ok(false);
    }
    let key = |s: &Seen| (s.index, s.rule, s.line, s.pointer.clone());
    let a: Vec<_> = ours(text, true, 1, strict).iter().map(key).collect();
    let b: Vec<_> = ours(escaped.as_bytes(), true, 1, strict)
        .iter()
        .map(key)
        .collect();
    if a == b {
        return Ok(true);
    }
    Err(format!(
        "escaped field names read differently\n  input: {}\n  escaped: {}\n  plain: {a:#?}\n  escaped: {b:#?}",
        show(text),
        show(escaped.as_bytes())
    ))
}

#[test]
fn nesting_limit_is_a_syntax_error_not_a_crash() {
    // The room object plus `arrays` arrays around a number.
    let room = |arrays: usize| {
        format!(
            "{{\"id\":\"r\",\"participants\":{{}},\"x\":{}1{}}}",
            "[".repeat(arrays),
            "]".repeat(arrays)
        )
    };
    // 255 containers around the number put it at level 256, the deepest
    // accepted; one more array is refused.
    let at_limit = ours(room(254).as_bytes(), true, 1, false);
    assert!(!json_oracle::has_syntax_error(&at_limit), "{at_limit:#?}");
    for arrays in [255, 100_000] {
        for (whole, step) in [(true, 1), (false, 4096)] {
            let seen = ours(room(arrays).as_bytes(), whole, step, false);
            assert!(json_oracle::too_deep(&seen), "{arrays}: {seen:#?}");
        }
    }
}

/// Once divergences from serde_json, now parity: a number or literal that
/// runs straight into the next value is a syntax error right after it,
/// and an array of rooms may be followed by more values, whole or read in
/// windows of any size.
#[test]
fn adjacent_scalars_are_errors_and_arrays_may_start_a_stream() {
    let adjacent: &[(&[u8], usize)] = &[
        (b"1true", 2),
        (b"truefalse", 5),
        (b"1-1", 2),
        (b"null1", 5),
        (b"0null", 2),
        (b"-0.5e3false", 7),
        (b"{}\n12x", 3),
        (b"[{}]\n7n", 2),
    ];
    for &(text, column) in adjacent {
        assert!(!serde_accepts(text), "{}", show(text));
        assert_eq!(expect(text), Expect::Invalid(json_oracle::Why::Serde));
        let seen = ours(text, true, 1, false);
        let last = seen.last().filter(|s| s.rule == Rule::Syntax);
        assert!(
            last.is_some_and(|s| s.column == column
                && s.message.starts_with("expected whitespace after the value")),
            "{}: {seen:#?}",
            show(text)
        );
        let steps: Vec<usize> = (1..=text.len()).collect();
        check_windows(text, &steps, false).unwrap_or_else(|e| panic!("{e}"));
    }
    let streams: &[&[u8]] = &[
        b"[] []",
        b"[1] 2",
        b"[]{}",
        b"1 true",
        b"1\"a\"",
        b"true{}",
        b"null[]",
        b"[{\"id\":\"a\",\"participants\":{}}]\n[{\"id\":\"b\",\"participants\":{}}]\n",
        b"[{\"id\":\"a\",\"participants\":{}}]{\"id\":\"b\",\"participants\":{}} 3",
    ];
    for &text in streams {
        assert!(serde_accepts(text), "{}", show(text));
        assert_eq!(expect(text), Expect::Valid, "{}", show(text));
        let seen = ours(text, true, 1, false);
        assert!(!has_syntax_error(&seen), "{}: {seen:#?}", show(text));
        let steps: Vec<usize> = (1..=text.len()).collect();
        check_windows(text, &steps, false).unwrap_or_else(|e| panic!("{e}"));
    }
    // NDJSON whose lines are arrays: every room of every line is read.
    let ndjson = b"[{\"id\":\"a\",\"participants\":{}}]\n[{\"id\":\"b\",\"participants\":{}}, {\"id\":\"c\",\"participants\":{}}]\n";
    assert_eq!(rooms_read(ndjson), 3);
}

/// Regression: the pointer prefix of a room in an array is its index in
/// its own array, so the first room of a second array is `/0`.
#[test]
fn rooms_of_a_later_array_are_pointed_to_within_it() {
    let text = b"[{\"id\":1,\"participants\":{}}]\n[{\"id\":2,\"participants\":{}}]";
    let pointers: Vec<String> = ours(text, true, 1, false)
        .into_iter()
        .map(|s| s.pointer)
        .collect();
    assert_eq!(pointers, ["/0/id", "/0/id"]);
}

/// How many rooms `rooms_of` hands over for `text`, read whole.
fn rooms_read(text: &[u8]) -> usize {
    let opts = room_inspector::walk::Options {
        rules: room_inspector::rules::RuleSet::default(),
        now_ms: 0,
        split: room_inspector::walk::Split::Never,
        collect: room_inspector::walk::Collect::default(),
    };
    let mut rooms = 0;
    let reader = Box::new(std::io::Cursor::new(text.to_vec()));
    let result = room_inspector::input::rooms_of("t".into(), reader, true, 1, 0, &opts, &mut |r| {
        rooms += usize::from(r.walked.is_some());
        Ok(())
    });
    assert!(result.is_ok());
    rooms
}

/// A character cut by the window edge is judged whole: the message and
/// place are those of a whole read.
#[test]
fn a_character_cut_by_the_window_edge_reads_as_a_whole_read() {
    for text in [
        &b"{} \xc3]"[..],
        b"{} \xc3",
        b"{} \xc3\xa9",
        b"{\"id\":\"a\xc3\",\"participants\":{}}",
        b"{\"id\":\"\xe6\x9d\x8e\xff\"}",
        b"[{}, \xe6\x9d]",
        b"{}\n\xf0\x9f\x98\x80",
    ] {
        let whole = ours(text, true, 1, false);
        assert!(has_syntax_error(&whole), "{}: {whole:#?}", show(text));
        assert_same_in_every_window(text, &whole);
    }
    let seen = ours(b"{} \xc3]", false, 1, false);
    assert!(
        seen.last()
            .is_some_and(|s| s.column == 4 && s.message.starts_with("invalid UTF-8")),
        "{seen:#?}"
    );
}

/// Every windowed read of `text`, at every step, reports exactly `whole`.
fn assert_same_in_every_window(text: &[u8], whole: &[Seen]) {
    for step in 1..=text.len() {
        let windowed = ours(text, false, step, false);
        assert_eq!(windowed, whole, "step {step}: {}", show(text));
    }
}

/// Regression: an error placed at one byte but worded from the next (the byte after a
/// value, after a room in an array, after a backslash) names a lone byte
/// when the window edge cut that byte's character.
#[test]
fn window_edge_inside_the_character_an_error_names() {
    for text in [
        &b"[1\xc3\xa9"[..],
        b"[{} \xc3\xa9]",
        b"[1\xc3]",
        b"true\xc3\xa9",
        b"null\xe6\x9d\x8e",
        b"\"\\\xc3\xa9\"",
        b"{\"\\\xe6\x9d\x8e\":1}",
    ] {
        assert_same_in_every_window(text, &ours(text, true, 1, false));
    }
}

/// A leading byte-order mark is skipped and is not a column.
#[test]
fn a_byte_order_mark_is_not_a_column() {
    let text = "\u{feff}{}x".as_bytes();
    for (whole, step) in [(true, 1), (false, 1), (false, 2), (false, 64)] {
        let seen = ours(text, whole, step, false);
        let last = seen.last().filter(|s| s.rule == Rule::Syntax);
        // The `x` is an error of the room before it, so it has that
        // room's span.
        assert!(
            last.is_some_and(|s| (s.line, s.column, s.span) == (1, 3, (3, 5))),
            "whole {whole} step {step}: {seen:#?}"
        );
    }
    for text in [&b"{}x"[..], b"{\n\"id\":1}", b"", b" [] ", b"[{\"a\":1}]"] {
        check_bom(text, true).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Known field names are matched on their decoded value: `"\u0069d"` is
/// the room's `id`, and counts as a duplicate of `"id"`.
#[test]
fn escaped_field_names_are_the_field_names() {
    let seen = ours(
        br#"{"\u0069d":"r","\u0070articipants":{"p":{"identit\u0079":"p"}}}"#,
        true,
        1,
        true,
    );
    assert!(seen.is_empty(), "{seen:#?}");
    let seen = ours(
        br#"{"id":"r","\u0069d":"s","participants":{}}"#,
        true,
        1,
        false,
    );
    let rules: Vec<Rule> = seen.iter().map(|s| s.rule).collect();
    assert_eq!(rules, [Rule::DuplicateKey], "{seen:#?}");
    for text in [
        &br#"{"\u0069d":1,"participants":{}}"#[..],
        br#"{"participants":{"p":{"joined\u0041t":"x"}},"id":"r"}"#,
    ] {
        let seen = ours(text, true, 1, false);
        assert!(
            seen.iter().any(|s| s.rule == Rule::Type),
            "{}: {seen:#?}",
            show(text)
        );
    }
}
