//! A pull scanner over one byte buffer that keeps byte offsets for every
//! value. It exists because positions for every value, duplicate keys and
//! "keep going after a type error" are more than a DOM parser gives, and
//! because the valid path must run at parse speed: strings are borrowed and
//! only decoded when a key has escapes or text is shown to a person.
//!
//! The buffer may be a window of a longer stream: running off its end before
//! `eof` is `Incomplete`, and the caller refills and starts the room again.

use std::borrow::Cow;

/// Why scanning stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// The buffer ended before the value did, and more input may follow.
    Incomplete,
    /// The text is not JSON. Boxed so that every `Lexed` result on the hot
    /// path stays small.
    Syntax(Box<SyntaxError>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Offset into the buffer.
    pub at: usize,
    pub message: String,
}

pub type Lexed<T> = Result<T, Stop>;

/// A JSON string as it sits in the buffer, quotes excluded.
#[derive(Debug, Clone, Copy)]
pub struct JStr<'a> {
    pub raw: &'a [u8],
    /// Offset of the opening quote.
    pub at: usize,
    pub escaped: bool,
}

impl<'a> JStr<'a> {
    /// The string's value. Borrowed unless it has escapes; the buffer was
    /// checked as UTF-8 before anything is shown, so a failure here can only
    /// come from a window that the caller rejects anyway.
    pub fn decode(&self) -> Cow<'a, str> {
        if !self.escaped {
            // The window was checked as UTF-8 already; the fast check only
            // fails on a window the caller rejects anyway.
            return match std::str::from_utf8(self.raw) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(self.raw),
            };
        }
        Cow::Owned(unescape(self.raw))
    }

    /// The decoded bytes, to match against field names: `"\u0069d"` is `id`.
    pub fn name(&self) -> Cow<'a, [u8]> {
        if self.escaped {
            Cow::Owned(unescape(self.raw).into_bytes())
        } else {
            Cow::Borrowed(self.raw)
        }
    }

    /// Compares decoded values without allocating in the common case.
    #[inline]
    pub fn same_text(&self, other: &JStr<'_>) -> bool {
        if !self.escaped && !other.escaped {
            return self.raw == other.raw;
        }
        self.decode() == other.decode()
    }
}

/// The decoded value of string contents already checked by the scanner
/// (escapes well formed, surrogates paired, no raw control characters),
/// which serde_json decodes as it would any JSON string.
fn unescape(raw: &[u8]) -> String {
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

/// A JSON number as written, with what the scanner could read from it.
#[derive(Debug, Clone, Copy)]
pub struct JNum<'a> {
    pub raw: &'a [u8],
    pub at: usize,
    pub value: NumValue,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumValue {
    /// No fraction, no exponent, fits in i64.
    Int(i64),
    /// No fraction, no exponent, too large for i64.
    BigInt { negative: bool },
    /// Has a fraction or an exponent; may be infinite (`1e400`).
    Float(f64),
}

impl JNum<'_> {
    pub fn text(&self) -> &str {
        // Number syntax is ASCII by construction.
        std::str::from_utf8(self.raw).unwrap_or("?")
    }
}

/// What the next value is, judged from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// Deeper nesting than this is refused rather than risking the stack; real
/// rooms are five levels deep.
pub const MAX_DEPTH: usize = 256;

/// Copyable, so a hot loop can hold it in locals and hand it back.
#[derive(Clone, Copy)]
pub struct Lexer<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
    /// True when nothing follows the buffer.
    pub eof: bool,
}

/// Bytes that end the fast run inside a string: quote, backslash, controls.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The first offset from `i` holding a quote, a backslash or a control
/// character, eight bytes at a time (the SWAR "has byte" tests; borrows only
/// run upward, so the lowest flagged byte is exact).
#[inline]
fn string_stop(buf: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = buf.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w);
        let found = found & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = buf.get(i) {
        if STRING_STOP[b as usize] {
            break;
        }
        i += 1;
    }
    i
}

