//! Choosing rules on the command line: `--select`, `--extend-select`,
//! `--ignore`, `--deny`, with `--strict` and `--deny-warnings`, and the two
//! rules that catch what a new user pastes: a misspelt field and an API
//! error body.

mod common;

use common::NOW;

/// One room with a warning (seconds-not-ms), an error (type) and an
/// admin-view field (unknown-field under --strict).
const ROOM: &str = r#"{"id":"r","deleted":false,"participants":{"a":{"identity":"a","joinedAt":1687517025,"name":7}}}"#;

/// The rule codes of a human report, in order.
fn rules(args: &[&str], stdin: &str) -> (i32, Vec<String>) {
    let mut all = vec!["validate", "--now", NOW];
    all.extend(args);
    let r = common::run_stdin(&all, stdin.as_bytes());
    let codes = r
        .stdout
        .lines()
        .filter_map(|l| l.split_once('[').and_then(|(_, rest)| rest.split_once(']')))
        .map(|(code, _)| code.to_string())
        .collect();
    (r.code, codes)
}

#[test]
fn defaults_strict_select_extend_ignore_and_deny() {
    assert_eq!(
        rules(&[], ROOM),
        (1, vec!["seconds-not-ms".into(), "type".into()])
    );
    assert_eq!(
        rules(&["--strict"], ROOM),
        (
            1,
            vec![
                "unknown-field".into(),
                "seconds-not-ms".into(),
                "type".into()
            ]
        )
    );
    assert_eq!(
        rules(&["--select", "seconds-not-ms"], ROOM),
        (0, vec!["seconds-not-ms".into()])
    );
    assert_eq!(
        rules(&["--select", "seconds-not-ms", "--deny-warnings"], ROOM),
        (1, vec!["seconds-not-ms".into()])
    );
    assert_eq!(
        rules(&["--ignore", "type"], ROOM),
        (0, vec!["seconds-not-ms".into()])
    );
    assert_eq!(
        rules(&["--ignore", "type,seconds-not-ms"], ROOM),
        (0, vec![])
    );
    assert_eq!(
        rules(&["--extend-select", "unknown-field"], ROOM),
        (
            1,
            vec![
                "unknown-field".into(),
                "seconds-not-ms".into(),
                "type".into()
            ]
        )
    );
    // --deny turns a warning into an error, and runs a rule that is off.
    let r = common::run_stdin(
        &[
            "validate",
            "--now",
            NOW,
            "--ignore",
            "type",
            "--deny",
            "seconds-not-ms",
        ],
        ROOM.as_bytes(),
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("error[seconds-not-ms]"), "{}", r.stdout);
    assert_eq!(
        rules(
            &["--deny", "unknown-field", "--ignore", "type,seconds-not-ms"],
            ROOM
        ),
        (1, vec!["unknown-field".into()])
    );
    // `all` selects every rule, those off by default too; --ignore still
    // applies after it.
    assert_eq!(
        rules(&["--select", "all", "--ignore", "type"], ROOM),
        (
            1,
            vec![
                "room-id-shape".into(),
                "unknown-field".into(),
                "seconds-not-ms".into()
            ]
        )
    );
}

#[test]
fn the_selection_applies_to_the_listings_diagnostics_too() {
    let r = common::run_stdin(
        &["participants", "--now", NOW, "--ignore", "seconds-not-ms"],
        ROOM.as_bytes(),
    );
    assert!(!r.stderr.contains("seconds-not-ms"), "{}", r.stderr);
    assert!(r.stderr.contains("error[type]"), "{}", r.stderr);
}

