//! `validate` on the real binary: every rule with its exact place, exit
//! codes, formats, several inputs, streams, stdin and hostile input.

mod common;

use common::{NOW, run, run_env, run_stdin, sh};

/// (fixture, extra args, expected lines without the summary, exit code)
const RULE_CASES: &[(&str, &[&str], &[&str], i32)] = &[
    (
        "syntax",
        &[],
        &[
            "fixtures/rules/syntax.json:4:33: error[syntax]: expected a key after ',', found '}' (JSON does not allow a trailing comma)",
        ],
        1,
    ),
    (
        "no-room",
        &[],
        &[
            "fixtures/rules/no-room.json:1:1: error[no-room]: no room found: expected a room object, an array of rooms or a stream of rooms",
        ],
        1,
    ),
    (
        "type",
        &[],
        &[
            "fixtures/rules/type.json:3:16: error[type]: /createdAt: expected a number (Unix ms), found string \"2020-04-23\"",
            "fixtures/rules/type.json:7:19: error[type]: /participants/alice/joinedAt: expected an integer (Unix ms), found number 1687517025000.5",
            "fixtures/rules/type.json:8:15: error[type]: /participants/alice/name: expected a string (the display name), found number 42",
        ],
        1,
    ),
    (
        "missing-field",
        &[],
        &[
            "fixtures/rules/missing-field.json:1:1: error[missing-field]: /id: missing required field \"id\" (a string, the room ID)",
            "fixtures/rules/missing-field.json:1:1: error[missing-field]: /participants: missing required field \"participants\" (an object mapping identity to participant; may be {})",
        ],
        1,
    ),
    (
        "duplicate-key",
        &[],
        &[
            "fixtures/rules/duplicate-key.json:6:5: error[duplicate-key]: /participants/alice: duplicate key \"alice\"; a JSON parser keeps only the last one, hiding the other (first at 4:5)",
        ],
        1,
    ),
    (
        "timestamp-range",
        &[],
        &[
            "fixtures/rules/timestamp-range.json:3:16: error[timestamp-range]: /createdAt: -1 is negative; expected Unix milliseconds from 0 to 253402207200999 (9999-12-30T22:00:00.999Z)",
            "fixtures/rules/timestamp-range.json:5:47: error[timestamp-range]: /participants/alice/leftAt: 300000000000000 is beyond year 9999 as Unix milliseconds (at most 253402207200999, 9999-12-30T22:00:00.999Z, the last time every zone shows in year 9999)",
        ],
        1,
    ),
    (
        "unknown-field",
        &["--strict"],
        &[
            "fixtures/rules/unknown-field.json:3:3: error[unknown-field]: /colour: unknown field \"colour\"; expected one of id, createdAt, updatedAt, egressId, participants",
            "fixtures/rules/unknown-field.json:5:37: error[unknown-field]: /participants/alice/role: unknown field \"role\"; expected one of identity, name, joinedAt, leftAt",
        ],
        1,
    ),
    ("unknown-field", &[], &[], 0),
    (
        "seconds-not-ms",
        &[],
        &[
            "fixtures/rules/seconds-not-ms.json:6:19: warning[seconds-not-ms]: /participants/alice/joinedAt: 1687517025 looks like seconds; as ms it is 1970-01-20T12:45:17.025Z, as seconds 2023-06-23T10:43:45Z",
        ],
        0,
    ),
    (
        "left-before-joined",
        &[],
        &[
            "fixtures/rules/left-before-joined.json:4:74: warning[left-before-joined]: /participants/alice/leftAt: leftAt 2023-06-23T10:43:20.000Z is before joinedAt 2023-06-23T10:43:45.000Z",
        ],
        0,
    ),
    (
        "updated-before-created",
        &[],
        &[
            "fixtures/rules/updated-before-created.json:4:16: warning[updated-before-created]: /updatedAt: updatedAt 2020-04-23T18:36:40.000Z is before createdAt 2020-04-23T18:39:34.725Z",
        ],
        0,
    ),
    (
        "key-identity-mismatch",
        &[],
        &[
            "fixtures/rules/key-identity-mismatch.json:4:28: warning[key-identity-mismatch]: /participants/alice/identity: identity \"bob\" differs from its key \"alice\"; the server keys participants by identity",
        ],
        0,
    ),
    (
        "timestamp-in-future",
        &[],
        &[
            "fixtures/rules/timestamp-in-future.json:3:16: warning[timestamp-in-future]: /createdAt: 4102444800000 is 2100-01-01T00:00:00.000Z, later than now (2024-06-01T00:00:00.000Z)",
        ],
        0,
    ),
    (
        "precision-loss",
        &[],
        &[
            "fixtures/rules/precision-loss.json:4:15: warning[precision-loss]: /legacyId: integer 9007199254740993 is beyond 2^53 and loses precision in JavaScript clients; send it as a string",
        ],
        0,
    ),
];

