//! The only road from input text to a terminal: control characters, bidi
//! overrides and zero-width characters are escaped so a name can never move
//! the cursor, clear the screen or forge a line of output. Also decides
//! colour once per stream, so renderers never look at the environment.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_segmentation::UnicodeSegmentation;

/// Characters that must not reach a terminal raw.
pub(crate) fn is_hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        // Bidi marks, embeddings, overrides and isolates.
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // Zero-width characters and the byte-order mark.
        | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
        // Line and paragraph separators break lines in some terminals.
        | '\u{2028}' | '\u{2029}')
}

fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Text from the input, made safe to print.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the usual text, has no hazard: one quick pass. Other
    // text without controls is looked at only where a hazard's lead byte is.
    let bytes = text.as_bytes();
    if bytes.iter().all(|b| (0x20..0x7f).contains(b))
        || (bytes.iter().all(|&b| b >= 0x20) && !crate::render::json::needs_escapes(bytes))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for grapheme in text.graphemes(true) {
        let mut chars = grapheme.chars().peekable();
        while let Some(c) = chars.next() {
            if is_hazard(c) && !(c == '\u{200d}' && chars.peek().is_some_and(|&n| joins(n))) {
                push_escape(&mut out, c);
            } else {
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
}

/// A zero-width joiner inside an emoji sequence (`👨‍👩‍👧`, `👩‍💻`) is
/// text: it is kept when the character it joins in the same grapheme
/// cluster is a wide one (an emoji); any other joiner is escaped.
fn joins(next: char) -> bool {
    !is_hazard(next) && unicode_width::UnicodeWidthChar::width(next) == Some(2)
}

/// Text from the input in double quotes for a message: hazards escaped, and
/// quotes and backslashes too so the quoted form is unambiguous. Long text
/// is shortened so one bad value cannot flood a log.
pub fn quoted(text: &str) -> String {
    quoted_escaping(text, is_hazard)
}

/// As [`quoted`], escaping every character `escape` names.
pub fn quoted_escaping(text: &str, escape: impl Fn(char) -> bool) -> String {
    const MAX_CHARS: usize = 60;
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for (n, c) in text.chars().enumerate() {
        if n == MAX_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if escape(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What the process was started with, read once by `main`: which streams
/// are terminals, `NO_COLOR`, and the terminal's width. Everything below
/// `main` decides from this value, so each renderer can be tested with a
/// pretend terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Env {
    pub stdin_is_terminal: bool,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    /// `NO_COLOR` is set and not empty (no-color.org).
    pub no_color: bool,
    /// Columns to fit tables to: `COLUMNS` when it is set, else the
    /// terminal's when stdout is one; `None` otherwise, so a table in a
    /// pipe is not fitted unless asked to.
    pub terminal_width: Option<u16>,
    /// `TZ`, for `--tz local`; `None` when unset. Read by `main` so that
    /// the zone code never looks at the environment itself.
    pub tz: Option<&'static str>,
}

/// The two output streams; each gets its own colour decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Env {
    /// Whether `stream` writes to a terminal.
    pub fn on_terminal(&self, stream: Stream) -> bool {
        match stream {
            Stream::Stdout => self.stdout_is_terminal,
            Stream::Stderr => self.stderr_is_terminal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the output is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `--color` wins, then `NO_COLOR`, then whether this stream is a terminal.
    pub fn enabled(self, env: &Env, stream: Stream) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.on_terminal(stream) && !env.no_color,
        }
    }
}

/// ANSI styles, applied only when colour was decided on.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub on: bool,
}

impl Paint {
    pub fn wrap<'t>(self, code: &str, text: &'t str) -> Cow<'t, str> {
        if self.on {
            Cow::Owned(format!("\x1b[{code}m{text}\x1b[0m"))
        } else {
            Cow::Borrowed(text)
        }
    }
    pub fn error<'t>(self, text: &'t str) -> Cow<'t, str> {
        self.wrap("1;31", text)
    }
    pub fn warning<'t>(self, text: &'t str) -> Cow<'t, str> {
        self.wrap("1;33", text)
    }
    pub fn bold<'t>(self, text: &'t str) -> Cow<'t, str> {
        self.wrap("1", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-level look for hazards must find exactly the characters
    /// `is_hazard` names, beside ASCII and beside other text alike.
    #[test]
    fn text_is_kept_as_it_is_exactly_when_no_character_is_a_hazard() {
        let planes = (0..0x3000).chain(0xfe00..0x10000).chain(0x1f300..0x1f400);
        for c in planes.filter_map(char::from_u32) {
            for text in [format!("a{c}b"), format!("é{c}"), format!("{c}李")] {
                let kept = matches!(sanitize(&text), Cow::Borrowed(_));
                assert_eq!(kept, !is_hazard(c), "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn escapes_terminal_hazards_and_keeps_unicode() {
        assert_eq!(sanitize("李小龙 😀 שלום"), "李小龙 😀 שלום");
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(sanitize("x\ny\r\t"), "x\\ny\\r\\t");
        assert_eq!(sanitize("\u{202e}evil\u{200b}"), "\\u{202e}evil\\u{200b}");
        assert_eq!(sanitize("\u{85}\u{7f}\u{7}"), "\\u{85}\\u{7f}\\u{7}");
    }

    #[test]
    fn a_joiner_inside_an_emoji_sequence_is_text_any_other_is_escaped() {
        for kept in [
            "Family 👨\u{200d}👩\u{200d}👧",
            "Dev 👩\u{200d}💻",
            "👋🏽 hi",
            "❤\u{fe0f}",
        ] {
            assert_eq!(sanitize(kept), kept);
        }
        assert_eq!(sanitize("a\u{200d}b"), "a\\u{200d}b");
        // In one grapheme with a narrow pictograph (©), the joiner joins
        // nothing wide: escaped.
        assert_eq!(sanitize("👩\u{200d}©"), "👩\\u{200d}©");
        assert_eq!(sanitize("李\u{200d}李"), "李\\u{200d}李");
        assert_eq!(sanitize("👩\u{200d}"), "👩\\u{200d}");
        assert_eq!(sanitize("👩\u{200c}💻"), "👩\\u{200c}💻");
        assert_eq!(sanitize("👩\u{200d}\u{202e}"), "👩\\u{200d}\\u{202e}");
        // Around a joiner that is kept, other hazards are still escaped.
        assert_eq!(sanitize("\u{1b}👨\u{200d}👩"), "\\u{1b}👨\u{200d}👩");
    }

    #[test]
    fn quoted_text_is_unambiguous_and_bounded() {
        assert_eq!(quoted("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), 63);
    }

    #[test]
    fn colour_follows_the_flag_then_no_color_then_the_stream() {
        use ColorChoice::{Always, Auto, Never};
        for no_color in [false, true] {
            for stdout_is_terminal in [false, true] {
                for stderr_is_terminal in [false, true] {
                    let env = Env {
                        no_color,
                        stdout_is_terminal,
                        stderr_is_terminal,
                        ..Env::default()
                    };
                    for stream in [Stream::Stdout, Stream::Stderr] {
                        let tty = match stream {
                            Stream::Stdout => stdout_is_terminal,
                            Stream::Stderr => stderr_is_terminal,
                        };
                        let case = format!("{env:?} {stream:?}");
                        assert!(Always.enabled(&env, stream), "{case}");
                        assert!(!Never.enabled(&env, stream), "{case}");
                        assert_eq!(Auto.enabled(&env, stream), tty && !no_color, "{case}");
                    }
                }
            }
        }
    }
}
