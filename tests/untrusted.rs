//! Input nobody here wrote: names of files, arguments and values that
//! try to reach a terminal, a CI log or a spreadsheet raw, and outputs
//! that cannot be written. Each test is a defect that once passed.

mod common;

use common::{run, sh};

/// Sets the terminal's title, then forges a diagnostic on its own line.
const HOSTILE_NAME: &str = "x\x1b]0;pwned\x07\nfake.json:1:1: error[syntax]: forged";

fn has_raw_control(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || ('\u{80}'..='\u{9f}').contains(&c))
}

#[test]
fn an_unreadable_input_is_named_escaped_by_every_command_and_format() {
    let commands: [&[&str]; 6] = [
        &["validate"],
        &["validate", "--format", "github"],
        &["validate", "--format", "json"],
        &["participants"],
        &["timestamps"],
        &["summary"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push(HOSTILE_NAME);
        let r = run(&args);
        assert_eq!(r.code, 2, "{command:?}");
        for (stream, text) in [("stderr", &r.stderr), ("stdout", &r.stdout)] {
            assert!(!has_raw_control(text), "{command:?} {stream}: {text:?}");
            assert!(
                !text.lines().any(|l| l.starts_with("fake.json:1:1")),
                "{command:?} {stream} forged a line: {text:?}"
            );
        }
        assert!(
            r.stderr.contains(r"x\u{1b}]0;pwned\u{7}\nfake.json"),
            "{command:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn github_annotates_an_unreadable_input() {
    let r = run(&["validate", "--format", "github", "missing.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.starts_with(
            "::error file=missing.json,title=unreadable::missing.json: no such file; check the path, or give - to read standard input\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn clap_errors_escape_the_argument_they_echo() {
    for args in [
        &["validate", "--nope\x1b]0;x\x07"][..],
        &["-\x1b]0;x\x07.json"],
        &["participants", "--format", "\x1b[2Jcsv"],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(!has_raw_control(&r.stderr), "{args:?}: {:?}", r.stderr);
        assert!(r.stderr.starts_with("error: "), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn a_closed_stdout_is_an_error_not_a_success() {
    for command in [
        "participants --format csv fixtures/room.json",
        "validate --format json fixtures/room.json",
        "timestamps fixtures/room.json",
        "summary fixtures/room.json",
        "--help",
        "--version",
    ] {
        let r = sh(&format!("room-inspector {command} >&-"));
        assert_eq!(r.code, 2, "{command}: {}", r.stderr);
        assert!(
            r.stderr.contains("standard output is closed"),
            "{command}: {}",
            r.stderr
        );
    }
    // The exit code alone is the answer of a quiet run, and /dev/null is
    // a place to write.
    assert_eq!(
        sh("room-inspector validate -q fixtures/room.json >&-").code,
        0
    );
    assert_eq!(
        sh("room-inspector participants fixtures/room.json >/dev/null").code,
        0
    );
    let full = sh("room-inspector --help >/dev/full");
    assert_eq!(full.code, 2);
    assert!(full.stderr.contains("cannot write"), "{}", full.stderr);
}

#[test]
fn tz_is_read_within_a_bound_and_a_bad_one_is_named() {
    let _ = std::fs::create_dir_all(common::root().join("target"));
    let fifo = common::root().join("target/tz-fifo");
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo is needed for this test"
    );
    let big = common::root().join("target/tz-big");
    let _ = std::fs::write(&big, vec![b'T'; 1 << 20]);
    let fifo = fifo.to_string_lossy().into_owned();
    let big = big.to_string_lossy().into_owned();
    for (tz, why) in [
        ("/dev/zero".to_string(), "not a regular file"),
        (fifo.clone(), "not a regular file"),
        (format!(":{fifo}"), "not a regular file"),
        (big.clone(), "too large for a TZif time zone file"),
        ("/etc/hostname-none".to_string(), "cannot read it"),
        ("garbage::".to_string(), "neither a zone name"),
    ] {
        let r = common::run_env(
            &["timestamps", "--tz", "local", "fixtures/room.json"],
            b"",
            &[("TZ", &tz)],
        );
        assert_eq!(r.code, 2, "TZ={tz}");
        assert!(r.stderr.contains(&format!("TZ=\"{tz}\"")), "{}", r.stderr);
        assert!(r.stderr.contains(why), "TZ={tz}: {}", r.stderr);
        assert_eq!(r.stdout, "");
    }
    for (tz, created) in [
        ("Asia/Tokyo", "2020-04-24T03:39:34.725+09:00"),
        (":Asia/Tokyo", "2020-04-24T03:39:34.725+09:00"),
        ("EST5EDT,M3.2.0,M11.1.0", "2020-04-23T14:39:34.725-04:00"),
        ("", "2020-04-23T18:39:34.725Z"),
    ] {
        let r = common::run_env(
            &[
                "timestamps",
                "--format",
                "ndjson",
                "--tz",
                "local",
                "fixtures/room.json",
            ],
            b"",
            &[("TZ", tz)],
        );
        assert_eq!(r.code, 0, "TZ={tz}: {}", r.stderr);
        assert!(r.stdout.contains(created), "TZ={tz}: {}", r.stdout);
    }
}

#[test]
fn a_huge_zone_name_is_refused_at_once_and_shown_short() {
    let name = "a".repeat(100_000);
    let r = run(&["timestamps", "--tz", &name, "fixtures/room.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.len() < 200, "{}", r.stderr.len());
    assert!(
        r.stderr.contains("longer than any zone name"),
        "{}",
        r.stderr
    );
}

#[test]
fn now_outside_the_range_of_timestamps_is_refused_for_every_command() {
    for now in [
        "-9223372036854775808",
        "9223372036854775807",
        "253402207201000",
        "9999-12-31T23:59:59Z",
        "-1",
    ] {
        for command in ["validate", "participants", "timestamps", "summary"] {
            let arg = format!("--now={now}");
            let r = run(&[command, &arg, "fixtures/room.json"]);
            assert_eq!(r.code, 2, "{command} {now}: {}", r.stderr);
            assert!(
                r.stderr.contains("out of range"),
                "{command} {now}: {}",
                r.stderr
            );
            assert!(
                r.stderr.contains("9999-12-30T22:00:00.999Z"),
                "{}",
                r.stderr
            );
            assert!(r.stdout.is_empty(), "{command} {now}");
        }
    }
    let r = run(&[
        "timestamps",
        "--now=9999-12-30T22:00:00.999Z",
        "fixtures/room.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[
        "participants",
        "--now=253402207200999",
        "fixtures/room.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn the_last_accepted_timestamp_renders_in_every_zone() {
    let room = br#"{"id":"r","createdAt":253402207200999,"participants":{}}"#;
    for tz in ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "+14:00"] {
        let r = common::run_stdin(&["timestamps", "--tz", tz, "--format", "plain", "-"], room);
        assert_eq!(r.code, 0, "{tz}: {}", r.stderr);
        assert!(!r.stdout.contains("out of range"), "{tz}: {}", r.stdout);
        assert!(r.stdout.contains("9999-12-3"), "{tz}: {}", r.stdout);
    }
    let r = common::run_stdin(
        &["validate", "-"],
        br#"{"id":"r","createdAt":253402207201000,"participants":{}}"#,
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("error[timestamp-range]"), "{}", r.stdout);
}