#[test]
fn every_rule_reports_its_exact_place_pointer_and_exit_code() {
    for (rule, extra, expected, code) in RULE_CASES {
        let path = format!("fixtures/rules/{rule}.json");
        let mut args = vec!["validate", "--now", NOW];
        args.extend_from_slice(extra);
        args.push(&path);
        let r = run(&args);
        let lines: Vec<&str> = r.stdout.lines().collect();
        let (body, summary) = match lines.split_last() {
            Some((last, rest)) if !expected.is_empty() => (rest.to_vec(), Some(*last)),
            _ => (lines.clone(), None),
        };
        assert_eq!(body, *expected, "{rule} {extra:?}");
        assert_eq!(r.code, *code, "{rule}: {}", r.stdout);
        assert_eq!(r.stderr, "", "{rule}");
        if let Some(summary) = summary {
            assert!(summary.starts_with("1 file, "), "{summary}");
        }
    }
}

#[test]
fn warnings_fail_the_run_only_when_denied() {
    let r = run(&[
        "validate",
        "--deny-warnings",
        "fixtures/rules/seconds-not-ms.json",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .ends_with("1 file, 0 rooms valid, 1 invalid: 0 errors, 1 warning\n")
    );
}

#[test]
fn valid_rooms_pass_quietly() {
    for f in ["fixtures/room.json", "fixtures/admin-room.json"] {
        let r = run(&["validate", "--now", NOW, f]);
        assert_eq!(
            (r.code, r.stdout.as_str(), r.stderr.as_str()),
            (0, "", ""),
            "{f}"
        );
    }
}

#[test]
fn strict_reports_admin_view_fields_as_unknown() {
    let r = run(&[
        "validate",
        "--strict",
        "--now",
        NOW,
        "fixtures/admin-room.json",
    ]);
    assert_eq!(r.code, 1);
    let pointers: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("[unknown-field]"))
        .filter_map(|l| l.split(": ").nth(2))
        .collect();
    assert_eq!(
        pointers,
        [
            "/userId",
            "/deleted",
            "/deletedAt",
            "/events",
            "/participants/alice/tracksPublished"
        ]
    );
}

#[test]
fn several_files_each_reported_and_the_worst_exit_wins() {
    let r = run(&[
        "validate",
        "--now",
        NOW,
        "fixtures/room.json",
        "missing.json",
        "fixtures/rules/type.json",
        "fixtures/no-rooms",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "room-inspector: missing.json: no such file; check the path, or give - to read standard input\nroom-inspector: fixtures/no-rooms: is a directory with no room file (*.json, *.ndjson, *.jsonl); --glob chooses others\n"
    );
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.contains("error[type]"))
            .count(),
        3
    );
    assert!(
        r.stdout
            .ends_with("4 files, 1 room valid, 1 invalid, 2 unreadable: 3 errors, 0 warnings\n")
    );

    let r = run(&["validate", "fixtures/room.json", "fixtures/rules/type.json"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .ends_with("2 files, 1 room valid, 1 invalid: 3 errors, 0 warnings\n")
    );
}

#[test]
fn a_stream_on_stdin_reports_each_room_on_its_line() {
    let stream = b"{\"id\":\"a\",\"participants\":{}}\n{\"id\":\"b\",\"participants\":[]}\n\n{\"participants\":{}}\n";
    let r = run_stdin(&["validate"], stream);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "<stdin>:2:26: error[type]: /participants: expected an object mapping identity to participant, found an array\n\
         <stdin>:4:1: error[missing-field]: /id: missing required field \"id\" (a string, the room ID)\n\
         1 file, 1 room valid, 2 invalid: 2 errors, 0 warnings\n"
    );
    let r = run_stdin(
        &["validate", "-"],
        b"[{\"id\":\"a\",\"participants\":{}},\n {\"id\":7,\"participants\":{}}]",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .starts_with("<stdin>:2:8: error[type]: /1/id: expected a string"),
        "{}",
        r.stdout
    );
}

