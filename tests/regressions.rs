//! Regression tests for faults that once slipped past the rest of the
//! suite. Each one is black-box (the binary, or a stable public function)
//! so that it survives changes to the internals, and each one was seen to
//! fail with its fault put back.

mod common;

use std::io;

use common::{NOW, run, run_stdin, sh};

/// How every duplicate-key message ends.
const DUPLICATE: &str = "a JSON parser keeps only the last one, hiding the other";

/// The lines of `text` without the summary line validate ends with.
fn findings(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.contains(" room valid") && !l.contains(" rooms valid"))
        .collect()
}

// ---------------------------------------------------------------------------
// duplicate-key past the first 16 keys of an object

/// 40 participants, one per line from line 2: entry `i` is on line `i + 2`.
/// Entries 20 and 35 repeat entry 3, entry 38 repeats entry 25, and entry 30
/// repeats entry 10 with its key written with escapes.
fn forty_participants() -> String {
    let mut s = String::from("{\"id\":\"r\",\"participants\":{\n");
    for i in 0..40 {
        let key = match i {
            20 | 35 => "u3".to_string(),
            38 => "u25".to_string(),
            30 => "u\\u0031\\u0030".to_string(),
            _ => format!("u{i}"),
        };
        let comma = if i < 39 { "," } else { "" };
        s.push_str(&format!("  \"{key}\":{{\"name\":\"P{i}\"}}{comma}\n"));
    }
    s.push_str("}}\n");
    s
}

#[test]
fn duplicate_keys_past_the_sixteenth_participant_are_reported() {
    let r = run_stdin(&["validate", "--now", NOW], forty_participants().as_bytes());
    let tail = DUPLICATE;
    assert_eq!(
        findings(&r.stdout),
        [
            format!(
                "<stdin>:22:3: error[duplicate-key]: /participants/u3: duplicate key \"u3\"; {tail} (first at 5:3)"
            ),
            format!(
                "<stdin>:32:3: error[duplicate-key]: /participants/u10: duplicate key \"u10\"; {tail} (first at 12:3)"
            ),
            format!(
                "<stdin>:37:3: error[duplicate-key]: /participants/u3: duplicate key \"u3\"; {tail} (first at 5:3)"
            ),
            format!(
                "<stdin>:40:3: error[duplicate-key]: /participants/u25: duplicate key \"u25\"; {tail} (first at 27:3)"
            ),
        ],
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .ends_with("1 file, 0 rooms valid, 1 invalid: 4 errors, 0 warnings\n"),
        "{}",
        r.stdout
    );
    assert_eq!((r.code, r.stderr.as_str()), (1, ""));
}

#[test]
fn duplicate_keys_past_the_sixteenth_key_of_any_object_are_reported() {
    // An unknown nested object (accepted without --strict) with 23 keys;
    // `k5` comes back as key 22, and `ab`, first written `a\u0062`, as key 23.
    let mut keys: Vec<String> = (0..19).map(|i| format!("\"k{i}\":{i}")).collect();
    keys.extend([
        "\"a\\u0062\":1".to_string(),
        "\"k19\":0".to_string(),
        "\"k5\":9".to_string(),
        "\"ab\":2".to_string(),
    ]);
    let room = format!(
        "{{\"id\":\"r\",\"participants\":{{}},\n\"extra\":{{\n{}\n}}}}\n",
        keys.join(",\n")
    );
    let r = run_stdin(&["validate", "--now", NOW], room.as_bytes());
    let tail = DUPLICATE;
    assert_eq!(
        findings(&r.stdout),
        [
            format!(
                "<stdin>:24:1: error[duplicate-key]: /extra/k5: duplicate key \"k5\"; {tail} (first at 8:1)"
            ),
            format!(
                "<stdin>:25:1: error[duplicate-key]: /extra/ab: duplicate key \"ab\"; {tail} (first at 22:1)"
            ),
        ],
        "{room}\n{}",
        r.stdout
    );
    assert_eq!((r.code, r.stderr.as_str()), (1, ""));
}

