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
//! Two further differences are not deliberate as far as this helper knows
//! and are classified as `Divergence`s so that a test can count them
//! without failing; see `Divergence`.

#![allow(dead_code)]

use std::io::Cursor;

use room_inspector::diag::Rule;
use room_inspector::input::rooms_of;
use room_inspector::room::{Collect, Options};
use serde::de::IgnoredAny;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where the scanner and serde_json disagree by the scanner's current
/// design rather than by accident of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Divergence {
    /// The input starts with `[` and more values follow the array
    /// (`[1] 2`, `[] []`): serde_json reads a stream of two values, the
    /// scanner reads one array of rooms and then "trailing characters".
    ArrayThenMore,
    /// A top-level number or literal is directly followed by another value
    /// (`1true`, `truefalse`, `1-1`, `null1`): serde_json requires
    /// whitespace or punctuation after a value that does not end itself,
    /// the scanner starts the next value and reports no syntax error.
    Adjacent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Valid,
    Invalid,
    Diverges(Divergence),
}

enum Serde {
    Ok { items: usize },
    /// `TrailingCharacters` after a value that ends at `at`.
    Trailing { at: usize },
    Err,
}

fn serde_stream(text: &[u8]) -> Serde {
    let mut it = serde_json::Deserializer::from_slice(text).into_iter::<IgnoredAny>();
    let mut items = 0;
    loop {
        match it.next() {
            None => return Serde::Ok { items },
            Some(Ok(_)) => items += 1,
            Some(Err(e)) => {
                if e.to_string().starts_with("trailing characters") {
                    return Serde::Trailing {
                        at: it.byte_offset(),
                    };
                }
                return Serde::Err;
            }
        }
    }
}

/// What the scanner should say about `text`: the serde_json verdict with
/// the deliberate differences applied.
pub fn expect(text: &[u8]) -> Expect {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    if std::str::from_utf8(body).is_err() {
        return Expect::Invalid;
    }
    let mut t = body.to_vec();
    let mut adjacent = false;
    loop {
        match serde_stream(&t) {
            Serde::Err => return Expect::Invalid,
            Serde::Trailing { at } => {
                // Only a byte that starts a value makes the scanner read on;
                // anything else is a syntax error for both.
                if !matches!(t.get(at), Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n')) {
                    return Expect::Invalid;
                }
                t.insert(at, b' ');
                adjacent = true;
            }
            Serde::Ok { items } => {
                if has_lone_surrogate(&t) {
                    return Expect::Invalid;
                }
                let first = t.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
                if first == Some(&b'[') && items > 1 {
                    return Expect::Diverges(Divergence::ArrayThenMore);
                }
                if adjacent {
                    return Expect::Diverges(Divergence::Adjacent);
                }
                return Expect::Valid;
            }
        }
    }
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
    let opts = Options {
        strict,
        now_ms: 1_717_200_000_000,
        collect: Collect {
            participants: true,
            timestamps: true,
        },
    };
    let mut seen = Vec::new();
    let reader = Box::new(Cursor::new(text.to_vec()));
    let result = rooms_of("t".into(), reader, whole, step, &opts, &mut |r| {
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
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("the sink never fails, got {e}"),
        Err(e) => panic!("a Cursor never fails to read, got {e}"),
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
    Agree,
    Diverged(Divergence),
    TooDeep,
}

/// Compares the scanner's verdict (read whole) with the oracle.
pub fn check_verdict(text: &[u8], strict: bool) -> Result<Outcome, String> {
    let seen = ours(text, true, 1, strict);
    let syntax: Vec<&Seen> = seen.iter().filter(|s| s.rule == Rule::Syntax).collect();
    if syntax.len() > 1 || (syntax.len() == 1 && seen.last() != Some(syntax[0])) {
        return Err(format!(
            "a syntax error must end the input and come last\n  input: {}\n  seen: {seen:#?}",
            show(text)
        ));
    }
    if too_deep(&seen) {
        return Ok(Outcome::TooDeep);
    }
    let ours_invalid = !syntax.is_empty();
    match expect(text) {
        Expect::Diverges(d) => Ok(Outcome::Diverged(d)),
        e => {
            let serde_invalid = e == Expect::Invalid;
            if ours_invalid == serde_invalid {
                Ok(Outcome::Agree)
            } else {
                Err(format!(
                    "verdicts differ\n  input: {}\n  oracle: {}\n  ours: {}",
                    show(text),
                    if serde_invalid { "syntax error" } else { "valid" },
                    match syntax.first() {
                        Some(s) => format!("syntax error at {}:{}: {}", s.line, s.column, s.message),
                        None => "valid".to_string(),
                    }
                ))
            }
        }
    }
}

/// Compares windowed reads with the whole read. The rooms, rules, places
/// and pointers must be equal; a message that differs only in wording is
/// returned as a note.
pub fn check_windows(text: &[u8], steps: &[usize], strict: bool) -> Result<Vec<String>, String> {
    let whole = ours(text, true, 1, strict);
    let key = |s: &Seen| (s.index, s.span, s.rule, s.line, s.column, s.pointer.clone());
    let mut notes = Vec::new();
    for &step in steps {
        let windowed = ours(text, false, step, strict);
        let a: Vec<_> = whole.iter().map(key).collect();
        let b: Vec<_> = windowed.iter().map(key).collect();
        if a != b {
            return Err(format!(
                "step {step} differs from the whole read\n  input: {}\n  whole: {whole:#?}\n  step {step}: {windowed:#?}",
                show(text)
            ));
        }
        for (w, s) in whole.iter().zip(&windowed) {
            if w.message != s.message {
                notes.push(format!(
                    "step {step}: message differs at {}:{}\n  input: {}\n  whole: {}\n  step:  {}",
                    w.line,
                    w.column,
                    show(text),
                    w.message,
                    s.message
                ));
            }
        }
    }
    Ok(notes)
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
