//! The syntax oracle shared by `tests/differential.rs` and the fuzz target
//! `fuzz/fuzz_targets/rooms.rs` (which includes this file by path).
//!
//! serde_json's stream deserializer into `IgnoredAny` decides whether a text
//! is a valid stream of JSON values. The scanner is meant to accept exactly
//! the same texts, except where it deliberately differs:
//!
//! - a leading UTF-8 BOM is skipped (serde_json rejects it);
//! - the whole input must be UTF-8 (RFC 8259 §8.1); `IgnoredAny` over a
//!   slice does not check UTF-8 inside strings, serde_json's `String` and
//!   `Value` do;
//! - `\u` escapes must not be lone surrogates; `IgnoredAny` does not check
//!   them, serde_json's `String` and `Value` reject them;
//! - nesting deeper than 256 levels is a syntax error (`IgnoredAny` has no
//!   limit); callers keep generated depth far below it and skip a case
//!   whose only error is that one;
//! - numbers out of f64 range (`1e400`) are accepted, as `IgnoredAny` does.
//!
//! Everything else is parity, including the cases that once differed:
//! a number or literal that runs straight into the next value (`1true`,
//! `null1`) is a syntax error, and an array of rooms may be followed by
//! more values (`[] []`, `[1] 2`), which makes a stream.

#![allow(dead_code)]

use std::io::Cursor;

use room_inspector::diag::Rule;
use room_inspector::input::rooms_of;
use room_inspector::walk::{Collect, Options, Split};
use serde::de::IgnoredAny;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    Serde,
    Utf8,
    LoneSurrogate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Valid,
    /// Not JSON, and why: serde_json's error, invalid UTF-8, or a lone
    /// surrogate escape.
    Invalid(Why),
}

/// Whether serde_json reads `text` as a stream of zero or more values.
pub fn serde_accepts(text: &[u8]) -> bool {
    serde_json::Deserializer::from_slice(text)
        .into_iter::<IgnoredAny>()
        .all(|r| r.is_ok())
}

/// What the scanner should say about `text`: the serde_json verdict with
/// the deliberate differences applied.
pub fn expect(text: &[u8]) -> Expect {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    if std::str::from_utf8(body).is_err() {
        return Expect::Invalid(Why::Utf8);
    }
    if !serde_accepts(body) {
        return Expect::Invalid(Why::Serde);
    }
    if has_lone_surrogate(body) {
        return Expect::Invalid(Why::LoneSurrogate);
    }
    Expect::Valid
}