#[test]
fn a_duplicate_key_written_with_an_escape_is_the_same_key() {
    // In a small object, and with the escape second as well as first.
    let room = "{\"id\":\"r\",\"participants\":{\n\"ab\":{},\n\"a\\u0062\":{}\n},\n\"x\":{\"a\\u0062\":1,\n\"ab\":2}}\n";
    let r = run_stdin(&["validate", "--now", NOW], room.as_bytes());
    let tail = DUPLICATE;
    assert_eq!(
        findings(&r.stdout),
        [
            format!(
                "<stdin>:3:1: error[duplicate-key]: /participants/ab: duplicate key \"ab\"; {tail} (first at 2:1)"
            ),
            format!(
                "<stdin>:6:1: error[duplicate-key]: /x/ab: duplicate key \"ab\"; {tail} (first at 5:6)"
            ),
        ],
        "{}",
        r.stdout
    );
    assert_eq!(r.code, 1);
}

// ---------------------------------------------------------------------------
// timestamp-in-future and seconds-not-ms at every place a timestamp sits

/// A room with a timestamp at each place, one per line, in this order:
/// createdAt, updatedAt, joinedAt, leftAt, a track's, an event's.
fn room_with_times(t: [i64; 6]) -> String {
    format!(
        r#"{{
  "id": "r",
  "createdAt": {},
  "updatedAt": {},
  "participants": {{
    "x": {{
      "identity": "x",
      "joinedAt": {},
      "leftAt": {},
      "tracksPublished": {{
        "T": {{"sid": "T", "timestamp": {}}}
      }}
    }}
  }},
  "events": [
    {{"eventName": "room_started", "timestamp": {}}}
  ]
}}
"#,
        t[0], t[1], t[2], t[3], t[4], t[5]
    )
}

/// (line:col, pointer) of each timestamp of `room_with_times`.
const TIME_PLACES: [(&str, &str); 6] = [
    ("3:16", "/createdAt"),
    ("4:16", "/updatedAt"),
    ("8:19", "/participants/x/joinedAt"),
    ("9:17", "/participants/x/leftAt"),
    ("11:40", "/participants/x/tracksPublished/T/timestamp"),
    ("16:48", "/events/0/timestamp"),
];

#[test]
fn timestamp_in_future_fires_for_room_participant_track_and_event_times() {
    // 1800000000000 + s seconds is 2027-01-15T08:00:0s.000Z, after NOW
    // (2024-06-01); updatedAt is the latest, as the server writes it.
    let seconds = [0, 5, 1, 2, 3, 4];
    let times: [i64; 6] = seconds.map(|s| 1_800_000_000_000 + s * 1000);
    let room = room_with_times(times);
    let r = run_stdin(&["validate", "--now", NOW], room.as_bytes());
    let expected: Vec<String> = TIME_PLACES
        .iter()
        .zip(times)
        .zip(seconds)
        .map(|(((place, pointer), ms), s)| {
            format!(
                "<stdin>:{place}: warning[timestamp-in-future]: {pointer}: {ms} is 2027-01-15T08:00:0{s}.000Z, later than now (2024-06-01T00:00:00.000Z)"
            )
        })
        .collect();
    assert_eq!(findings(&r.stdout), expected, "{}", r.stdout);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);

    // The same room is silent once now is later than every time in it.
    let r = run_stdin(
        &["validate", "--now", "2030-01-01T00:00:00Z"],
        room.as_bytes(),
    );
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    // And a warning fails the run under --deny-warnings.
    let r = run_stdin(
        &["validate", "--now", NOW, "--deny-warnings"],
        room.as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn seconds_not_ms_fires_for_room_participant_track_and_event_times() {
    // 1700000000 + k read as ms is 1970-01-20T16:13:20.00k, as seconds
    // 2023-11-14T22:13:2k (k < 10).
    let times: [i64; 6] = std::array::from_fn(|k| 1_700_000_000 + k as i64);
    let room = room_with_times(times);
    let r = run_stdin(&["validate", "--now", NOW], room.as_bytes());
    let expected: Vec<String> = TIME_PLACES
        .iter()
        .zip(times)
        .enumerate()
        .map(|(k, ((place, pointer), s))| {
            format!(
                "<stdin>:{place}: warning[seconds-not-ms]: {pointer}: {s} looks like seconds; as ms it is 1970-01-20T16:13:20.00{k}Z, as seconds 2023-11-14T22:13:2{k}Z"
            )
        })
        .collect();
    assert_eq!(findings(&r.stdout), expected, "{}", r.stdout);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
}

// ---------------------------------------------------------------------------
// participants and timestamps on an input that cannot be read

const GOOD: &str = "fixtures/room.json";
const MISSING: &str = "fixtures/regressions/no-such-room.json";
/// A directory that holds no room file.
const DIRECTORY: &str = "fixtures/no-rooms";

/// What each command prints for GOOD, which must still be listed.
fn listed_line(command: &str) -> &'static str {
    if command == "participants" {
        // Several inputs: a ROOM and a KEY column.
        "d32ae9e6-c459-4931-9898-e86e2f5e7e16  key       key                                unknown"
    } else {
        "/createdAt  1587667174725  2020-04-23T18:39:34.725Z"
    }
}

