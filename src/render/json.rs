//! JSON for every command's output: exact, and safe to show. JSON only
//! requires C0 controls to be escaped, so a name holding DEL, a C1 control,
//! a bidi override, a zero-width character or a line separator would reach
//! whoever runs `cat` or `jq` on the output raw. Each of those is written
//! as a `\uXXXX` escape instead, which every JSON reader decodes back to
//! the same text: nothing is lost, so JSON stays the exact format.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Characters past ASCII's printable range that must not reach a terminal
/// raw (C0 controls are escaped by every JSON writer already).
fn needs_escape(c: char) -> bool {
    c as u32 >= 0x7f && crate::term::is_hazard(c)
}

/// `value` as compact JSON with the escapes above.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Escaping);
    value.serialize(&mut ser)
}

/// `value` as JSON indented by two spaces, with the escapes above: for a
/// single document people open too (SARIF).
pub fn to_writer_pretty<W: Write, T: Serialize + ?Sized>(
    out: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, PrettyEscaping::default());
    value.serialize(&mut ser)
}

/// The compact formatter, with string fragments escaped as above.
struct Escaping;

/// The pretty formatter, with string fragments escaped as above.
#[derive(Default)]
struct PrettyEscaping(PrettyFormatter<'static>);

impl Formatter for PrettyEscaping {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaped(writer, fragment)
    }
}

impl Formatter for Escaping {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaped(writer, fragment)
    }
}

/// `text` with the characters above written as `\uXXXX`: inside a JSON
/// string the escape means the same text.
pub fn write_escaped<W: ?Sized + Write>(out: &mut W, text: &str) -> io::Result<()> {
    if !needs_escapes(text.as_bytes()) {
        return out.write_all(text.as_bytes());
    }
    let mut units = [0u16; 2];
    let mut plain = [0u8; 4];
    for c in text.chars() {
        if needs_escape(c) {
            for unit in c.encode_utf16(&mut units) {
                write!(out, "\\u{unit:04x}")?;
            }
        } else {
            out.write_all(c.encode_utf8(&mut plain).as_bytes())?;
        }
    }
    Ok(())
}

/// Bytes copied from the input's JSON, which may hold invalid UTF-8 only
/// where the walk already reported it: valid runs are escaped, the rest
/// copied. Outside a string such a character is a syntax error either way.
pub fn write_escaped_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    if !needs_escapes(bytes) {
        return out.extend_from_slice(bytes);
    }
    for chunk in bytes.utf8_chunks() {
        // Writing into a Vec cannot fail.
        let _ = write_escaped(out, chunk.valid());
        out.extend_from_slice(chunk.invalid());
    }
}

/// Whether `bytes` hold a character to escape. The usual text is ASCII
/// without DEL, which two word-at-a-time passes show; other text is looked
/// at only at the lead bytes of what is escaped (DEL, C1 `C2 xx`, U+061C
/// `D8 9C`, U+200B.. `E2 8x xx`, U+FEFF `EF BB BF`).
pub fn needs_escapes(bytes: &[u8]) -> bool {
    if bytes.is_ascii() {
        return memchr::memchr(0x7f, bytes).is_some();
    }
    let hazard = |i: usize| match bytes[i] {
        0x7f => true,
        0xc2 => bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)),
        0xd8 => bytes.get(i + 1) == Some(&0x9c),
        0xe2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(0x80), Some(b)) => (0x8b..=0x8f).contains(b) || (0xa8..=0xae).contains(b),
            (Some(0x81), Some(b)) => *b == 0xa0 || (0xa6..=0xa9).contains(b),
            _ => false,
        },
        0xef => bytes.get(i + 1) == Some(&0xbb) && bytes.get(i + 2) == Some(&0xbf),
        _ => false,
    };
    memchr::memchr3_iter(0xc2, 0xe2, 0xef, bytes).any(hazard)
        || memchr::memchr2_iter(0x7f, 0xd8, bytes).any(hazard)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(value: &str) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, value).unwrap_or_else(|e| panic!("a Vec takes any write: {e}"));
        String::from_utf8(out).unwrap_or_else(|e| panic!("JSON is UTF-8: {e}"))
    }

    #[test]
    fn hazards_past_ascii_are_escaped_and_read_back_the_same() {
        let text = "a\u{7f}b\u{85}c\u{202e}d\u{2066}e\u{200b}f\u{2028}g\u{2029}h\u{feff}i\u{61c}";
        let json = escaped(text);
        assert_eq!(
            json,
            r#""a\u007fb\u0085c\u202ed\u2066e\u200bf\u2028g\u2029h\ufeffi\u061c""#
        );
        let back: String =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("valid JSON: {e}"));
        assert_eq!(back, text);
    }

    #[test]
    fn pretty_output_is_indented_and_escaped_alike() {
        let value = serde_json::json!({"a": ["x\u{202e}y", 1], "b": {}});
        let mut out = Vec::new();
        assert!(to_writer_pretty(&mut out, &value).is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out),
            "{\n  \"a\": [\n    \"x\\u202ey\",\n    1\n  ],\n  \"b\": {}\n}"
        );
    }

    #[test]
    fn ordinary_text_is_written_as_serde_json_writes_it() {
        for text in [
            "plain",
            "é李😀 \u{a0}",
            "tab\tquote\"back\\",
            "\u{1b}[2J",
            "",
        ] {
            let plain =
                serde_json::to_string(text).unwrap_or_else(|e| panic!("a str serializes: {e}"));
            assert_eq!(escaped(text), plain, "{text:?}");
        }
    }

    /// The byte test agrees with the character test on every character.
    #[test]
    fn the_quick_byte_test_finds_exactly_the_characters_to_escape() {
        let mut buf = [0u8; 4];
        for c in (0x7f..=0x10ffff).filter_map(char::from_u32) {
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(needs_escapes(bytes), needs_escape(c), "{c:?}");
        }
        assert!(!needs_escapes(b"plain ascii"));
        assert!(!needs_escapes("é李😀".as_bytes()));
        // In text that is not ASCII, DEL is found as well.
        assert!(needs_escapes("é\u{7f}".as_bytes()));
    }

    #[test]
    fn copied_text_keeps_invalid_bytes_and_escapes_the_rest() {
        let mut out = Vec::new();
        write_escaped_bytes(&mut out, b"{\"n\":\"x\xe2\x80\xae\xffy\"}");
        assert_eq!(out, b"{\"n\":\"x\\u202e\xffy\"}");
    }
}
