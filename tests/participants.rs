//! `participants` on the real binary: every format's exact output for a
//! room with Unicode names, an ANSI-laden name, an active participant, one
//! without timestamps and a key/identity mismatch; sorting, filters, zones,
//! several rooms, invalid input and pipes.

mod common;

use common::{run, run_stdin, sh, snapshot};

const NOW: &str = "2024-03-10T08:00:00Z";
const PEOPLE: &str = "fixtures/people.json";

fn participants(extra: &[&str]) -> common::Run {
    let mut args = vec!["participants", "--now", NOW];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn every_format_renders_exactly() {
    for (format, file) in [
        ("table", "participants.table.txt"),
        ("plain", "participants.plain.txt"),
        ("json", "participants.json"),
        ("ndjson", "participants.ndjson"),
        ("csv", "participants.csv"),
        ("tsv", "participants.tsv"),
        ("markdown", "participants.md"),
    ] {
        let r = participants(&["--format", format, PEOPLE]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        snapshot(file, &r.stdout);
    }
}

#[test]
fn table_fits_a_narrow_terminal_without_breaking_rows() {
    // Not a terminal here, so --format table uses its natural width; the
    // escaped name must still leave every line with the same display width.
    let r = participants(&["--format", "table", PEOPLE]);
    let widths: Vec<usize> = r
        .stdout
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "{widths:?}\n{}",
        r.stdout
    );
    assert!(!r.stdout.contains('\x1b'));
    assert!(
        r.stdout
            .contains("\\u{1b}[2J\\u{1b}[31mroot\\u{7}\\nfake line")
    );
}

#[test]
fn piped_default_is_plain_and_untrusted_text_is_escaped() {
    let r = participants(&[PEOPLE]);
    assert_eq!(
        r.stdout,
        participants(&["--format", "plain", PEOPLE]).stdout
    );
    assert!(!r.stdout.contains('\x1b') && !r.stdout.contains('\x07'));
    assert_eq!(r.stdout.lines().count(), 7);
}

#[test]
fn csv_round_trips_through_a_csv_parser() {
    let mallory = |args: &[&str]| {
        let r = participants(args);
        let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
        assert_eq!(rows.len(), 6);
        let row = rows.iter().find(|r| &r[1] == "mallory");
        row.map(|r| r[3].to_string())
    };
    // Shown as the tables show it by default; exact with --raw-csv.
    assert_eq!(
        mallory(&["--format", "csv", PEOPLE]).as_deref(),
        Some(r"\u{1b}[2J\u{1b}[31mroot\u{7}\nfake line")
    );
    assert_eq!(
        mallory(&["--format", "csv", "--raw-csv", PEOPLE]).as_deref(),
        Some("\x1b[2J\x1b[31mroot\x07\nfake line")
    );
    let json: serde_json::Value =
        match serde_json::from_str(&participants(&["--format", "json", PEOPLE]).stdout) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
    assert_eq!(json.as_array().map(Vec::len), Some(6));
}

/// Every field a user can shape, the times of a `+FORMAT` style included,
/// is quoted when it holds the delimiter or a quote, in CSV and in TSV.
#[test]
fn delimiters_and_quotes_in_any_field_survive_csv_and_tsv() {
    for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
        let r = participants(&["--format", format, "--time-style", "+%d,%b\t\"%Y\"", PEOPLE]);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(r.stdout.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
        assert_eq!(rows.len(), 6, "{format}: {}", r.stdout);
        assert!(
            rows.iter().all(|row| row.len() == 12),
            "{format}: {}",
            r.stdout
        );
        let noa = rows.iter().find(|row| &row[1] == "noa");
        assert_eq!(
            noa.map(|row| (row[4].to_string(), row[5].to_string())),
            Some(("1710051000000".to_string(), "10,Mar\t\"2024\"".to_string())),
            "{format}"
        );
    }
    let r = participants(&["--format", "csv", "--time-style", "rfc2822", PEOPLE]);
    let noa = r.stdout.lines().find(|l| l.contains(",noa,"));
    assert_eq!(
        noa.and_then(|l| l.split(",1710051000000,").nth(1))
            .map(|rest| rest.starts_with("\"Sun, 10 Mar 2024 06:10:00 +0000\",")),
        Some(true),
        "{}",
        r.stdout
    );
}

fn identities(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split("  ").next())
        .map(|s| s.trim().to_string())
        .collect()
}

