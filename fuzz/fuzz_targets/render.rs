//! Arbitrary rooms through `participants` and `timestamps`, in every
//! format, time style and a few zones and widths, as the binary runs them.
//! It fails on a panic, on any raw control, bidi or zero-width character
//! in an output (TAB only as the TSV delimiter, TAB and CR only as JSON
//! whitespace), and when the CSV does not
//! parse back to as many records as the NDJSON has lines.
//!
//! The first byte picks the time style, zone, width and sort; the rest is
//! the input, written to a file so the whole road (read, split, walk,
//! render) runs.

#![no_main]

use std::io::Write;

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use room_inspector::{Env, cli::Cli};

const STYLES: [&str; 8] = [
    "rfc3339", "rfc2822", "iso-date", "relative", "unix-seconds", "+%c %Z", "+%A|%e,\"%j", "+%%%:z",
];
const ZONES: [&str; 4] = ["UTC", "Europe/Berlin", "-09:30", "Asia/Kathmandu"];
const FORMATS: [(&str, &[&str]); 2] = [
    ("participants", &["table", "plain", "markdown", "csv", "tsv", "json", "ndjson"]),
    ("timestamps", &["table", "plain", "json", "ndjson"]),
];

/// Characters no output may hold raw: what `term::sanitize` escapes.
fn hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{feff}' | '\u{2028}' | '\u{2029}')
}

/// The first character no output may hold raw. A zero-width joiner
/// between emoji is text (`👩‍💻`) and is kept by the formats for people.
fn raw_hazard(text: &str, tab_ok: bool) -> Option<char> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let emoji = |n: char| matches!(n, '\u{1f000}'..='\u{1faff}' | '\u{2600}'..='\u{27bf}');
        if c == '\u{200d}' && chars.peek().is_some_and(|&n| emoji(n)) {
            continue;
        }
        if hazard(c) && !(tab_ok && c == '\t') {
            return Some(c);
        }
    }
    None
}

fn run(args: &[&str], env: &Env) -> Vec<u8> {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => panic!("{args:?}: {e}"),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let _ = room_inspector::run(cli, env, &mut out, &mut err);
    if let Some(c) = raw_hazard(&String::from_utf8_lossy(&err), false) {
        panic!("{args:?}: raw {c:?} on stderr");
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, room)) = data.split_first() else {
        return;
    };
    let path = std::env::temp_dir().join(format!("ri-fuzz-render-{}.json", std::process::id()));
    let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(room));
    if written.is_err() {
        return;
    }
    let path = path.to_string_lossy().into_owned();
    let style = STYLES[usize::from(pick) % STYLES.len()];
    let zone = ZONES[usize::from(pick >> 3) % ZONES.len()];
    let env = Env {
        stdin_is_terminal: false,
        stdout_is_terminal: pick & 0x20 != 0,
        stderr_is_terminal: false,
        no_color: true,
        terminal_width: (pick & 0x20 != 0).then_some(if pick & 0x40 != 0 { 40 } else { 120 }),
        tz: None,
    };
    let sort = if pick & 0x80 != 0 { "name" } else { "joined" };
    let common = ["--now", "2024-06-01T00:00:00Z", "--tz", zone, "--time-style", style];
    for (command, formats) in FORMATS {
        for format in formats {
            let mut args = vec!["room-inspector", command, "--format", format];
            args.extend(common);
            if command == "participants" {
                args.extend(["--sort", sort]);
            }
            args.push(&path);
            let out = run(&args, &env);
            let text = String::from_utf8_lossy(&out);
            // TSV's delimiter; in JSON a TAB or CR between values is
            // whitespace copied as written (inside a string JSON forbids
            // both raw, and the output escapes them).
            let json = format.contains("json");
            let checked = if json { text.replace(['\t', '\r'], " ") } else { text.to_string() };
            if let Some(c) = raw_hazard(&checked, *format == "tsv") {
                panic!("{args:?}: raw {c:?} in\n{text}");
            }
            if command == "participants" && (*format == "csv" || *format == "tsv") {
                let delimiter = if *format == "csv" { b',' } else { b'\t' };
                let records = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .from_reader(&out[..])
                    .records()
                    .map(|r| r.unwrap_or_else(|e| panic!("{args:?}: bad CSV: {e}\n{text}")))
                    .count();
                let mut ndjson = args.clone();
                ndjson[3] = "ndjson";
                let lines = run(&ndjson, &env).split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
                assert_eq!(records, lines, "{args:?}\n{text}");
            }
        }
    }
});