fn assert_unreadable_fails(command: &str, files: &[&str], bad: &str, why: &str) {
    let mut args = vec![command, "--now", NOW, "--format", "plain"];
    args.extend_from_slice(files);
    let r = run(&args);
    let what = format!("{command} {files:?}");
    assert_eq!(r.code, 2, "{what}: exit\n{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stderr,
        format!("room-inspector: {bad}: {why}\n"),
        "{what}: stderr"
    );
    if files.contains(&GOOD) {
        assert!(
            r.stdout.contains(listed_line(command)),
            "{what}: the readable file is still listed\n{}",
            r.stdout
        );
    } else {
        assert_eq!(r.stdout, "", "{what}: stdout");
    }
}

#[test]
fn participants_and_timestamps_exit_2_on_a_missing_file() {
    let why = "no such file; check the path, or give - to read standard input";
    for command in ["participants", "timestamps"] {
        assert_unreadable_fails(command, &[MISSING], MISSING, why);
        assert_unreadable_fails(command, &[MISSING, GOOD], MISSING, why);
        assert_unreadable_fails(command, &[GOOD, MISSING], MISSING, why);
    }
}

#[test]
fn participants_and_timestamps_exit_2_on_a_directory() {
    let why = "is a directory with no room file (*.json, *.ndjson, *.jsonl); --glob chooses others";
    for command in ["participants", "timestamps"] {
        assert_unreadable_fails(command, &[DIRECTORY], DIRECTORY, why);
        assert_unreadable_fails(command, &[DIRECTORY, GOOD], DIRECTORY, why);
        assert_unreadable_fails(command, &[GOOD, DIRECTORY], DIRECTORY, why);
    }
}

#[test]
fn participants_and_timestamps_exit_2_on_an_unreadable_input_in_json_formats() {
    for command in ["participants", "timestamps"] {
        for format in ["json", "ndjson"] {
            let r = run(&[command, "--now", NOW, "--format", format, MISSING, GOOD]);
            assert_eq!(r.code, 2, "{command} {format}: {}", r.stderr);
            assert!(
                r.stderr.contains(MISSING),
                "{command} {format}: {}",
                r.stderr
            );
            assert!(
                r.stdout.contains("d32ae9e6-c459-4931-9898-e86e2f5e7e16"),
                "{command} {format}: {}",
                r.stdout
            );
        }
    }
}

// ---------------------------------------------------------------------------
// a closed pipe, also when the io error arrives wrapped in another

/// An error that holds another, as library error types do (serde_json's,
/// csv's); `source()` is the only way to it.
#[derive(Debug)]
struct Wrapper(io::Error);

impl std::fmt::Display for Wrapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "wrapped: {}", self.0)
    }
}