#[test]
fn syntax_always_runs() {
    let (code, found) = rules(&["--select", "type"], "{");
    assert_eq!((code, found), (1, vec!["syntax".to_string()]));
    let r = common::run(&["validate", "--ignore", "syntax", "fixtures/room.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the syntax rule cannot be ignored"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_wrong_code_is_a_usage_error_that_names_the_nearest() {
    for args in [
        vec![
            "validate",
            "--select",
            "seconds-not-mss",
            "fixtures/room.json",
        ],
        vec![
            "validate",
            "--ignore",
            "type,seconds-not-mss",
            "fixtures/room.json",
        ],
        vec![
            "validate",
            "--deny",
            "seconds-not-mss",
            "fixtures/room.json",
        ],
        vec!["validate", "--explain", "seconds-not-mss"],
    ] {
        let r = common::run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(
            r.stderr
                .contains("unknown rule `seconds-not-mss`; did you mean `seconds-not-ms`?"),
            "{args:?}: {}",
            r.stderr
        );
    }
    // Case, `_` and `-` are forgiven as in a misspelt field.
    let snake = common::run(&[
        "validate",
        "--ignore",
        "Seconds_Not_Ms",
        "fixtures/room.json",
    ]);
    assert_eq!(snake.code, 2);
    assert!(
        snake.stderr.contains("did you mean `seconds-not-ms`?"),
        "{}",
        snake.stderr
    );
    let far = common::run(&["validate", "--explain", "zzzz"]);
    assert_eq!(far.code, 2);
    assert!(
        far.stderr
            .contains("unknown rule `zzzz` (`room-inspector validate --list-rules` lists them)"),
        "{}",
        far.stderr
    );
    let wrong_format = common::run(&["validate", "--list-rules", "--format", "github"]);
    assert_eq!(wrong_format.code, 2);
    assert!(
        wrong_format
            .stderr
            .contains("--list-rules prints as human or json, not github; try --format json"),
        "{}",
        wrong_format.stderr
    );
}

#[test]
fn a_new_users_misspelt_room_is_not_silent() {
    let text = r#"{"id":"r","createAt":1700000000000,"participants":{"a":{"joinAt":1700000000000,"leftat":1700000060000,"identiy":"a"}}}"#;
    let r = common::run_stdin(&["validate", "--now", NOW], text.as_bytes());
    assert_eq!(r.code, 0, "warnings by default");
    assert_eq!(
        r.stdout,
        concat!(
            "<stdin>:1:11: warning[misspelled-field]: /createAt: unknown field \"createAt\"; did you mean \"createdAt\"? (its value is ignored)\n",
            "<stdin>:1:57: warning[misspelled-field]: /participants/a/joinAt: unknown field \"joinAt\"; did you mean \"joinedAt\"? (its value is ignored)\n",
            "<stdin>:1:80: warning[misspelled-field]: /participants/a/leftat: unknown field \"leftat\"; did you mean \"leftAt\"? (its value is ignored)\n",
            "<stdin>:1:103: warning[misspelled-field]: /participants/a/identiy: unknown field \"identiy\"; did you mean \"identity\"? (its value is ignored)\n",
            "1 file, 1 room valid, 0 invalid: 0 errors, 4 warnings\n",
        )
    );
    let strict = common::run_stdin(&["validate", "--now", NOW, "--strict"], text.as_bytes());
    assert_eq!(strict.code, 1);
    assert_eq!(
        strict.stdout.matches("error[misspelled-field]").count(),
        4,
        "{}",
        strict.stdout
    );
    assert!(
        !strict.stdout.contains("unknown-field"),
        "{}",
        strict.stdout
    );
}

#[test]
fn an_api_error_body_is_one_error_in_every_command() {
    let body = br#"{"errors":["invalid authorization header"]}"#;
    let r = common::run_stdin(&["validate", "--now", NOW], body);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "<stdin>:1:2: error[api-error]: /errors: this is an API error response, not a room: \"invalid authorization header\"\n\
         1 file, 0 rooms valid, 1 invalid: 1 error, 0 warnings\n"
    );
    // summary gives the count in its block: one error, not two missing fields.
    let summary = common::run_stdin(&["summary", "--now", NOW], body);
    assert_eq!(summary.code, 1);
    assert!(
        summary
            .stdout
            .contains("validation    1 error — run validate"),
        "{}",
        summary.stdout
    );
    for command in ["participants", "timestamps"] {
        let r = common::run_stdin(&[command, "--now", NOW], body);
        assert_eq!(r.code, 1, "{command}");
        assert!(
            r.stderr.contains("error[api-error]"),
            "{command}: {}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("missing-field"),
            "{command}: {}",
            r.stderr
        );
    }
}

#[test]
fn an_ignored_api_error_leaves_the_body_judged_as_a_room() {
    let body = br#"{"errors":["invalid authorization header"]}"#;
    let r = common::run_stdin(&["validate", "--now", NOW, "--ignore", "api-error"], body);
    assert_eq!(
        r.code, 1,
        "an error body never validates clean: {}",
        r.stdout
    );
    assert_eq!(
        r.stdout.matches("error[missing-field]").count(),
        2,
        "{}",
        r.stdout
    );
}