#[test]
fn sorting_and_filters_pick_and_order_rows() {
    let ids = |extra: &[&str]| {
        let mut args = vec!["--format", "plain"];
        args.extend_from_slice(extra);
        args.push(PEOPLE);
        identities(&participants(&args).stdout)
    };
    assert_eq!(
        ids(&[]),
        ["alice-2", "li.wei", "noa", "mallory", "sam", "ghost"]
    );
    assert_eq!(
        ids(&["--sort", "duration", "--reverse"]),
        ["ghost", "alice-2", "noa", "li.wei", "mallory", "sam"]
    );
    assert_eq!(
        ids(&["--sort", "identity"]),
        ["alice-2", "ghost", "li.wei", "mallory", "noa", "sam"]
    );
    // --active leaves one room with no differing key: no KEY column.
    assert_eq!(ids(&["--active"]), ["noa"]);
    let r = participants(&["--format", "plain", PEOPLE]);
    assert!(r.stdout.starts_with("IDENTITY  KEY "), "{}", r.stdout);
    assert!(
        r.stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("alice-2   alice ")),
        "{}",
        r.stdout
    );
    assert_eq!(
        ids(&["--left", "--sort", "left"]),
        ["mallory", "sam", "li.wei", "alice-2"]
    );
    let r = participants(&["--format", "csv", "--no-header", "--active", PEOPLE]);
    assert_eq!(r.stdout.lines().count(), 1);
}

#[test]
fn times_follow_the_zone_across_a_dst_change() {
    let r = participants(&[
        "--format",
        "csv",
        "--tz",
        "America/New_York",
        "--sort",
        "identity",
        PEOPLE,
    ]);
    // alice joined 00:55 EST and left 03:55 EDT: two hours, not three.
    let alice = r
        .stdout
        .lines()
        .find(|l| l.contains(",alice,"))
        .unwrap_or_default();
    assert!(alice.contains("2024-03-10T00:55:00.000-05:00"), "{alice}");
    assert!(alice.contains("2024-03-10T03:55:00.000-04:00"), "{alice}");
    assert!(alice.contains(",7200000,2h 00m 00s,"), "{alice}");
}

#[test]
fn several_rooms_give_one_header_and_a_room_column_in_plain() {
    for args in [
        &["--format", "plain", "fixtures/room.json", PEOPLE][..],
        &[
            "--format",
            "plain",
            "--no-header",
            "fixtures/room.json",
            PEOPLE,
        ],
    ] {
        let r = participants(args);
        assert!(!r.stdout.contains("# room"), "{}", r.stdout);
        let lines: Vec<&str> = r.stdout.lines().collect();
        let header = !args.contains(&"--no-header");
        assert_eq!(lines.len(), 7 + usize::from(header), "{}", r.stdout);
        if header {
            assert!(lines[0].starts_with("ROOM  "), "{}", r.stdout);
        }
        // Every line names its room, and the key has a column of its own.
        let body = &lines[usize::from(header)..];
        // Sorted by join time across rooms: the room.json participant has
        // none, so it comes after everyone who has one (ghost, who has none
        // either, is later in the input).
        let theirs = body
            .iter()
            .position(|l| l.starts_with("d32ae9e6-c459-4931-9898-e86e2f5e7e16  key"));
        assert_eq!(theirs, Some(body.len() - 2), "{}", r.stdout);
        let people = body.iter().filter(|l| l.starts_with("5b3c1f0e-")).count();
        assert_eq!(people, 6, "{}", r.stdout);
        let fields: Vec<Vec<&str>> = body
            .iter()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            &fields[0][..3],
            ["5b3c1f0e-8a7d-4c2b-9e6f-0a1b2c3d4e5f", "alice-2", "alice"]
        );
    }
    // One input that holds several rooms has the same shape.
    let stream = b"{\"id\":\"a\",\"participants\":{\"x\":{\"identity\":\"x\"}}}\n{\"id\":\"b\",\"participants\":{\"y\":{\"identity\":\"y\"}}}\n";
    let r = run_stdin(&["participants", "--format", "plain", "-"], stream);
    assert_eq!(
        r.stdout,
        "ROOM  IDENTITY  KEY  NAME  JOINED  LEFT  DURATION  STATUS\na     x         x                                  unknown\nb     y         y                                  unknown\n"
    );
    let r = participants(&["--format", "ndjson", "fixtures/room.json", PEOPLE]);
    let rooms: Vec<String> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["room"].as_str().map(str::to_string))
        .collect();
    assert_eq!(rooms.len(), 7);
    assert!(rooms[5].starts_with("d32ae9e6"), "{rooms:?}");
    let r = participants(&[
        "--format",
        "ndjson",
        "--per-room",
        "fixtures/room.json",
        PEOPLE,
    ]);
    assert!(r.stdout.starts_with("{\"room\":\"d32ae9e6"), "{}", r.stdout);
    let stream = b"{\"id\":\"a\",\"participants\":{}}\n{\"id\":\"b\",\"participants\":{}}\n";
    let r = run_stdin(&["participants", "--format", "table"], stream);
    assert_eq!(
        r.stdout,
        "room a (<stdin>, line 1): 0 participants\nno participants\n\nroom b (<stdin>, line 2): 0 participants\nno participants\n\n"
    );
}

