//! Streams of rooms on the real binary: a broken room never hides the next
//! one, and text after a room is that room's error (SPEC.md, "Command
//! line"). Each test is named after the defect it guards against.

mod common;

use common::{NOW, Run, run, run_stdin};

fn validate(path: &str) -> Run {
    run(&["validate", "--now", NOW, path])
}

fn validate_stdin(stdin: &[u8]) -> Run {
    run_stdin(&["validate", "--now", NOW, "-"], stdin)
}

fn lines(r: &Run) -> Vec<&str> {
    r.stdout.lines().collect()
}

#[test]
fn an_ndjson_line_cut_short_does_not_swallow_the_next_line() {
    // Line 2 ends inside a member; line 3 was read as the value of "a".
    // The error sits where line 2 ends (column 32, just past its last
    // character), and line 3 is checked.
    let r = validate("fixtures/streams/broken-line.ndjson");
    assert_eq!(
        lines(&r),
        [
            "fixtures/streams/broken-line.ndjson:2:32: error[syntax]: unexpected end of line; expected a value (line 3 begins another room)",
            "fixtures/streams/broken-line.ndjson:3:63: error[type]: /participants/bob/joinedAt: expected an integer (Unix ms), found string \"soon\"",
            "1 file, 2 rooms valid, 2 invalid: 2 errors, 0 warnings",
        ]
    );
    assert_eq!(r.code, 1);
}

#[test]
fn a_crlf_ndjson_room_over_several_lines_gets_one_error_only() {
    // The broken room spans lines 2-4; reading goes on at line 5, not at
    // the start of line 4 (which added two spurious errors).
    let r = validate("fixtures/streams/crlf-broken-room.ndjson");
    assert_eq!(
        lines(&r),
        [
            "fixtures/streams/crlf-broken-room.ndjson:4:7: error[syntax]: expected a value, found '}'",
            "1 file, 2 rooms valid, 1 invalid: 1 error, 0 warnings",
        ]
    );
}

#[test]
fn a_crlf_ndjson_line_cut_short_has_its_error_before_the_line_break() {
    let r = validate_stdin(
        b"{\"id\":\"s1\",\"participants\":{}}\r\n{\"id\":\"s2\",\"participants\":{\r\n{\"id\":\"s3\",\"participants\":{}}\r\n",
    );
    assert_eq!(
        lines(&r),
        [
            "<stdin>:2:28: error[syntax]: unexpected end of line; expected a key (a string) or '}' (line 3 begins another room)",
            "1 file, 2 rooms valid, 1 invalid: 1 error, 0 warnings",
        ]
    );
}

#[test]
fn a_broken_pretty_printed_room_does_not_end_the_file() {
    // Rooms 3 and 4 were never checked; now their findings are reported.
    let r = validate("fixtures/streams/broken-pretty.json");
    assert_eq!(
        lines(&r),
        [
            "fixtures/streams/broken-pretty.json:8:2: error[syntax]: unexpected end of line; expected ',' or '}' after an object member (line 9 begins another room)",
            "fixtures/streams/broken-pretty.json:10:9: error[type]: /id: expected a string (the room ID), found number 3",
            "fixtures/streams/broken-pretty.json:15:38: warning[key-identity-mismatch]: /participants/a/identity: identity \"b\" differs from its key \"a\"; the server keys participants by identity",
            "1 file, 2 rooms valid, 2 invalid: 2 errors, 1 warning",
        ]
    );
}

#[test]
fn a_broken_room_in_a_concatenated_stream_reads_on_at_the_next_brace_line() {
    let r = validate_stdin(
        b"{\"id\":\"a\",\"participants\":{}}{\"id\":\"b\" \"participants\":{}}\n{\"id\":7,\"participants\":{}}\n",
    );
    assert_eq!(
        lines(&r),
        [
            "<stdin>:1:39: error[syntax]: expected ',' or '}' after an object member, found '\"'",
            "<stdin>:2:7: error[type]: /id: expected a string (the room ID), found number 7",
            "1 file, 1 room valid, 2 invalid: 2 errors, 0 warnings",
        ]
    );
}