#[test]
fn in_ndjson_a_broken_line_does_not_hide_the_lines_after_it() {
    let stream = b"{\"id\":\"a\",\"participants\":{}}\n\
        {\"id\":\"b\",\"participants\":{\n\
        {\"id\":7,\"participants\":{}}\n\
        {\"id\":\"\xff\",\"participants\":{}}\n\
        {\"id\":\"e\",\"participants\":{}}\n\
        {\"id\":\"g\",\"participants\":{}} x\n\
        {\"id\":\"h\",\"participants\":{}}\n";
    let r = run_stdin(&["validate"], stream);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "<stdin>:2:27: error[syntax]: unexpected end of line; expected a key (a string) or '}' (line 3 begins another room)\n\
         <stdin>:3:7: error[type]: /id: expected a string (the room ID), found number 7\n\
         <stdin>:4:8: error[syntax]: invalid UTF-8 (byte 0xff); JSON text must be UTF-8\n\
         <stdin>:6:30: error[syntax]: expected a room (a JSON object), found 'x'\n\
         1 file, 3 rooms valid, 4 invalid: 4 errors, 0 warnings\n"
    );
    // A pretty-printed file is not NDJSON, and a broken room in it does
    // not hide the next one either: reading goes on at the next line that
    // begins with `{`.
    let pretty = b"{\"id\":\"a\",\n\"participants\":{}}\n{\"id\":\"b\",\n{\"id\":7}";
    let r = run_stdin(&["validate"], pretty);
    assert_eq!(
        r.stdout,
        "<stdin>:3:11: error[syntax]: unexpected end of line; expected a key (a string) or '}' (line 4 begins another room)\n\
         <stdin>:4:1: error[missing-field]: /participants: missing required field \"participants\" (an object mapping identity to participant; may be {})\n\
         <stdin>:4:7: error[type]: /id: expected a string (the room ID), found number 7\n\
         1 file, 1 room valid, 2 invalid: 3 errors, 0 warnings\n"
    );
}

/// Large files are mapped rather than read, and checked as UTF-8 by a
/// helper thread; what they report must not depend on that, down to the
/// place of each error, broken lines in the middle of the file included.
#[test]
fn a_large_file_reads_the_same_as_the_same_bytes_on_stdin() {
    let room = |line: usize| {
        format!(
            "{{\"id\":\"r{line}\",\"createdAt\":1700000000000,\"participants\":{{\"p\":{{\"identity\":\"p\",\"name\":\"n\",\"joinedAt\":1700000000001}}}}}}\n"
        )
    };
    let mut all: Vec<Vec<u8>> = Vec::new();
    let mut size = 0;
    while size < 3 << 20 {
        let line = room(all.len() + 1).into_bytes();
        size += line.len();
        all.push(line);
        if all.len() == 15_001 {
            // Garbage after a room, with a bad byte on the skipped rest of
            // the line; a bad byte in a room; a room cut short.
            all.push(b"{\"id\":\"m1\",\"participants\":{}} x\xff\n".to_vec());
            all.push(b"{\"id\":\"\xff\",\"participants\":{}}\n".to_vec());
            all.push(b"{\"id\":\"m3\",\"participants\":{\n".to_vec());
        }
    }
    all.push(b"{\"id\":\"last\",\"participants\":{\"p\":{\"joinedAt\":\"soon\"}}}\n".to_vec());
    all.push(b"{\"id\":\"\xff\",\"participants\":{}}\n".to_vec());
    let lines = all.len();
    let text = all.concat();
    let path = std::env::temp_dir().join(format!("ri-large-{}.ndjson", std::process::id()));
    assert!(std::fs::write(&path, &text).is_ok());
    let name = path.to_string_lossy().into_owned();
    let from_file = run(&["validate", &name]);
    let from_stdin = run_stdin(&["validate", "-"], &text);
    let _ = std::fs::remove_file(&path);
    assert_eq!(from_file.code, 1);
    // m1 is invalid (the ` x` after it is its error), m2 and m3 are not
    // JSON, and so are the last two.
    let valid = lines - 5;
    let expected = format!(
        "{name}:15002:31: error[syntax]: expected a room (a JSON object), found 'x'\n\
         {name}:15003:8: error[syntax]: invalid UTF-8 (byte 0xff); JSON text must be UTF-8\n\
         {name}:15004:28: error[syntax]: unexpected end of line; expected a key (a string) or '}}' (line 15005 begins another room)\n\
         {name}:{}:46: error[type]: /participants/p/joinedAt: expected an integer (Unix ms), found string \"soon\"\n\
         {name}:{lines}:8: error[syntax]: invalid UTF-8 (byte 0xff); JSON text must be UTF-8\n\
         1 file, {valid} rooms valid, 5 invalid: 5 errors, 0 warnings\n",
        lines - 1,
    );
    assert_eq!(from_file.stdout, expected);
    assert_eq!(from_stdin.stdout, expected.replace(&name, "<stdin>"));
}