/// The value of the eight bytes at `i` if all are ASCII digits.
#[inline]
fn eight_digits(buf: &[u8], i: usize) -> Option<u64> {
    let chunk = buf.get(i..i + 8)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    let w = u64::from_le_bytes(word);
    // Every byte is 0x30..=0x39: its high nibble is 3 and adding 6 keeps
    // it below 0x40.
    let digits = (w & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030
        && (w.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030;
    if !digits {
        return None;
    }
    // The first digit is the lowest byte: pair, then quad, then all.
    let v = w - 0x3030_3030_3030_3030;
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((v.wrapping_mul(10_000) + (v >> 32)) & 0xFFFF_FFFF)
}

/// A key as [`Lexer::key_if`] looks for it: its quotes and the colon
/// after it, read as one little-endian word, and how many bytes count.
/// `KeyWord::NONE` matches nothing.
#[derive(Debug, Clone, Copy)]
pub struct KeyWord {
    word: u128,
    len: usize,
}

impl KeyWord {
    pub const NONE: KeyWord = KeyWord { word: 0, len: 0 };

    /// `key` must fit in the word with its quotes and colon, and need no
    /// escape; both are checked when the constant is built.
    pub const fn new(key: &str) -> KeyWord {
        let key = key.as_bytes();
        assert!(key.len() + 3 <= 16, "the key is too long for a KeyWord");
        let mut bytes = [0u8; 16];
        bytes[0] = b'"';
        let mut i = 0;
        while i < key.len() {
            assert!(key[i] != b'"' && key[i] != b'\\' && key[i] >= 0x20);
            bytes[i + 1] = key[i];
            i += 1;
        }
        bytes[key.len() + 1] = b'"';
        bytes[key.len() + 2] = b':';
        KeyWord {
            word: u128::from_le_bytes(bytes),
            len: key.len() + 3,
        }
    }

    /// Whether `key` is this key.
    pub fn is(&self, key: &JStr<'_>) -> bool {
        let bytes = self.word.to_le_bytes();
        !key.escaped && self.len >= 3 && bytes.get(1..self.len - 2) == Some(key.raw)
    }
}

impl<'a> Lexer<'a> {
    pub fn new(buf: &'a [u8], pos: usize, eof: bool) -> Self {
        Lexer { buf, pos, eof }
    }

    #[cold]
    pub fn syntax<T>(&self, at: usize, message: impl Into<String>) -> Lexed<T> {
        Err(Stop::Syntax(Box::new(SyntaxError {
            at,
            message: message.into(),
        })))
    }

    /// The end of the buffer: a syntax error at the end of input, otherwise
    /// a request for more.
    fn ran_out<T>(&self, what: &str) -> Lexed<T> {
        if self.eof {
            let message = if what.starts_with("in") {
                format!("unexpected end of input {what}")
            } else {
                format!("unexpected end of input; expected {what}")
            };
            self.syntax(self.buf.len(), message)
        } else {
            Err(Stop::Incomplete)
        }
    }

    /// The offset of the first byte at or after `pos` that is not JSON
    /// whitespace (`buf.len()` when there is none).
    pub fn after_ws(buf: &'a [u8], pos: usize) -> usize {
        let mut sc = Lexer::new(buf, pos, true);
        sc.skip_ws();
        sc.pos
    }

    #[inline(always)]
    pub fn skip_ws(&mut self) {
        const SPACES: u64 = 0x2020_2020_2020_2020;
        loop {
            let Some(&b) = self.buf.get(self.pos) else {
                return;
            };
            // Every byte above the space is significant: one compare for
            // the common case.
            if b > b' ' {
                return;
            }
            if b != b' ' {
                if b == b'\n' || b == b'\r' || b == b'\t' {
                    self.pos += 1;
                    continue;
                }
                return;
            }
            // A run of spaces (indentation): skip it eight bytes at a time.
            match self.buf.get(self.pos..self.pos + 8) {
                Some(chunk) => {
                    let mut word = [0u8; 8];
                    word.copy_from_slice(chunk);
                    let other = u64::from_le_bytes(word) ^ SPACES;
                    self.pos += if other == 0 {
                        8
                    } else {
                        (other.trailing_zeros() / 8) as usize
                    };
                }
                None => self.pos += 1,
            }
        }
    }

    /// The next significant byte, or `None` at the end of the buffer.
    #[inline]
    pub fn peek_byte(&mut self) -> Option<u8> {
        self.skip_ws();
        self.buf.get(self.pos).copied()
    }

    /// The kind of the next value.
    #[inline]
    pub fn peek_kind(&mut self, what: &str) -> Lexed<Kind> {
        let Some(b) = self.peek_byte() else {
            return self.ran_out(what);
        };
        Ok(match b {
            b'{' => Kind::Object,
            b'[' => Kind::Array,
            b'"' => Kind::String,
            b'-' | b'0'..=b'9' => Kind::Number,
            b't' | b'f' => Kind::Bool,
            b'n' => Kind::Null,
            _ => return self.unexpected(what),
        })
    }

    pub fn unexpected<T>(&self, what: &str) -> Lexed<T> {
        match self.buf.get(self.pos) {
            None => self.ran_out(what),
            Some(_) => {
                let shown = describe_byte(&self.buf[self.pos..]);
                self.syntax(self.pos, format!("expected {what}, found {shown}"))
            }
        }
    }

    /// Consumes `byte` if it is next.
    #[inline]
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek_byte() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// After the opening `{` or a `,`: the next key, or `None` at `}`.
    /// `first` says whether a member has been read already.
    #[inline]
    pub fn next_key(&mut self, first: bool) -> Lexed<Option<JStr<'a>>> {
        match self.peek_byte() {
            Some(b'}') => {
                if first {
                    self.pos += 1;
                    return Ok(None);
                }
                return self.syntax(
                    self.pos,
                    "expected a key after ',', found '}' (JSON does not allow a trailing comma)",
                );
            }
            Some(b'"') => {}
            _ => return self.unexpected("a key (a string) or '}'"),
        }
        let key = self.string()?;
        // The colon nearly always follows the key directly.
        if self.buf.get(self.pos) == Some(&b':') {
            self.pos += 1;
        } else if !self.eat(b':') {
            return self.unexpected("':' after the key");
        }
        Ok(Some(key))
    }

    /// The next key if it is `expected` and a colon follows it at once,
    /// found by one comparison instead of a scan; `None`, with only the
    /// whitespace before it read, otherwise.
    #[inline(always)]
    pub fn key_if(&mut self, expected: KeyWord) -> Option<JStr<'a>> {
        if expected.len == 0 {
            return None;
        }
        self.skip_ws();
        let at = self.pos;
        let chunk: [u8; 16] = self.buf.get(at..at + 16)?.try_into().ok()?;
        let mask = u128::MAX >> (128 - 8 * expected.len.min(16));
        if (u128::from_le_bytes(chunk) ^ expected.word) & mask != 0 {
            return None;
        }
        self.pos = at + expected.len;
        Some(JStr {
            raw: self.buf.get(at + 1..at + expected.len - 2)?,
            at,
            escaped: false,
        })
    }

    /// After a member's value: true if another member follows.
    #[inline]
    pub fn more_members(&mut self) -> Lexed<bool> {
        match self.peek_byte() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b'}') => {
                self.pos += 1;
                Ok(false)
            }
            _ => self.unexpected("',' or '}' after an object member"),
        }
    }

    /// After `[` or an element: true if an element follows.
    pub fn more_elements(&mut self, first: bool) -> Lexed<bool> {
        match self.peek_byte() {
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                Ok(true)
            }
            _ if first => Ok(true),
            _ => self.unexpected("',' or ']' after an array element"),
        }
    }

    /// A string; the scanner is at its opening quote. The common string
    /// (no escapes) is found inline; escapes and errors go the long way.
    #[inline(always)]
    pub fn string(&mut self) -> Lexed<JStr<'a>> {
        let at = self.pos;
        let buf = self.buf;
        let i = string_stop(buf, at + 1);
        if buf.get(i) == Some(&b'"') {
            self.pos = i + 1;
            return Ok(JStr {
                raw: &buf[at + 1..i],
                at,
                escaped: false,
            });
        }
        self.string_rest(at, i)
    }

    /// The rest of a string from `i`, the first byte that is not plain.
    #[inline(never)]
    fn string_rest(&mut self, at: usize, mut i: usize) -> Lexed<JStr<'a>> {
        let buf = self.buf;
        let mut escaped = false;
        loop {
            let Some(&b) = buf.get(i) else {
                return self.ran_out("inside a string");
            };
            match b {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(JStr {
                        raw: &buf[at + 1..i],
                        at,
                        escaped,
                    });
                }
                b'\\' => {
                    escaped = true;
                    i = string_stop(buf, self.escape(i)?);
                }
                _ => {
                    return self.syntax(
                        i,
                        format!(
                            "control character {} inside a string; write it as an escape",
                            describe_byte(&buf[i..])
                        ),
                    );
                }
            }
        }
    }

    /// Checks the escape at `i` (a backslash); returns the offset after it.
    fn escape(&self, i: usize) -> Lexed<usize> {
        let Some(&e) = self.buf.get(i + 1) else {
            return self.ran_out("inside a string");
        };
        match e {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(i + 2),
            b'u' => {
                let cp = self.hex_escape(i)?;
                if (0xDC00..0xE000).contains(&cp) {
                    return self.syntax(i, "lone trailing surrogate in a \\u escape");
                }
                if (0xD800..0xDC00).contains(&cp) {
                    match (self.buf.get(i + 6), self.buf.get(i + 7)) {
                        (Some(b'\\'), Some(b'u')) => {}
                        (None, _) | (Some(b'\\'), None) => {
                            return self.ran_out("inside a string");
                        }
                        _ => return self.syntax(i, "lone leading surrogate in a \\u escape"),
                    }
                    let lo = self.hex_escape(i + 6)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return self.syntax(i, "lone leading surrogate in a \\u escape");
                    }
                    return Ok(i + 12);
                }
                Ok(i + 6)
            }
            _ => self.syntax(
                i,
                format!(
                    "invalid escape {}; JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                    describe_byte(&self.buf[i + 1..])
                ),
            ),
        }
    }

    fn hex_escape(&self, i: usize) -> Lexed<u32> {
        let mut v = 0u32;
        for k in 0..4 {
            let Some(&d) = self.buf.get(i + 2 + k) else {
                return self.ran_out("inside a string");
            };
            let Some(h) = (d as char).to_digit(16) else {
                return self.syntax(i + 2 + k, "expected 4 hex digits after \\u");
            };
            v = v * 16 + h;
        }
        Ok(v)
    }

    /// A number; the scanner is at its first byte.
    #[inline]
    pub fn number(&mut self) -> Lexed<JNum<'a>> {
        let buf = self.buf;
        let at = self.pos;
        let mut i = at;
        let negative = buf.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let int_start = i;
        // The value is accumulated while scanning; 18 digits always fit.
        let mut magnitude: u64 = 0;
        match buf.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                // Eight digits at a time while they last (a timestamp has 13).
                while let Some(eight) = eight_digits(buf, i) {
                    magnitude = magnitude.wrapping_mul(100_000_000).wrapping_add(eight);
                    i += 8;
                }
                while let Some(&d @ b'0'..=b'9') = buf.get(i) {
                    magnitude = magnitude.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    i += 1;
                }
            }
            Some(_) => return self.syntax(i, "expected a digit in a number"),
            None => return self.ran_out("in a number"),
        }
        let int_end = i;
        let mut float = false;
        if buf.get(i) == Some(&b'.') {
            float = true;
            i += 1;
            let digits = i;
            while let Some(b'0'..=b'9') = buf.get(i) {
                i += 1;
            }
            if i == digits {
                return self.digit_expected(i, "after the decimal point");
            }
        }
        if let Some(b'e' | b'E') = buf.get(i) {
            float = true;
            i += 1;
            if let Some(b'+' | b'-') = buf.get(i) {
                i += 1;
            }
            let digits = i;
            while let Some(b'0'..=b'9') = buf.get(i) {
                i += 1;
            }
            if i == digits {
                return self.digit_expected(i, "in the exponent");
            }
        }
        if i == buf.len() && !self.eof {
            // The number may go on in the next window.
            return Err(Stop::Incomplete);
        }
        if let Some(b'0'..=b'9') = buf.get(i) {
            return self.syntax(i, "invalid number: leading zeros are not allowed");
        }
        let raw = &buf[at..i];
        self.pos = i;
        let value = if float {
            let text = std::str::from_utf8(raw).unwrap_or("0");
            NumValue::Float(text.parse::<f64>().unwrap_or(f64::NAN))
        } else if int_end - int_start <= 18 {
            let v = magnitude as i64;
            NumValue::Int(if negative { -v } else { v })
        } else {
            int_value(&buf[int_start..int_end], negative)
        };
        Ok(JNum { raw, at, value })
    }

    fn digit_expected<T>(&self, i: usize, place: &str) -> Lexed<T> {
        if i == self.buf.len() {
            return self.ran_out("in a number");
        }
        self.syntax(i, format!("expected a digit {place}"))
    }

    /// `true`, `false` or `null`.
    pub fn literal(&mut self) -> Lexed<Kind> {
        let rest = &self.buf[self.pos..];
        let (word, kind): (&[u8], Kind) = match rest.first() {
            Some(b't') => (b"true", Kind::Bool),
            Some(b'f') => (b"false", Kind::Bool),
            _ => (b"null", Kind::Null),
        };
        let n = word.len().min(rest.len());
        if rest[..n] != word[..n] {
            return self.unexpected("a value");
        }
        if n < word.len() {
            return self.ran_out("in a literal");
        }
        self.pos += word.len();
        Ok(kind)
    }

    pub fn literal_is_true(&self, at: usize) -> bool {
        self.buf.get(at) == Some(&b't')
    }
}