impl std::error::Error for Wrapper {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[test]
fn is_broken_pipe_looks_through_wrapped_errors() {
    use io::{Error, ErrorKind};
    let is = room_inspector::is_broken_pipe;
    let broken = || Error::from(ErrorKind::BrokenPipe);
    assert!(is(&broken()));
    assert!(is(&Error::other(broken())));
    assert!(is(&Error::new(ErrorKind::InvalidData, broken())));
    // Twice wrapped, through an error type that names it as its source.
    assert!(is(&Error::other(Wrapper(broken()))));
    assert!(is(&Error::other(Wrapper(Error::other(Wrapper(broken()))))));
    // Other kinds, plain or wrapped, are real failures to report.
    for kind in [
        ErrorKind::Other,
        ErrorKind::PermissionDenied,
        ErrorKind::WriteZero,
        ErrorKind::StorageFull,
        ErrorKind::Interrupted,
    ] {
        assert!(!is(&Error::from(kind)), "{kind:?}");
        assert!(!is(&Error::other(Error::from(kind))), "{kind:?}");
        assert!(!is(&Error::other(Wrapper(Error::from(kind)))), "{kind:?}");
        assert!(!is(&Error::other(format!("{kind:?}"))), "{kind:?}");
    }
    // The crate's own Error answers the same.
    let e = room_inspector::Error::Write(Error::other(broken()));
    assert!(e.is_broken_pipe());
    assert!(!room_inspector::Error::Write(Error::from(ErrorKind::WriteZero)).is_broken_pipe());
}

/// A broken pipe inside an io::Error that is itself wrapped: io::Error's
/// own `source()` skips the error it holds and returns that error's source,
/// so a walk by `source()` alone never sees the innermost one. A walk that
/// continues with `get_ref()` at each io::Error does.
#[test]
fn is_broken_pipe_looks_through_io_errors_wrapped_twice() {
    use io::{Error, ErrorKind};
    let broken = || Error::from(ErrorKind::BrokenPipe);
    assert!(room_inspector::is_broken_pipe(&Error::other(Error::other(
        broken()
    ))));
    assert!(room_inspector::is_broken_pipe(&Error::other(Wrapper(
        Error::other(broken())
    ))));
}

/// The first `max` bytes of `text`, for messages about huge outputs.
fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[test]
fn output_into_head_ends_quietly_in_every_command() {
    let dir = std::env::temp_dir();
    let id = std::process::id();
    // Far more output than a pipe holds; in `noisy` every participant has
    // a warning, so validate has a long report to write.
    let clean = dir.join(format!("ri-regress-clean-{id}.json"));
    let noisy = dir.join(format!("ri-regress-noisy-{id}.json"));
    let room = common::big_room(30_000);
    assert!(std::fs::write(&clean, &room).is_ok());
    assert!(
        std::fs::write(
            &noisy,
            room.replace("\"joinedAt\":", "\"joinedAt\":4102444800000,\"j\":")
        )
        .is_ok()
    );
    let (c, n) = (clean.display(), noisy.display());
    let cases = [
        format!("room-inspector participants --now {NOW} --format csv {c} | head -1"),
        format!("room-inspector participants --now {NOW} --format json {c} | head -1"),
        format!("room-inspector participants --now {NOW} --format ndjson {c} | head -1"),
        format!("room-inspector timestamps --now {NOW} --format json {c} | head -1"),
        format!("room-inspector timestamps --now {NOW} --format plain {c} | head -1"),
        format!("room-inspector validate --now {NOW} --format json {n} | head -1"),
        format!("room-inspector validate --now {NOW} {n} | head -1"),
        format!("room-inspector validate --now {NOW} --format github {n} | head -1"),
    ];
    for script in cases {
        let r = sh(&format!(
            "{script} >/dev/null; echo \"rc=${{PIPESTATUS[0]}}\""
        ));
        assert_eq!(head(&r.stderr, 2000), "", "{script}");
        assert_eq!(r.stdout, "rc=0\n", "{script}");
    }
    let _ = std::fs::remove_file(&clean);
    let _ = std::fs::remove_file(&noisy);
}

// ---------------------------------------------------------------------------
// U+2028 and U+2029 from the input never reach the output raw

/// A participant whose key, identity and name hold U+2028 and U+2029.
const SEPARATORS: &str = "{\"id\":\"r\",\"participants\":{\"k\\u2029\":{\"identity\":\"i\\u2028d\",\"name\":\"a\\u2028b\\u2029c\"}}}\n";

/// The key-identity-mismatch warning for SEPARATORS, escaped.
const SEPARATORS_WARNING: &str = "<stdin>:1:49: warning[key-identity-mismatch]: /participants/k\\u{2029}/identity: identity \"i\\u{2028}d\" differs from its key \"k\\u{2029}\"; the server keys participants by identity";

fn assert_no_raw_separator(what: &str, text: &str) {
    assert!(
        !text.contains(['\u{2028}', '\u{2029}']),
        "{what}: a raw line or paragraph separator got through: {text:?}"
    );
}

#[test]
fn line_and_paragraph_separators_are_escaped_in_participants_output() {
    let r = run_stdin(
        &["participants", "--now", NOW, "--format", "plain"],
        SEPARATORS.as_bytes(),
    );
    let row: Option<Vec<&str>> = r
        .stdout
        .lines()
        .nth(1)
        .map(|l| l.split_whitespace().collect());
    assert_eq!(
        row,
        Some(vec![
            "i\\u{2028}d",
            "k\\u{2029}",
            "a\\u{2028}b\\u{2029}c",
            "unknown"
        ]),
        "{:?}",
        r.stdout
    );
    assert_no_raw_separator("participants plain", &r.stdout);
    // participants reports the input's warnings on stderr, escaped as well.
    assert_eq!(r.stderr.lines().collect::<Vec<_>>(), [SEPARATORS_WARNING]);
    assert_no_raw_separator("participants stderr", &r.stderr);
    let t = run_stdin(
        &["participants", "--now", NOW, "--format", "table"],
        SEPARATORS.as_bytes(),
    );
    assert!(t.stdout.contains("a\\u{2028}b\\u{2029}c"), "{:?}", t.stdout);
    assert_no_raw_separator("participants table", &t.stdout);
}

#[test]
fn line_and_paragraph_separators_are_escaped_in_validate_messages() {
    let r = run_stdin(&["validate", "--now", NOW], SEPARATORS.as_bytes());
    assert_eq!(findings(&r.stdout), [SEPARATORS_WARNING], "{:?}", r.stdout);
    assert_no_raw_separator("validate", &r.stdout);
    let g = run_stdin(
        &["validate", "--now", NOW, "--format", "github"],
        SEPARATORS.as_bytes(),
    );
    assert!(g.stdout.contains("\"i\\u{2028}d\""), "{:?}", g.stdout);
    assert_no_raw_separator("validate github", &g.stdout);
}

// ---------------------------------------------------------------------------
// a `|` in a name does not split a Markdown cell

/// Cells of a Markdown table row, split at every `|` not escaped.
fn markdown_cells(row: &str) -> Vec<String> {
    let inner = row
        .strip_prefix('|')
        .and_then(|r| r.strip_suffix('|'))
        .unwrap_or_else(|| panic!("not a Markdown row: {row:?}"));
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            c => {
                escaped = c == '\\' && !escaped;
                if let Some(cell) = cells.last_mut() {
                    cell.push(c);
                }
            }
        }
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

#[test]
fn a_pipe_in_a_name_is_escaped_in_markdown_and_keeps_six_cells() {
    let room = r#"{"id":"r","participants":{"x|y":{"identity":"x|y","name":"a|b","joinedAt":1700000000000}}}"#;
    let r = run_stdin(
        &["participants", "--now", NOW, "--format", "markdown"],
        room.as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(
        lines[0],
        "| IDENTITY | NAME | JOINED | LEFT | DURATION | STATUS |"
    );
    let cells = markdown_cells(lines[2]);
    assert_eq!(cells.len(), 6, "{}", lines[2]);
    assert_eq!(cells[0], "x\\|y", "{}", lines[2]);
    assert_eq!(cells[1], "a\\|b", "{}", lines[2]);
    assert_eq!(cells[2], "2023-11-14T22:13:20.000Z", "{}", lines[2]);
}

// ---------------------------------------------------------------------------
// the command-line definition itself

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    room_inspector::cli::Cli::command().debug_assert();
}

// ---------------------------------------------------------------------------
// participant keys read by their expected order

/// Participants whose keys come out of the service's order, repeat, carry
/// escapes, space before the colon or only start like a known key: the
/// walk tries the next key in the usual order by one comparison, and must
/// find in each of these what a scan of every key finds.
#[test]
fn participant_keys_out_of_their_usual_order_are_read_as_any_other() {
    let room = concat!(
        "{\"id\":\"r\",\"createdAt\":1700000000000,\"participants\":{\n",
        "\"a\":{\"identity\":\"a\",\"name\":\"A\",\"joinedAt\":1700000001000,\"leftAt\":1700000002000},\n",
        "\"b\":{\"identity\":\"b\",\"identity\":\"b2\",\"joinedAt\":1700000001000},\n",
        "\"c\":{\"joinedAt\":1700000001000,\"identity\":\"c\",\"name\":\"C\",\"name\":\"C2\"},\n",
        "\"d\":{\"identity\":\"d\",\"ident\\u0069ty\":\"d2\",\"joinedAt\":1700000001000},\n",
        "\"e\":{\"identity\" : \"e\",\"name\"\t:\"E\",\"joinedAt\":1700000001000},\n",
        "\"f\":{\"identityx\":\"f\",\"identity\":\"f\",\"joinedAt\":1700000001000},\n",
        "\"g\":{\"name\":\"G\",\"identity\":\"g\",\"leftAt\":1700000002000,\"joinedAt\":1700000001000,\"leftAt\":1700000003000},\n",
        "\"h\":{\"identity\":\"h\",\"joinedAt\":\"soon\",\"leftAt\":1700000002000}}}\n",
    );
    let r = run_stdin(&["validate", "--now", NOW], room.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let duplicate = DUPLICATE;
    let mismatch = "differs from its key";
    assert_eq!(
        findings(&r.stdout),
        [
            format!("<stdin>:3:21: error[duplicate-key]: /participants/b/identity: duplicate key \"identity\"; {duplicate} (first at 3:6)"),
            format!("<stdin>:3:32: warning[key-identity-mismatch]: /participants/b/identity: identity \"b2\" {mismatch} \"b\"; the server keys participants by identity"),
            format!("<stdin>:4:57: error[duplicate-key]: /participants/c/name: duplicate key \"name\"; {duplicate} (first at 4:46)"),
            format!("<stdin>:5:21: error[duplicate-key]: /participants/d/identity: duplicate key \"identity\"; {duplicate} (first at 5:6)"),
            format!("<stdin>:5:37: warning[key-identity-mismatch]: /participants/d/identity: identity \"d2\" {mismatch} \"d\"; the server keys participants by identity"),
            "<stdin>:7:6: warning[misspelled-field]: /participants/f/identityx: unknown field \"identityx\"; did you mean \"identity\"? (its value is ignored)".to_string(),
            format!("<stdin>:8:80: error[duplicate-key]: /participants/g/leftAt: duplicate key \"leftAt\"; {duplicate} (first at 8:32)"),
            "<stdin>:9:32: error[type]: /participants/h/joinedAt: expected an integer (Unix ms), found string \"soon\"".to_string(),
        ]
    );
    // What is listed is the last of repeated fields, as a JSON parser keeps.
    let r = run_stdin(
        &[
            "participants",
            "--now",
            NOW,
            "--format",
            "tsv",
            "--columns",
            "key,identity,name,left_at_ms",
        ],
        room.as_bytes(),
    );
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>(),
        [
            "key\tidentity\tname\tleft_at_ms",
            "a\ta\tA\t1700000002000",
            "b\tb2\t\t",
            "c\tc\tC2\t",
            "d\td2\t\t",
            "e\te\tE\t",
            "f\tf\t\t",
            "g\tg\tG\t1700000003000",
            "h\th\t\t1700000002000",
        ]
    );
}

/// Tracks and events are read the same way as participants: their fields
/// in the order the service writes them are tried first. Fields out of
/// that order, repeated, escaped or misspelled are found as before.
#[test]
fn track_and_event_fields_out_of_their_usual_order_are_read_as_any_other() {
    let room = concat!(
        "{\"id\":\"r\",\"createdAt\":1700000000000,\"userId\":\"u\",\"deleted\":false,\"events\":[\n",
        "{\"eventName\":\"participant_joined\",\"timestamp\":1700000001000},\n",
        "{\"timestamp\":1700000001500,\"eventName\":\"participant_left\"},\n",
        "{\"eventName\":\"participant_joined\",\"eventName\":\"room_finished\",\"timestamp\":1700000002000},\n",
        "{\"event\\u004eame\":\"participant_joined\",\"timestamp\":\"late\"}],\n",
        "\"participants\":{\n",
        "\"a\":{\"identity\":\"a\",\"joinedAt\":1700000001000,\"tracksPublished\":{\n",
        "\"T1\":{\"sid\":\"T1\",\"width\":1280,\"height\":720,\"mimeType\":\"video/H264\",\"timestamp\":1700000001100},\n",
        "\"T2\":{\"timestamp\":1700000001200,\"sid\":\"T2\",\"mimeType\":\"audio/opus\"},\n",
        "\"T3\":{\"sid\":\"T3\",\"sid\":\"T3b\",\"width\":-1,\"heigth\":2,\"timestamp\":1.5},\n",
        "\"T4\":{\"sid\" :\"T4\",\"width\":\"wide\",\"mime\\u0054ype\":\"video/VP8\",\"mimeType\":\"x\"}}}}}\n",
    );
    let r = run_stdin(&["validate", "--now", NOW], room.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let duplicate = DUPLICATE;
    let found: Vec<&str> = findings(&r.stdout)
        .into_iter()
        .filter(|l| !l.contains("[unknown-event]") && !l.contains("[present-after-finished]"))
        .collect();
    assert_eq!(
        found,
        [
            format!("<stdin>:4:35: error[duplicate-key]: /events/2/eventName: duplicate key \"eventName\"; {duplicate} (first at 4:2)"),
            "<stdin>:5:52: error[type]: /events/3/timestamp: expected a number (Unix ms), found string \"late\"".to_string(),
            format!("<stdin>:10:18: error[duplicate-key]: /participants/a/tracksPublished/T3/sid: duplicate key \"sid\"; {duplicate} (first at 10:7)"),
            "<stdin>:10:41: warning[misspelled-field]: /participants/a/tracksPublished/T3/heigth: unknown field \"heigth\"; did you mean \"height\"? (its value is ignored)".to_string(),
            "<stdin>:10:64: warning[epoch-timestamp]: /participants/a/tracksPublished/T3/timestamp: 1.5 is 1970-01-01T00:00:00.001Z, in the first day of 1970: a placeholder or a broken value, not a time".to_string(),
            "<stdin>:11:27: error[type]: /participants/a/tracksPublished/T4/width: expected a number, found string \"wide\"".to_string(),
            format!("<stdin>:11:62: error[duplicate-key]: /participants/a/tracksPublished/T4/mimeType: duplicate key \"mimeType\"; {duplicate} (first at 11:34)"),
        ]
    );
    let r = run_stdin(
        &["timestamps", "--now", NOW, "--format", "json"],
        room.as_bytes(),
    );
    let stamps: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let tracks = &stamps["participants"]["a"]["tracksPublished"];
    assert_eq!(
        tracks["T1"]["timestamp"], "2023-11-14T22:13:21.100Z",
        "{}",
        r.stdout
    );
    assert_eq!(tracks["T2"]["timestamp"], "2023-11-14T22:13:21.200Z");
    assert_eq!(stamps["events"][1]["timestamp"], "2023-11-14T22:13:21.500Z");
}

/// A room with two `participants` maps, the first large: the identities
/// of the second were compared only with the repeats found among the
/// first map's keys, so two participants of the second with one identity
/// went unreported.
#[test]
fn identities_of_a_second_participants_map_are_compared_too() {
    let first: Vec<String> = (0..20)
        .map(|i| format!("\"a{i}\":{{\"identity\":\"a{i}\"}}"))
        .collect();
    let text = format!(
        "{{\"id\":\"r\",\"participants\":{{{}}},\"participants\":{{\"b0\":{{\"identity\":\"zz\"}},\"b1\":{{\"identity\":\"zz\"}}}}}}\n",
        first.join(",")
    );
    let r = run_stdin(&["validate", "--now", NOW], text.as_bytes());
    let lines = findings(&r.stdout);
    assert_eq!(
        lines.last().copied(),
        Some(
            "<stdin>:1:564: warning[duplicate-identity]: /participants/b1/identity: identity \"zz\" is also the identity of /participants/b0/identity; the server keys participants by identity, so it never lists one twice"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert_eq!(r.code, 1);
}