#[test]
fn hostile_inputs_get_a_clear_error_never_a_panic() {
    let deep = "[".repeat(100_000);
    let cases: Vec<(&[u8], &str, i32)> = vec![
        (
            deep.as_bytes(),
            "error[syntax]: nesting deeper than 256 levels",
            1,
        ),
        (
            b"{\"id\":\"a\",\"participants\":{},\"createdAt\":1e400}",
            "error[timestamp-range]: /createdAt: 1e400 is beyond year 9999",
            1,
        ),
        (
            b"{\"id\":\"a\",\"participants\":{},\"n\":123456789012345678901234567890}",
            "warning[precision-loss]: /n: integer 123456789012345678901234567890",
            0,
        ),
        (
            b"{\"id\":\"\xff\"}",
            "<stdin>:1:8: error[syntax]: invalid UTF-8 (byte 0xff)",
            1,
        ),
        (b"", "<stdin>:1:1: error[no-room]", 1),
        (b"  \n ", "<stdin>:1:1: error[no-room]", 1),
        (b"[]", "<stdin>:1:1: error[no-room]", 1),
        (
            b"42",
            "error[type]: expected a room (a JSON object), found number 42",
            1,
        ),
        (
            b"{\"id\":\"a\",\"participants\":{}} x",
            "<stdin>:1:30: error[syntax]: expected a room (a JSON object), found 'x'",
            1,
        ),
    ];
    for (input, expected, code) in cases {
        let r = run_stdin(&["validate"], input);
        assert!(r.stdout.contains(expected), "{expected}\n{}", r.stdout);
        assert_eq!(r.code, code, "{expected}");
        assert_eq!(r.stderr, "");
    }
}

#[test]
fn duplicates_point_at_the_repeated_member_at_every_level() {
    let room = br#"{"id":"a","participants":{"x":{"name":"a","zz":1,"name":"b","zz":2}},"id":"b"}"#;
    let r = run_stdin(&["validate"], room);
    let found: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("[duplicate-key]"))
        .filter_map(|l| {
            l.split(": ")
                .nth(2)
                .map(|p| p.split(':').next().unwrap_or(p))
        })
        .collect();
    assert_eq!(
        found,
        ["/participants/x/name", "/participants/x/zz", "/id"],
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("<stdin>:1:50: error[duplicate-key]: /participants/x/name: duplicate key \"name\"; a JSON parser keeps only the last one, hiding the other (first at 1:32)"), "{}", r.stdout);
}

#[test]
fn published_tracks_are_checked_field_by_field() {
    let room = br#"{"id":"a","participants":{"p":{"identity":"p","tracksPublished":{"T":{"sid":"T","width":"wide","height":9007199254740993,"timestamp":1700000000000.5,"sid":"U","codec":"vp8","codec":1}}}}}"#;
    let r = run_stdin(&["validate", "--now", NOW], room);
    assert_eq!(
        r.stdout,
        "<stdin>:1:89: error[type]: /participants/p/tracksPublished/T/width: expected a number, found string \"wide\"\n\
         <stdin>:1:105: warning[precision-loss]: /participants/p/tracksPublished/T/height: integer 9007199254740993 is beyond 2^53 and loses precision in JavaScript clients; send it as a string\n\
         <stdin>:1:150: error[duplicate-key]: /participants/p/tracksPublished/T/sid: duplicate key \"sid\"; a JSON parser keeps only the last one, hiding the other (first at 1:71)\n\
         <stdin>:1:174: error[duplicate-key]: /participants/p/tracksPublished/T/codec: duplicate key \"codec\"; a JSON parser keeps only the last one, hiding the other (first at 1:160)\n\
         1 file, 0 rooms valid, 1 invalid: 3 errors, 1 warning\n"
    );
}