#[test]
fn a_room_without_participants_says_so_in_every_format() {
    let empty = b"{\"id\":\"e\",\"participants\":{}}";
    let out = |f: &str| run_stdin(&["participants", "--format", f], empty).stdout;
    assert_eq!(out("table"), "no participants\n");
    assert_eq!(out("json"), "[]\n");
    assert_eq!(out("ndjson"), "");
    assert_eq!(out("csv").lines().count(), 1);
}

#[test]
fn invalid_input_reports_like_validate_and_exits_1() {
    let r = participants(&["fixtures/rules/type.json"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("fixtures/rules/type.json:3:16: error[type]: /createdAt"),
        "{}",
        r.stderr
    );
    let r = participants(&["fixtures/rules/key-identity-mismatch.json"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("warning[key-identity-mismatch]"));
    assert!(r.stdout.contains("bob       alice"), "{}", r.stdout);
    let r = participants(&["--tz", "Mars/Olympus", PEOPLE]);
    assert_eq!(r.code, 2);
}

#[test]
fn help_explains_the_leftat_quirk() {
    let r = run(&["participants", "--help"]);
    assert!(r.stdout.contains("participant_left"), "{}", r.stdout);
    assert!(r.stdout.contains("Examples:"));
}

/// Large rooms are formatted by two threads, a chunk each in turn; the
/// rows must come out whole, once each, and in order, in every machine
/// format.
#[test]
fn a_large_room_lists_every_row_once_in_sorted_order() {
    let n: usize = 20_011;
    let mut room = String::from("{\"id\":\"big\",\"participants\":{");
    for i in 0..n {
        // A permutation of 0..n, so that sorting moves nearly every row.
        let t = (i * 7919) % n;
        if i > 0 {
            room.push(',');
        }
        room.push_str(&format!(
            "\"u{i}\":{{\"identity\":\"u{i}\",\"name\":\"Name, \\\"{i}\\\"\",\"joinedAt\":{}}}",
            1_700_000_000_000u64 + t as u64 * 1000
        ));
    }
    room.push_str("}}");
    let path = std::env::temp_dir().join(format!("ri-large-{}.json", std::process::id()));
    assert!(std::fs::write(&path, &room).is_ok());
    let file = path.to_string_lossy().into_owned();
    let out = |format: &str| participants(&["--format", format, &file]).stdout;
    let (csv_text, json_text, ndjson_text) = (out("csv"), out("json"), out("ndjson"));
    let markdown_text = out("markdown");
    let _ = std::fs::remove_file(&path);

    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
    assert_eq!(rows.len(), n);
    let joined: Vec<u64> = rows.iter().filter_map(|r| r[4].parse().ok()).collect();
    let expected: Vec<u64> = (0..n as u64)
        .map(|t| 1_700_000_000_000 + t * 1000)
        .collect();
    assert_eq!(joined, expected, "every row once, sorted by join time");
    let keys: Vec<String> = rows.iter().map(|r| r[1].to_string()).collect();
    assert!(
        rows.iter()
            .all(|r| r[3] == format!("Name, \"{}\"", &r[1][1..]))
    );

    let json: serde_json::Value = match serde_json::from_str(&json_text) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    let json_keys: Vec<String> = json
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["key"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(json_keys, keys);
    let ndjson_keys: Vec<String> = ndjson_text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|r| r["key"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ndjson_keys, keys);
    // Markdown is built a chunk at a time too: a header, then every row.
    let mut lines = markdown_text.lines();
    assert_eq!(
        lines.next(),
        Some("| IDENTITY | NAME | JOINED | LEFT | DURATION | STATUS |")
    );
    assert_eq!(lines.next(), Some("|---|---|---|---|---|---|"));
    let markdown_keys: Vec<String> = lines
        .map(|l| {
            l.split(" | ")
                .next()
                .unwrap_or("")
                .trim_start_matches("| ")
                .to_string()
        })
        .collect();
    assert_eq!(markdown_keys, keys);
}

#[test]
fn a_huge_room_into_head_ends_quietly_in_every_format() {
    let path = std::env::temp_dir().join(format!("ri-head-{}.json", std::process::id()));
    // Far more output than a pipe holds.
    assert!(std::fs::write(&path, common::big_room(50_000)).is_ok());
    for format in ["plain", "table", "json", "ndjson", "csv", "tsv", "markdown"] {
        let r = sh(&format!(
            "room-inspector participants --now 2024-01-01T00:00:00Z --format {format} {} | head -n 3; echo \"rc=${{PIPESTATUS[0]}}\"",
            path.display()
        ));
        assert_eq!(r.stderr, "", "{format}");
        assert_eq!(r.stdout.lines().count(), 4, "{format}: {}", r.stdout);
        assert!(r.stdout.ends_with("rc=0\n"), "{format}: {}", r.stdout);
    }
    for format in ["plain", "json", "ndjson"] {
        let r = sh(&format!(
            "room-inspector timestamps --now 2024-01-01T00:00:00Z --format {format} {} | head -c 100 >/dev/null; echo \"rc=${{PIPESTATUS[0]}}\"",
            path.display()
        ));
        assert_eq!(
            (r.stderr.as_str(), r.stdout.as_str()),
            ("", "rc=0\n"),
            "timestamps {format}"
        );
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn limit_keeps_the_first_rows_and_says_how_many_were_left_out() {
    for format in ["csv", "json", "plain"] {
        let r = common::run(&[
            "participants",
            "--format",
            format,
            "--sort",
            "joined",
            "--limit",
            "2",
            "--now",
            "2023-11-14T23:13:20Z",
            "fixtures/summary/standup.json",
        ]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            "room-inspector: fixtures/summary/standup.json#1: showing 2 of 5 participants (--limit 2)\n",
            "{format}"
        );
        assert!(
            r.stdout.contains("ann") && r.stdout.contains("cy"),
            "{format}: {}",
            r.stdout
        );
        assert!(
            !r.stdout.contains("bob") && !r.stdout.contains("eve"),
            "{format}: {}",
            r.stdout
        );
    }
    let all = common::run(&[
        "participants",
        "--limit",
        "9",
        "fixtures/summary/standup.json",
    ]);
    assert_eq!(all.stderr, "");
}

#[test]
fn the_timeline_refuses_a_format_and_ascii_needs_it() {
    let both = common::run(&[
        "participants",
        "--timeline",
        "--format",
        "csv",
        "fixtures/room.json",
    ]);
    assert_eq!(both.code, 2);
    let ascii = common::run(&["participants", "--ascii", "fixtures/room.json"]);
    assert_eq!(ascii.code, 2);
}

/// A `leftAt` that is not a time, one before `joinedAt`, a join after
/// now: no format shows a duration for them, and each says why, in the
/// same word.
#[test]
fn stays_that_cannot_be_measured_say_why_in_every_format() {
    let expected = [
        ("a", "unknown"),
        ("d", "active"),
        ("b", "left-before-joined"),
        ("c", "joined-after-now"),
    ];
    let args = |format: &'static str| {
        [
            "participants",
            "--format",
            format,
            "--now",
            "2023-11-14T23:13:20Z",
            "fixtures/participants/unmeasurable.json",
        ]
    };
    let csv = common::run(&args("csv"));
    assert_eq!(csv.code, 1, "{}", csv.stderr);
    let mut reader = ::csv::Reader::from_reader(csv.stdout.as_bytes());
    let rows: Vec<(String, String, String)> = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| (r[1].to_string(), r[8].to_string(), r[10].to_string()))
        .collect();
    let with_duration: Vec<(String, String, String)> = expected
        .iter()
        .map(|(k, s)| {
            let d = if *s == "active" { "3600000" } else { "" };
            (k.to_string(), d.to_string(), s.to_string())
        })
        .collect();
    assert_eq!(rows, with_duration);
    let json = common::run(&args("json"));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    let statuses: Vec<(String, String, bool)> = v
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["key"].as_str().unwrap_or("?").to_string(),
                r["status"].as_str().unwrap_or("?").to_string(),
                r["durationMs"].is_null(),
            )
        })
        .collect();
    let want: Vec<(String, String, bool)> = expected
        .iter()
        .map(|(k, s)| (k.to_string(), s.to_string(), *s != "active"))
        .collect();
    assert_eq!(statuses, want);
    let plain = common::run(&args("plain"));
    for (key, status) in expected {
        let line = plain
            .stdout
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_default();
        assert!(line.ends_with(status), "{line:?}");
        assert!(!line.contains(" -"), "a negative duration: {line:?}");
    }
}