/// An integer too long for the inline path: an i64 when it fits.
fn int_value(digits: &[u8], negative: bool) -> NumValue {
    let magnitude = std::str::from_utf8(digits)
        .ok()
        .and_then(|text| text.parse::<u64>().ok());
    let value = magnitude.and_then(|m| {
        if negative {
            0i64.checked_sub_unsigned(m)
        } else {
            i64::try_from(m).ok()
        }
    });
    match value {
        Some(v) => NumValue::Int(v),
        None => NumValue::BigInt { negative },
    }
}

/// A byte as a person would want it named in an error.
pub fn describe_byte(rest: &[u8]) -> String {
    match rest.first() {
        None => "end of input".to_string(),
        Some(&b) if b.is_ascii_graphic() => format!("'{}'", b as char),
        Some(&b) if b < 0x80 => format!("byte 0x{b:02x}"),
        Some(_) => {
            // The character the byte starts, if it is a whole one.
            let head = &rest[..rest.len().min(4)];
            let valid = match std::str::from_utf8(head) {
                Ok(text) => text,
                Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
            };
            match valid.chars().next() {
                Some(c) => format!("'{}' (U+{:04X})", c.escape_default(), c as u32),
                None => format!("byte 0x{:02x}", rest[0]),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Lexed<NumValue> {
        let mut s = Lexer::new(text.as_bytes(), 0, true);
        s.number().map(|n| n.value)
    }

    /// What `key_if` takes from `text` (padded so a word can be read), and
    /// where it leaves the lexer.
    fn key_if(text: &str, key: KeyWord) -> (Option<(String, usize)>, usize) {
        let padded = format!("{text}{}", " ".repeat(16));
        let mut lx = Lexer::new(padded.as_bytes(), 0, true);
        let found = lx.key_if(key).map(|k| (k.decode().into_owned(), k.at));
        (found, lx.pos)
    }

    #[test]
    fn key_if_takes_only_the_expected_key_with_its_colon() {
        let identity = KeyWord::new("identity");
        assert_eq!(
            key_if("  \"identity\":1", identity),
            (Some(("identity".into(), 2)), 13)
        );
        // Anything else is left to `next_key`, whitespace aside.
        assert_eq!(key_if("  \"identity\" :1", identity), (None, 2));
        assert_eq!(key_if("\"identityx\":1", identity), (None, 0));
        assert_eq!(key_if("\"identit\":1", identity), (None, 0));
        assert_eq!(key_if("\"ident\\u0069ty\":1", identity), (None, 0));
        assert_eq!(key_if("\"name\":1", identity), (None, 0));
        assert_eq!(key_if("\"identity\":1", KeyWord::NONE), (None, 0));
        // The longest key a word holds, and a buffer too short for a word.
        let longest = KeyWord::new("abcdefghijklm");
        assert_eq!(
            key_if("\"abcdefghijklm\":", longest),
            (Some(("abcdefghijklm".into(), 0)), 16)
        );
        assert_eq!(key_if("\"abcdefghijklx\":", longest), (None, 0));
        let mut short = Lexer::new(b"\"identity\":1", 0, true);
        assert!(short.key_if(identity).is_none());
    }

    #[test]
    fn a_key_word_knows_its_key_decoded_or_not() {
        let name = KeyWord::new("name");
        let key = |text: &'static str| {
            let mut lx = Lexer::new(text.as_bytes(), 0, true);
            lx.string().ok()
        };
        assert!(key("\"name\"").is_some_and(|k| name.is(&k)));
        assert!(!key("\"nam\"").is_some_and(|k| name.is(&k)));
        assert!(!key("\"names\"").is_some_and(|k| name.is(&k)));
        // Escaped keys take the slow comparison elsewhere.
        assert!(!key("\"n\\u0061me\"").is_some_and(|k| name.is(&k)));
        assert!(!key("\"name\"").is_some_and(|k| KeyWord::NONE.is(&k)));
    }

    #[test]
    fn numbers_keep_integers_exact_and_flag_big_ones() {
        assert_eq!(num("1587667174725"), Ok(NumValue::Int(1587667174725)));
        assert_eq!(num("-5"), Ok(NumValue::Int(-5)));
        assert_eq!(num("9223372036854775807"), Ok(NumValue::Int(i64::MAX)));
        assert_eq!(num("-9223372036854775808"), Ok(NumValue::Int(i64::MIN)));
        assert_eq!(
            num("9223372036854775808"),
            Ok(NumValue::BigInt { negative: false })
        );
        assert_eq!(
            num("-9223372036854775809"),
            Ok(NumValue::BigInt { negative: true })
        );
        assert_eq!(
            num("123456789012345678901234567890"),
            Ok(NumValue::BigInt { negative: false })
        );
        assert_eq!(num("1.5"), Ok(NumValue::Float(1.5)));
        assert_eq!(num("1e400"), Ok(NumValue::Float(f64::INFINITY)));
    }

    #[test]
    fn numbers_of_every_length_read_exactly() {
        let mut v: i64 = 0;
        for digit in (1..=18).map(|n| n % 10) {
            v = v * 10 + digit;
            assert_eq!(num(&v.to_string()), Ok(NumValue::Int(v)));
            assert_eq!(num(&format!("-{v}")), Ok(NumValue::Int(-v)));
            assert_eq!(num(&format!("{v} ")), Ok(NumValue::Int(v)));
        }
        assert_eq!(eight_digits(b"12345678", 0), Some(12_345_678));
        assert_eq!(eight_digits(b"1234567:", 0), None);
        assert_eq!(eight_digits(b"1234567/", 0), None);
        assert_eq!(
            num("1700000000000.5"),
            Ok(NumValue::Float(1_700_000_000_000.5))
        );
    }

    #[test]
    fn malformed_numbers_are_syntax_errors() {
        for bad in ["01", "-", "1.", "1e", "1e+", "-a"] {
            assert!(matches!(num(bad), Err(Stop::Syntax(_))), "{bad}");
        }
    }

    #[test]
    fn a_number_at_the_end_of_a_window_asks_for_more() {
        let mut s = Lexer::new(b"12", 0, false);
        assert_eq!(s.number().map(|n| n.value), Err(Stop::Incomplete));
    }

    #[test]
    fn strings_decode_escapes_and_surrogate_pairs() {
        let mut s = Lexer::new(br#""a\n\u00e9\ud83d\ude00\"""#, 0, true);
        let j = s.string().ok();
        assert_eq!(
            j.map(|j| j.decode().into_owned()),
            Some("a\né😀\"".to_string())
        );
    }

    #[test]
    fn string_stop_finds_the_first_special_byte_at_any_alignment() {
        for len in 0..20 {
            for special in [b'"', b'\\', 0x00, 0x1f, 0x0a] {
                let mut text = vec![b'a'; len];
                text.extend_from_slice("é€😀".as_bytes());
                let at = text.len();
                text.push(special);
                text.extend_from_slice(b"\"zz");
                assert_eq!(string_stop(&text, 0), at, "len {len} byte {special}");
            }
            assert_eq!(string_stop(&vec![b' '; len], 0), len);
        }
    }

    #[test]
    fn raw_control_characters_and_lone_surrogates_are_rejected() {
        for bad in ["\"a\u{1}\"", r#""\ud800x""#, r#""\udc00""#, r#""\q""#] {
            let mut s = Lexer::new(bad.as_bytes(), 0, true);
            assert!(matches!(s.string(), Err(Stop::Syntax(_))), "{bad}");
        }
    }
}