#[test]
fn events_are_checked_field_by_field() {
    let room = br#"{"id":"a","participants":{},"events":[{"eventName":"x","timestamp":1700000000000},{"eventName":3,"timestamp":"t","timestamp":1,"extra":{"a":1,"a":2}},5]}"#;
    let r = run_stdin(&["validate", "--now", NOW], room);
    assert_eq!(
        r.stdout,
        "<stdin>:1:52: warning[unknown-event]: /events/0/eventName: event \"x\" is not one the service records (room_started, room_finished, egress_started, egress_ended)\n\
         <stdin>:1:96: error[type]: /events/1/eventName: expected a string, found number 3\n\
         <stdin>:1:110: error[type]: /events/1/timestamp: expected a number (Unix ms), found string \"t\"\n\
         <stdin>:1:114: error[duplicate-key]: /events/1/timestamp: duplicate key \"timestamp\"; a JSON parser keeps only the last one, hiding the other (first at 1:98)\n\
         <stdin>:1:126: warning[epoch-timestamp]: /events/1/timestamp: 1 is 1970-01-01T00:00:00.001Z, in the first day of 1970: a placeholder or a broken value, not a time\n\
         <stdin>:1:143: error[duplicate-key]: /events/1/extra/a: duplicate key \"a\"; a JSON parser keeps only the last one, hiding the other (first at 1:137)\n\
         <stdin>:1:151: error[type]: /events/2: expected an object (an event), found number 5\n\
         1 file, 0 rooms valid, 1 invalid: 5 errors, 2 warnings\n"
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let r = run_stdin(
        &["validate"],
        b"\xef\xbb\xbf{\"id\":\"a\",\"participants\":{}}",
    );
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
}

#[test]
fn control_characters_from_the_input_are_escaped() {
    let r = run_stdin(
        &["validate", "--strict"],
        b"{\"id\":\"a\",\"participants\":{},\"\\u001b[2J\\n\":1}",
    );
    assert!(
        r.stdout
            .contains("/\\u{1b}[2J\\n: unknown field \"\\u{1b}[2J\\n\""),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\x1b'));
}

#[derive(serde::Deserialize, Debug)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
#[allow(dead_code)]
enum Record {
    Diagnostic {
        file: String,
        room: usize,
        line: usize,
        column: usize,
        pointer: String,
        severity: String,
        rule: String,
        message: String,
    },
    File {
        file: String,
        status: String,
        rooms: usize,
        errors: usize,
        warnings: usize,
        error: Option<String>,
    },
    Summary {
        files: usize,
        rooms: usize,
        valid: usize,
        invalid: usize,
        unreadable: usize,
        errors: usize,
        warnings: usize,
        exit_code: u8,
    },
}

#[test]
fn json_format_is_strict_json_lines() {
    let r = run(&[
        "validate",
        "--format",
        "json",
        "fixtures/rules/duplicate-key.json",
        "nope.json",
    ]);
    assert_eq!(r.code, 2);
    let records: Vec<Record> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(records.len(), 4, "{records:#?}");
    match &records[0] {
        Record::Diagnostic {
            line,
            column,
            pointer,
            rule,
            severity,
            ..
        } => {
            assert_eq!(
                (*line, *column, pointer.as_str()),
                (6, 5, "/participants/alice")
            );
            assert_eq!(
                (rule.as_str(), severity.as_str()),
                ("duplicate-key", "error")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&records[2], Record::File { status, error: Some(_), .. } if status == "unreadable")
    );
    assert!(matches!(
        records[3],
        Record::Summary {
            files: 2,
            invalid: 1,
            unreadable: 1,
            errors: 1,
            exit_code: 2,
            ..
        }
    ));
}

#[test]
fn github_format_emits_workflow_commands() {
    let r = run(&[
        "validate",
        "--format",
        "github",
        "fixtures/rules/seconds-not-ms.json",
    ]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout.lines().next(),
        Some(
            "::warning file=fixtures/rules/seconds-not-ms.json,line=6,col=19,title=seconds-not-ms::/participants/alice/joinedAt: 1687517025 looks like seconds; as ms it is 1970-01-20T12:45:17.025Z, as seconds 2023-06-23T10:43:45Z"
        )
    );
}

#[test]
fn quiet_prints_nothing_and_keeps_the_exit_code() {
    let r = run(&[
        "validate",
        "-q",
        "fixtures/rules/type.json",
        "fixtures/room.json",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let f = "fixtures/rules/type.json";
    assert!(!run(&["validate", f]).stdout.contains('\x1b'));
    assert!(
        run(&["validate", "--color", "always", f])
            .stdout
            .contains("\x1b[1;31merror[type]")
    );
    let r = run_env(
        &["validate", "--color", "auto", f],
        b"",
        &[("NO_COLOR", "1")],
    );
    assert!(!r.stdout.contains('\x1b'));
}

#[test]
fn help_teaches_with_examples_and_exit_codes() {
    for args in [&["--help"][..], &["validate", "--help"]] {
        let r = run(args);
        assert_eq!(r.code, 0);
        assert!(r.stdout.contains("Examples:"), "{}", r.stdout);
        assert!(r.stdout.contains("Exit codes:"), "{}", r.stdout);
        assert!(r.stdout.contains("2  usage error"), "{}", r.stdout);
    }
    let r = run(&["validate", "--help"]);
    assert!(
        r.stdout
            .contains("in NDJSON, reading goes on at the next\nline")
            && r.stdout.contains("begins with `{` in column 1"),
        "the help says how a broken room is recovered from: {}",
        r.stdout
    );
    let r = run(&["validate", "--format", "xml", "fixtures/room.json"]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let room = common::big_room(20_000).replace("\"joinedAt\"", "\"joinedAt\":\"x\",\"j\"");
    let path = std::env::temp_dir().join(format!("ri-pipe-{}.json", std::process::id()));
    assert!(std::fs::write(&path, room).is_ok());
    let p = path.display();
    for script in [
        format!("room-inspector validate {p} | head -1; echo \"rc=${{PIPESTATUS[0]}}\""),
        format!(
            "room-inspector validate --format json {p} | head -c 10; s=${{PIPESTATUS[0]}}; echo; echo \"rc=$s\""
        ),
    ] {
        let r = sh(&script);
        assert_eq!(r.stderr, "", "{script}");
        assert!(
            r.stdout.trim_end().ends_with("rc=1"),
            "{script}: {}",
            r.stdout
        );
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_terminal_on_stdin_gets_a_hint_not_a_hang() {
    // `script` gives the child a pseudo-terminal as standard input. Without
    // it this test would prove nothing, so it fails rather than skips.
    // (`-V` answers only if it is util-linux's, whose -q -e -c are used.)
    let probe = sh("script -V");
    assert_eq!(
        probe.code, 0,
        "this test needs script(1) from util-linux on /usr/bin or /bin: install \
         util-linux (Debian/Ubuntu: apt-get install bsdutils); .ci/run installs it\n{}",
        probe.stderr
    );
    let r = sh("script -qec 'room-inspector validate' /dev/null < /dev/null; echo \"rc=$?\"");
    assert!(r.stdout.contains("no input: give a FILE"), "{}", r.stdout);
    assert!(r.stdout.trim_end().ends_with("rc=2"), "{}", r.stdout);
}

#[test]
fn each_duplicate_names_its_own_first_place() {
    let room = "{\"id\":\"r\",\n\"participants\":{},\n\"id\":\"s\",\n\"createdAt\":1700000000000,\n\
                \"participants\":{},\n\"createdAt\":1700000000000}\n";
    let r = common::run_stdin(&["validate", "--now", common::NOW, "-"], room.as_bytes());
    assert_eq!(r.code, 1);
    let hiding = "a JSON parser keeps only the last one, hiding the other";
    assert_eq!(
        r.stdout,
        format!(
            "<stdin>:3:1: error[duplicate-key]: /id: duplicate key \"id\"; {hiding} (first at 1:2)\n\
             <stdin>:5:1: error[duplicate-key]: /participants: duplicate key \"participants\"; {hiding} (first at 2:1)\n\
             <stdin>:6:1: error[duplicate-key]: /createdAt: duplicate key \"createdAt\"; {hiding} (first at 4:1)\n\
             1 file, 0 rooms valid, 1 invalid: 3 errors, 0 warnings\n"
        )
    );
}

/// 30,000 participants (about 3 MB, enough for a second thread to walk
/// the second half of the map), one per line from line 2, with problems in
/// both halves and one that spans them: entry 25,000 repeats entry 5's key
/// and entry 28,000 entry 7's identity.
fn large_room_with_problems_in_both_halves() -> String {
    let mut lines = Vec::new();
    for i in 0..30_000u64 {
        let key = if i == 25_000 {
            "u5".to_string()
        } else {
            format!("u{i}")
        };
        let identity = if i == 28_000 {
            "u7".to_string()
        } else {
            format!("u{i}")
        };
        let joined = if i == 3 {
            "\"soon\"".to_string()
        } else {
            (1_700_000_000_000 + i * 1000).to_string()
        };
        let left = if i == 29_990 {
            "1700000000".to_string()
        } else {
            (1_700_000_500_000 + i * 1000).to_string()
        };
        lines.push(format!(
            "\"{key}\":{{\"identity\":\"{identity}\",\"name\":\"User {i}\",\"joinedAt\":{joined},\"leftAt\":{left}}}"
        ));
    }
    format!(
        "{{\"id\":\"big\",\"createdAt\":1700000000000,\"participants\":{{\n{}\n}}}}\n",
        lines.join(",\n")
    )
}

#[test]
fn a_room_walked_by_two_threads_reports_as_one_walk_would() {
    let text = large_room_with_problems_in_both_halves();
    let dir = std::env::temp_dir().join(format!("ri-halves-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("big.json");
    std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let path = file.to_string_lossy().into_owned();
    let dup = "a JSON parser keeps only the last one, hiding the other";
    let mismatch = "the server keys participants by identity";
    let expected = [
        ":5:50: error[type]: /participants/u3/joinedAt: expected an integer (Unix ms), found string \"soon\"".to_string(),
        format!(":25002:1: error[duplicate-key]: /participants/u5: duplicate key \"u5\"; {dup} (first at 7:1)"),
        format!(":25002:18: warning[key-identity-mismatch]: /participants/u5/identity: identity \"u25000\" differs from its key \"u5\"; {mismatch}"),
        format!(":28002:22: warning[key-identity-mismatch]: /participants/u28000/identity: identity \"u7\" differs from its key \"u28000\"; {mismatch}"),
        format!(":28002:22: warning[duplicate-identity]: /participants/u28000/identity: identity \"u7\" is also the identity of /participants/u7/identity; {mismatch}, so it never lists one twice"),
        ":29992:85: warning[seconds-not-ms]: /participants/u29990/leftAt: 1700000000 looks like seconds; as ms it is 1970-01-20T16:13:20.000Z, as seconds 2023-11-14T22:13:20Z".to_string(),
        "1 file, 0 rooms valid, 1 invalid: 2 errors, 4 warnings".to_string(),
    ];
    // A mapped file and a stream read whole at its end.
    for (name, r) in [
        (path.as_str(), run(&["validate", "--now", NOW, &path])),
        (
            "<stdin>",
            run_stdin(&["validate", "--now", NOW], text.as_bytes()),
        ),
    ] {
        let lines: Vec<&str> = r.stdout.lines().collect();
        let want: Vec<String> = expected
            .iter()
            .map(|l| {
                if l.starts_with(':') {
                    format!("{name}{l}")
                } else {
                    l.clone()
                }
            })
            .collect();
        assert_eq!(lines, want, "{}", r.stderr);
        assert_eq!(r.code, 1);
    }
    // Every participant is listed once, by join time, the repeated key
    // too; the one with no time to sort by comes last.
    let r = run(&["participants", "--now", NOW, "--format", "tsv", &path]);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(rows.len(), 30_001, "{}", r.stderr);
    assert!(
        rows[25_000].starts_with("big\tu5\tu25000\tUser 25000\t"),
        "{}",
        rows[25_000]
    );
    assert!(
        rows[29_999].starts_with("big\tu29999\tu29999\tUser 29999\t"),
        "{}",
        rows[29_999]
    );
    assert!(
        rows[30_000].starts_with("big\tu3\tu3\tUser 3\t\t"),
        "{}",
        rows[30_000]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