/// A `\u` escape that is a lone surrogate, in a text that serde_json has
/// already found well formed (so strings and escapes are complete).
pub fn has_lone_surrogate(t: &[u8]) -> bool {
    fn hex(t: &[u8], at: usize) -> Option<u32> {
        let digits = t.get(at..at + 4)?;
        let s = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(s, 16).ok()
    }
    let mut i = 0;
    let mut in_string = false;
    while i < t.len() {
        let b = t[i];
        if !in_string {
            in_string = b == b'"';
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = false;
                i += 1;
            }
            b'\\' if t.get(i + 1) == Some(&b'u') => {
                let cp = hex(t, i + 2).unwrap_or(0);
                if (0xDC00..0xE000).contains(&cp) {
                    return true;
                }
                if (0xD800..0xDC00).contains(&cp) {
                    let pair = t.get(i + 6) == Some(&b'\\')
                        && t.get(i + 7) == Some(&b'u')
                        && hex(t, i + 8).is_some_and(|lo| (0xDC00..0xE000).contains(&lo));
                    if !pair {
                        return true;
                    }
                    i += 12;
                } else {
                    i += 6;
                }
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    false
}

/// The deepest bracket nesting outside strings; exact up to the first
/// syntax error, which is all a "too deep" verdict can have seen.
/// The deepest run of open brackets, strings ignored.
fn bracket_depth(t: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0);
    for &b in t {
        match b {
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

pub fn max_nesting(t: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut i) = (0usize, 0, false, 0);
    while i < t.len() {
        match (in_string, t[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'[' | b'{') => {
                depth += 1;
                max = max.max(depth);
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

/// One diagnostic as a command would see it, with its room.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub index: usize,
    pub span: (usize, usize),
    pub rule: Rule,
    pub line: usize,
    pub column: usize,
    pub pointer: String,
    pub message: String,
}

/// Runs `rooms_of` over `text`; panics if it fails to return normally.
pub fn ours(text: &[u8], whole: bool, step: usize, strict: bool) -> Vec<Seen> {
    ours_split(text, whole, step, strict, Split::Never)
}

/// `ours`, with a second thread taking over each participants map at
/// `split`.
pub fn ours_split(text: &[u8], whole: bool, step: usize, strict: bool, split: Split) -> Vec<Seen> {
    let opts = Options {
        rules: room_inspector::rules::RuleSet::defaults(strict),
        now_ms: 1_717_200_000_000,
        split,
        collect: Collect {
            participants: true,
            timestamps: true,
            ..Collect::NOTHING
        },
    };
    let mut seen = Vec::new();
    let reader = Box::new(Cursor::new(text.to_vec()));
    // `capacity` only sizes the first allocation; vary it so a whole read
    // starts exact and a windowed one starts empty.
    let capacity = if whole { text.len() + 1 } else { 0 };
    let result = rooms_of("t".into(), reader, whole, step, capacity, &opts, &mut |r| {
        // Touch what a command would touch, so a bad span panics here.
        let _ = r.text();
        for d in &r.diagnostics {
            seen.push(Seen {
                index: r.origin.index,
                span: r.span,
                rule: d.rule,
                line: d.line,
                column: d.column,
                pointer: d.pointer.clone(),
                message: d.message.clone(),
            });
        }
        Ok(())
    });
    match result {
        Ok(()) => {}
        Err(e) => panic!("neither a Cursor nor this sink fails, got {e}"),
    }
    seen
}

pub fn has_syntax_error(seen: &[Seen]) -> bool {
    seen.iter().any(|s| s.rule == Rule::Syntax)
}

/// Our error for nesting past the scanner's limit, which serde_json's
/// `IgnoredAny` does not have.
pub fn too_deep(seen: &[Seen]) -> bool {
    seen.iter()
        .any(|s| s.rule == Rule::Syntax && s.message.starts_with("nesting deeper than"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Same verdict as the oracle, which said this.
    Agree(Expect),
    /// Refused for nesting past the limit, which the oracle does not have.
    TooDeep,
}

/// Compares the scanner's verdict (read whole) with the oracle.
pub fn check_verdict(text: &[u8], strict: bool) -> Result<Outcome, String> {
    let seen = ours(text, true, 1, strict);
    let syntax: Vec<&Seen> = seen.iter().filter(|s| s.rule == Rule::Syntax).collect();
    // A syntax error ends the input, except in NDJSON, where reading goes
    // on from the next line: nothing may be reported before its line.
    let ends = |i: usize| {
        let s = &seen[i];
        s.rule != Rule::Syntax || seen[i + 1..].iter().all(|later| later.line >= s.line)
    };
    if !(0..seen.len()).all(ends) {
        return Err(format!(
            "after a syntax error, reading may only go on from a later line\n  input: {}\n  seen: {seen:#?}",
            show(text)
        ));
    }
    if too_deep(&seen) {
        // A value is refused at level 257: inside 256 containers. After a
        // syntax error the tool reads on from a later line, where a quote
        // the oracle took to open a string may not be one: so brackets
        // are also counted ignoring strings, an upper bound.
        let deepest = max_nesting(text).max(bracket_depth(text));
        if deepest < 256 {
            return Err(format!(
                "nesting refused at depth {deepest} only\n  input: {}",
                show(text)
            ));
        }
        return Ok(Outcome::TooDeep);
    }
    let ours_invalid = !syntax.is_empty();
    let e = expect(text);
    let serde_invalid = matches!(e, Expect::Invalid(_));
    if ours_invalid == serde_invalid {
        return Ok(Outcome::Agree(e));
    }
    Err(format!(
        "verdicts differ\n  input: {}\n  oracle: {e:?}\n  ours: {}",
        show(text),
        match syntax.first() {
            Some(s) => format!("syntax error at {}:{}: {}", s.line, s.column, s.message),
            None => "valid".to_string(),
        }
    ))
}

/// Compares windowed reads with the whole read: every diagnostic must be
/// the same, message and span included. One exception: the span of a
/// `no-room` report, which stands for no text at all (a windowed read puts
/// it where the window had got to, a whole read at 0).
pub fn check_windows(text: &[u8], steps: &[usize], strict: bool) -> Result<(), String> {
    let whole = ours(text, true, 1, strict);
    for &step in steps {
        let windowed = ours(text, false, step, strict);
        let same = whole.len() == windowed.len()
            && whole
                .iter()
                .zip(&windowed)
                .all(|(w, s)| comparable(w) == comparable(s));
        if !same {
            return Err(format!(
                "step {step} differs from the whole read\n  input: {}\n  whole: {whole:#?}\n  step {step}: {windowed:#?}",
                show(text)
            ));
        }
    }
    Ok(())
}

/// Compares reads of `text` whose participants maps a second thread takes
/// over at a quote (where a key may start) with the read on one thread.
pub fn check_splits(text: &[u8], strict: bool) -> Result<(), String> {
    let whole = ours(text, true, 1, strict);
    for at in (0..text.len()).filter(|&i| text[i] == b'"') {
        let split = ours_split(text, true, 1, strict, Split::At(at));
        if split != whole {
            return Err(format!(
                "split at {at} differs from one thread\n  input: {}\n  one thread: {whole:#?}\n  split: {split:#?}",
                show(text)
            ));
        }
    }
    Ok(())
}

/// `s` with the span of a `no-room` report, which stands for no text,
/// set to (0, 0).
fn comparable(s: &Seen) -> Seen {
    let mut s = s.clone();
    if s.rule == Rule::NoRoom {
        s.span = (0, 0);
    }
    s
}

/// Compares a read of `text` behind a byte-order mark with a read of
/// `text` alone: the mark is not a column, so only the spans move, by the
/// mark's three bytes. `text` must not start with a mark itself.
pub fn check_bom(text: &[u8], strict: bool) -> Result<(), String> {
    let bare = ours(text, true, 1, strict);
    let marked = ours(&[BOM, text].concat(), true, 1, strict);
    let shifted = |s: &Seen| {
        let mut s = comparable(s);
        if s.rule != Rule::NoRoom {
            s.span = (s.span.0 + BOM.len(), s.span.1 + BOM.len());
        }
        s
    };
    if bare.iter().map(shifted).eq(marked.iter().map(comparable)) {
        return Ok(());
    }
    Err(format!(
        "a byte-order mark changes the diagnostics\n  input: {}\n  bare: {bare:#?}\n  marked: {marked:#?}",
        show(text)
    ))
}

/// The input as a Rust byte-string literal, short enough to read.
pub fn show(text: &[u8]) -> String {
    let mut s = String::from("b\"");
    for &b in text.iter().take(600) {
        s.extend(std::ascii::escape_default(b).map(char::from));
    }
    s.push('"');
    if text.len() > 600 {
        s.push_str(&format!(" ... ({} bytes)", text.len()));
    }
    s
}