const CROWD: &str = "fixtures/crowd.json";

/// Long names, CJK, RTL and emoji sequences at 80 and 200 columns, given
/// by `--width` and by `COLUMNS` (which a pipe honours too).
#[test]
fn tables_fit_80_and_200_columns() {
    for width in ["80", "200"] {
        let r = participants(&["--format", "table", "--width", width, CROWD]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        snapshot(&format!("participants.crowd.{width}.txt"), &r.stdout);
        let by_env = common::run_env(
            &["participants", "--now", NOW, "--format", "table", CROWD],
            b"",
            &[("COLUMNS", width)],
        );
        assert_eq!(by_env.stdout, r.stdout, "COLUMNS={width}");
    }
}

/// Every time in an 80-column table is whole, in one of the three forms a
/// table uses, and no row is wrapped onto a second line.
#[test]
fn no_cell_of_an_80_column_table_holds_a_partial_time() {
    let full = |t: &str| t.len() == 24 && t.ends_with('Z') && t.as_bytes()[10] == b'T';
    let seconds = |t: &str| t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b' ';
    let minutes = |t: &str| t.len() == 11 && t.as_bytes()[2] == b'-' && t.as_bytes()[5] == b' ';
    for fixture in [CROWD, PEOPLE, "fixtures/meeting.json"] {
        let r = participants(&["--format", "table", "--width", "80", fixture]);
        let rows: Vec<&str> = r
            .stdout
            .lines()
            .filter(|l| l.starts_with('│'))
            .skip(1)
            .collect();
        let listed = participants(&["--format", "ndjson", fixture])
            .stdout
            .lines()
            .count();
        assert_eq!(rows.len(), listed, "one line a row:\n{}", r.stdout);
        for row in rows {
            let cells: Vec<&str> = row.trim_matches('│').split('┆').map(str::trim).collect();
            for time in [cells[2], cells[3]] {
                assert!(
                    time.is_empty() || full(time) || seconds(time) || minutes(time),
                    "{time:?} in\n{}",
                    r.stdout
                );
            }
        }
    }
}

#[test]
fn match_finds_text_in_identity_key_or_name_ignoring_case() {
    let identities = |pattern: &str| -> Vec<String> {
        let r = participants(&["--format", "tsv", "--no-header", "--match", pattern, CROWD]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
            .lines()
            .map(|l| l.split('\t').nth(2).unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(identities("LI*wei"), ["li.wei"]);
    assert_eq!(identities("北京"), ["li.wei"]);
    assert_eq!(identities("family 👨"), ["family"]);
    assert_eq!(
        identities("guest-*-0042"),
        ["guest-with-a-rather-long-identity-0042"]
    );
    assert_eq!(
        identities("A"),
        [
            "alice",
            "noa",
            "layla",
            "family",
            "dev",
            "guest-with-a-rather-long-identity-0042"
        ]
    );
    assert!(identities("nobody").is_empty());
    // With --active and --limit the selection narrows further.
    let r = participants(&[
        "--format",
        "tsv",
        "--no-header",
        "--active",
        "--match",
        "a",
        CROWD,
    ]);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
}

#[test]
fn columns_pick_and_order_csv_and_tsv_fields() {
    let r = participants(&[
        "--format",
        "csv",
        "--columns",
        "name,identity,duration_ms",
        CROWD,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(r.stdout.as_bytes())
        .records()
        .filter_map(Result::ok)
        .collect();
    assert!(
        r.stdout.starts_with("name,identity,duration_ms\n"),
        "{}",
        r.stdout
    );
    assert_eq!(rows.len(), 7);
    // A field that needed quoting keeps its quotes when moved.
    let bart = rows
        .iter()
        .find(|r| &r[1] == "guest-with-a-rather-long-identity-0042");
    assert_eq!(
        bart.map(|r| (r[0].to_string(), r[2].to_string())),
        Some((
            "Bartholomew Fitzgerald-Montgomery, Head of Partnerships (EMEA)".into(),
            "300000".into()
        ))
    );
    let tsv = participants(&[
        "--format",
        "tsv",
        "--no-header",
        "--columns",
        "status,key",
        CROWD,
    ]);
    assert_eq!(
        tsv.stdout.lines().next(),
        Some("left\talice"),
        "{}",
        tsv.stdout
    );
    // Past the size where a second thread formats every other chunk.
    let big = common::big_room(9000);
    let r = run_stdin(
        &[
            "participants",
            "--now",
            NOW,
            "--format",
            "csv",
            "--columns",
            "key,joined_at_ms",
            "-",
        ],
        big.as_bytes(),
    );
    assert_eq!(r.stdout.lines().count(), 9001);
    assert!(
        r.stdout.lines().skip(1).all(|l| l.split(',').count() == 2),
        "{}",
        &r.stdout[..200]
    );
}

#[test]
fn columns_refuse_unknown_fields_and_other_formats() {
    let r = participants(&["--format", "csv", "--columns", "nmae", CROWD]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("unknown field \"nmae\"; did you mean name?"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = participants(&["--format", "json", "--columns", "name", CROWD]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--columns applies to --format csv and tsv"),
        "{}",
        r.stderr
    );
}

/// With several rooms the formats for scripts sort all rows together;
/// `--per-room` keeps each room on its own, in input order.
#[test]
fn sort_is_across_rooms_unless_per_room() {
    let inputs = ["fixtures/meeting.json", CROWD];
    for format in ["csv", "tsv", "ndjson", "json", "plain"] {
        let joined = |extra: &[&str]| -> Vec<(String, i64)> {
            let mut args = vec!["--format", "ndjson", "--sort", "joined"];
            args.extend_from_slice(extra);
            args.extend_from_slice(&inputs);
            participants(&args)
                .stdout
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .map(|v| {
                    (
                        v["room"].as_str().unwrap_or_default().to_string(),
                        v["joinedAt"].as_i64().unwrap_or(i64::MAX),
                    )
                })
                .collect()
        };
        let across = joined(&[]);
        assert_eq!(across.len(), 12);
        assert!(across.windows(2).all(|w| w[0].1 <= w[1].1), "{across:?}");
        assert!(across.windows(2).any(|w| w[0].0 != w[1].0));
        let per_room = joined(&["--per-room"]);
        let rooms: Vec<&str> = per_room.iter().map(|(r, _)| r.as_str()).collect();
        assert!(
            rooms[..5].iter().all(|r| *r == rooms[0]) && rooms[5..].iter().all(|r| *r == rooms[5])
        );
        // Every format lists the same rows in the same order.
        let r = participants(&[&["--format", format, "--no-header"][..], &inputs].concat());
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        let lines = match format {
            "json" => serde_json::from_str::<serde_json::Value>(&r.stdout)
                .ok()
                .and_then(|v| v.as_array().map(Vec::len))
                .unwrap_or(0),
            _ => r.stdout.lines().count(),
        };
        assert_eq!(lines, 12, "{format}:\n{}", r.stdout);
        if format == "plain" {
            // One width for all rooms: every JOINED column starts at the same place.
            let at: Vec<usize> = r
                .stdout
                .lines()
                .filter_map(|l| {
                    l.find("2024-03-10T")
                        .map(|i| unicode_width::UnicodeWidthStr::width(&l[..i]))
                })
                .collect();
            assert!(at.windows(2).all(|w| w[0] == w[1]), "{}", r.stdout);
        }
    }
    // A stream of rooms on stdin sorts across them too, with --reverse.
    let stream = b"{\"id\":\"a\",\"participants\":{\"x\":{\"identity\":\"x\",\"joinedAt\":1700000002000}}}\n{\"id\":\"b\",\"participants\":{\"y\":{\"identity\":\"y\",\"joinedAt\":1700000001000},\"z\":{\"identity\":\"z\",\"joinedAt\":1700000003000}}}\n";
    let r = run_stdin(
        &[
            "participants",
            "--now",
            NOW,
            "--format",
            "tsv",
            "--no-header",
            "--columns",
            "room,key",
            "--reverse",
            "-",
        ],
        stream,
    );
    assert_eq!(r.stdout, "b\tz\na\tx\nb\ty\n");
}

/// Several rooms' tables are fitted as one, so their columns line up.
#[test]
fn tables_of_several_rooms_share_their_column_widths() {
    for width in ["80", "100", "200"] {
        let r = participants(&[
            "--format",
            "table",
            "--width",
            width,
            "fixtures/meeting.json",
            CROWD,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let tops: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with('┌')).collect();
        assert_eq!(tops.len(), 2, "{}", r.stdout);
        assert_eq!(tops[0], tops[1], "width {width}:\n{}", r.stdout);
        assert_eq!(
            r.stdout.lines().filter(|l| l.starts_with("room ")).count(),
            2
        );
    }
}

#[test]
fn color_always_colours_the_table_and_never_leaves_it_plain() {
    let r = participants(&[
        "--format",
        "table",
        "--color",
        "always",
        "fixtures/meeting.json",
    ]);
    assert!(
        r.stdout.contains("\x1b[1m IDENTITY"),
        "bold header:\n{}",
        r.stdout
    );
    let active = r
        .stdout
        .lines()
        .find(|l| l.contains("noa"))
        .unwrap_or_default();
    let left = r
        .stdout
        .lines()
        .find(|l| l.contains("alice"))
        .unwrap_or_default();
    let unknown = r
        .stdout
        .lines()
        .find(|l| l.contains("ghost"))
        .unwrap_or_default();
    assert!(active.contains("\x1b[38;5;10m active"), "green: {active:?}");
    assert!(left.contains("\x1b[2m left"), "dim: {left:?}");
    assert!(
        unknown.contains("\x1b[38;5;11m unknown"),
        "yellow: {unknown:?}"
    );
    let never = participants(&[
        "--format",
        "table",
        "--color",
        "never",
        "fixtures/meeting.json",
    ]);
    assert!(!never.stdout.contains('\x1b'), "{}", never.stdout);
    // Piped with the default (auto), no colour.
    let auto = participants(&["--format", "table", "fixtures/meeting.json"]);
    assert!(!auto.stdout.contains('\x1b'), "{}", auto.stdout);
}

/// The plain shape is decided the same way whether rows are held to sort
/// across rooms or written room by room.
#[test]
fn plain_columns_follow_the_rooms_in_every_mode() {
    // One room, then garbage: the input may hold more, but only one room
    // came, so no ROOM column; its key differs, so a KEY column.
    let r = run_stdin(
        &["participants", "--now", NOW, "--format", "plain", "-"],
        b"{\"id\":\"r\",\"participants\":{\"a\":{\"identity\":\"b\"}}} x\n",
    );
    assert_eq!(
        r.stdout,
        "IDENTITY  KEY  NAME  JOINED  LEFT  DURATION  STATUS\nb         a                                  unknown\n"
    );
    // Room by room, several inputs still get a ROOM column.
    let r = participants(&[
        "--format",
        "plain",
        "--per-room",
        "fixtures/room.json",
        PEOPLE,
    ]);
    assert!(r.stdout.starts_with("ROOM  "), "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 8, "{}", r.stdout);
}

/// A room too large to hold as rows is measured and written a batch at a
/// time: the widest name, in the last batch, still sets its column.
#[test]
fn plain_columns_of_a_huge_room_fit_its_widest_cell_wherever_it_is() {
    let n = 70_000;
    let r = common::run_stdin(
        &[
            "participants",
            "--now",
            common::NOW,
            "--format",
            "plain",
            "-",
        ],
        common::big_room(n).as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), n + 1);
    let column = |line: &str, text: &str| line.find(text);
    let (name, joined) = (column(lines[0], "NAME"), column(lines[0], "JOINED"));
    assert!(name.is_some() && joined > name, "{}", lines[0]);
    for (i, line) in lines.iter().enumerate().skip(1) {
        let who = format!("User {}", i - 1);
        assert_eq!(column(line, &who), name, "line {i}: {line}");
        assert_eq!(
            column(line, " 2023-"),
            joined.map(|j| j - 1),
            "line {i}: {line}"
        );
    }
    assert!(lines[n].contains("User 69999"));
}