#[test]
fn where_reading_stops_one_diagnostic_says_how_much_was_not_checked() {
    // No line after the error begins with `{` in column 1, but an
    // indented room follows: it is not read, and the report says so.
    let text = b"{\n  \"id\": \"a\" \"x\",\n  \"participants\": {}\n}\n  {\"id\": \"b\", \"participants\": {}}\n";
    let r = validate_stdin(text);
    assert_eq!(
        lines(&r),
        [
            "<stdin>:2:13: error[syntax]: expected ',' or '}' after an object member, found '\"'",
            "<stdin>:2:13: error[syntax]: reading stopped at this error: no later line begins a room with '{' in column 1, so the last 62 bytes were not checked",
            "1 file, 0 rooms valid, 1 invalid: 2 errors, 0 warnings",
        ]
    );
    // The rest of a single broken room is not worth that word.
    let r = validate("fixtures/rules/syntax.json");
    assert_eq!(
        lines(&r),
        [
            "fixtures/rules/syntax.json:4:33: error[syntax]: expected a key after ',', found '}' (JSON does not allow a trailing comma)",
            "1 file, 0 rooms valid, 1 invalid: 1 error, 0 warnings",
        ]
    );
}

#[test]
fn trailing_garbage_is_an_error_of_the_room_before_it() {
    let r = validate("fixtures/streams/trailing-garbage.json");
    assert_eq!(
        lines(&r),
        [
            "fixtures/streams/trailing-garbage.json:1:30: error[syntax]: expected a room (a JSON object), found 't'",
            "1 file, 0 rooms valid, 1 invalid: 1 error, 0 warnings",
        ]
    );
    let r = run(&[
        "validate",
        "--format",
        "json",
        "--now",
        NOW,
        "fixtures/streams/trailing-garbage.json",
    ]);
    assert_eq!(
        lines(&r),
        [
            r#"{"type":"diagnostic","file":"fixtures/streams/trailing-garbage.json","room":0,"line":1,"column":30,"pointer":"","severity":"error","rule":"syntax","message":"expected a room (a JSON object), found 't'"}"#,
            r#"{"type":"file","file":"fixtures/streams/trailing-garbage.json","status":"invalid","rooms":1,"errors":1,"warnings":0}"#,
            r#"{"type":"summary","files":1,"rooms":1,"valid":0,"invalid":1,"unreadable":0,"errors":1,"warnings":0,"exit_code":1}"#,
        ]
    );
}

#[test]
fn trailing_garbage_after_an_array_is_an_error_of_its_last_room() {
    for (text, expected) in [
        (
            &b"[{\"id\":\"x\",\"participants\":{}}] x"[..],
            "<stdin>:1:32: error[syntax]: expected a room (a JSON object), found 'x'",
        ),
        (
            b"[{\"id\":\"x\",\"participants\":{}},]",
            "<stdin>:1:31: error[syntax]: expected a room after ',', found ']'",
        ),
        (
            b"[{\"id\":\"x\",\"participants\":{}} x]",
            "<stdin>:1:31: error[syntax]: expected ',' or ']' after a room in the array, found 'x'",
        ),
        (
            b"{\"id\":\"x\",\"participants\":{}} 1x",
            "<stdin>:1:31: error[syntax]: expected whitespace after the value, found 'x'",
        ),
    ] {
        let r = validate_stdin(text);
        assert_eq!(
            lines(&r),
            [
                expected,
                "1 file, 0 rooms valid, 1 invalid: 1 error, 0 warnings"
            ],
            "{}",
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn a_broken_room_inside_an_array_does_not_hide_the_rooms_after_it() {
    // Elements in column 1: reading goes on at the next one, within the
    // array, so the `]` that closes it is no error.
    let r = validate_stdin(
        b"[\n{\"id\":\"a\",\"participants\":{}},\n{\"id\":\"b\",\"participants\":{\"x\":\n{\"id\":7,\"participants\":{}}\n]\n",
    );
    assert_eq!(
        lines(&r),
        [
            "<stdin>:3:31: error[syntax]: unexpected end of line; expected a value (line 4 begins another room)",
            "<stdin>:4:7: error[type]: /2/id: expected a string (the room ID), found number 7",
            "1 file, 1 room valid, 2 invalid: 2 errors, 0 warnings",
        ]
    );
    // Indented elements: reading stops, and says so.
    let r = validate_stdin(
        b"[\n  {\"id\":\"a\",\"participants\":{}},\n  {\"id\":\"b\" \"participants\":{}},\n  {\"id\":\"c\",\"participants\":{}}\n]\n",
    );
    assert_eq!(
        lines(&r),
        [
            "<stdin>:3:13: error[syntax]: expected ',' or '}' after an object member, found '\"'",
            "<stdin>:3:13: error[syntax]: reading stopped at this error: no later line begins a room with '{' in column 1, so the last 53 bytes were not checked",
            "1 file, 1 room valid, 1 invalid: 2 errors, 0 warnings",
        ]
    );
}

/// A line that needs a number of bytes to be a room.
fn padded_room(i: usize, len: usize) -> String {
    let head = format!("{{\"id\":\"r{i}\",\"participants\":{{}}}}");
    format!("{head}{}\n", " ".repeat(len.saturating_sub(head.len() + 1)))
}

#[test]
fn a_broken_line_in_a_huge_ndjson_on_stdin_reads_as_in_a_file() {
    // Standard input is read in 4 MiB windows: put broken lines across the
    // first window's edge, at every distance from it.
    const WINDOW: usize = 4 << 20;
    let broken = "{\"id\":\"bad\",\"participants\":{\"a\":\n";
    let mut text = String::new();
    let mut i = 0;
    while text.len() + 200 < WINDOW - 40 {
        text.push_str(&padded_room(i, 100));
        i += 1;
    }
    // Land the next line 40 bytes before the edge, then broken and good
    // lines of odd lengths across it.
    let fill = WINDOW - 40 - text.len();
    text.push_str(&padded_room(i, fill));
    i += 1;
    let mut broken_lines = Vec::new();
    for k in 0..6 {
        broken_lines.push(text.matches('\n').count() + 1);
        text.push_str(broken);
        text.push_str(&padded_room(i, 31 + k));
        i += 1;
    }
    for _ in 0..1000 {
        text.push_str(&padded_room(i, 90));
        i += 1;
    }
    let path = std::env::temp_dir().join(format!("ri-streams-{}.ndjson", std::process::id()));
    assert!(std::fs::write(&path, &text).is_ok());
    let name = path.to_string_lossy().into_owned();
    let from_file = validate(&name);
    let _ = std::fs::remove_file(&path);
    let from_stdin = validate_stdin(text.as_bytes());
    let mut expected: Vec<String> = broken_lines
        .iter()
        .map(|line| {
            format!(
                "<stdin>:{line}:33: error[syntax]: unexpected end of line; expected a value (line {} begins another room)",
                line + 1
            )
        })
        .collect();
    expected.push(format!(
        "1 file, {} rooms valid, 6 invalid: 6 errors, 0 warnings",
        i
    ));
    assert_eq!(lines(&from_stdin), expected);
    assert_eq!(
        from_file.stdout,
        from_stdin.stdout.replace("<stdin>", &name)
    );
}

#[test]
fn a_broken_last_ndjson_line_has_its_error_on_that_line() {
    let good = "{\"id\":\"a\",\"participants\":{}}\n";
    let expected = [
        "<stdin>:2:27: error[syntax]: unexpected end of input; expected a key (a string) or '}'",
        "1 file, 1 room valid, 1 invalid: 1 error, 0 warnings",
    ];
    for end in ["", "\n", "\r\n", "\n\n  \n"] {
        let text = format!("{good}{{\"id\":\"b\",\"participants\":{{{end}");
        let r = validate_stdin(text.as_bytes());
        assert_eq!(lines(&r), expected, "{end:?}");
    }
}

#[test]
fn empty_lines_between_ndjson_rooms_are_no_rooms_and_no_errors() {
    let r = validate_stdin(
        b"{\"id\":\"a\",\"participants\":{}}\n\n{\"id\":\"b\",\"participants\":{\n\n\r\n{\"id\":7,\"participants\":{}}\n\n",
    );
    assert_eq!(
        lines(&r),
        [
            "<stdin>:3:27: error[syntax]: unexpected end of line; expected a key (a string) or '}' (line 6 begins another room)",
            "<stdin>:6:7: error[type]: /id: expected a string (the room ID), found number 7",
            "1 file, 1 room valid, 2 invalid: 2 errors, 0 warnings",
        ]
    );
    let r = validate_stdin(
        b"{\"id\":\"a\",\"participants\":{}}\n\n\n{\"id\":\"b\",\"participants\":{}}\n",
    );
    assert_eq!(r.stdout, "");
    assert_eq!(r.code, 0);
}
