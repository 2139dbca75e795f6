//! `timestamps` on the real binary: the SDK example, zones, DST, every
//! style, admin-view timestamps, invalid values, unknown zones, a missing
//! zoneinfo, and JSON output that changes nothing but the timestamps.

mod common;

use common::{run, run_env, run_stdin, sh, snapshot};
use serde_json::Value;

const NOW: &str = "2020-04-23T21:51:34.725Z";

fn ts(extra: &[&str]) -> common::Run {
    let mut args = vec!["timestamps", "--now", NOW];
    args.extend_from_slice(extra);
    run(&args)
}

fn created(extra: &[&str]) -> String {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    args.push("fixtures/room.json");
    let r = ts(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    v["createdAt"].as_str().unwrap_or("?").to_string()
}

#[test]
fn the_sdk_example_renders_in_utc_and_tokyo() {
    assert_eq!(created(&[]), "2020-04-23T18:39:34.725Z");
    assert_eq!(
        created(&["--tz", "Asia/Tokyo"]),
        "2020-04-24T03:39:34.725+09:00"
    );
}

#[test]
fn every_time_style() {
    assert_eq!(
        created(&["--time-style", "rfc3339"]),
        "2020-04-23T18:39:34.725Z"
    );
    assert_eq!(
        created(&["--time-style", "rfc2822"]),
        "Thu, 23 Apr 2020 18:39:34 +0000"
    );
    assert_eq!(created(&["--time-style", "iso-date"]), "2020-04-23");
    assert_eq!(created(&["--time-style", "relative"]), "3h 12m ago");
    assert_eq!(created(&["--time-style", "unix-seconds"]), "1587667174.725");
    assert_eq!(
        created(&[
            "--time-style",
            "+%d/%m/%Y %H:%M %Z",
            "--tz",
            "Europe/Berlin"
        ]),
        "23/04/2020 20:39 CEST"
    );
    let r = ts(&["--time-style", "+%J", "fixtures/room.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("invalid --time-style"), "{}", r.stderr);
}

#[test]
fn a_dst_crossing_pair_in_new_york() {
    let room =
        br#"{"id":"d","createdAt":1710053999000,"updatedAt":1710054000000,"participants":{}}"#;
    let r = run_stdin(
        &[
            "timestamps",
            "--now",
            NOW,
            "--format",
            "plain",
            "--tz",
            "America/New_York",
        ],
        room,
    );
    let times: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    assert_eq!(
        times,
        [
            "2024-03-10T01:59:59.000-05:00",
            "2024-03-10T03:00:00.000-04:00"
        ]
    );
}

#[test]
fn admin_view_timestamps_are_found_and_converted() {
    let r = ts(&["--format", "plain", "fixtures/admin-room.json"]);
    assert_eq!(r.code, 0);
    snapshot("timestamps.admin.plain.txt", &r.stdout);
    let r = ts(&["--format", "json", "fixtures/admin-room.json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    assert_eq!(v["events"][2]["timestamp"], "2023-11-14T23:11:40.000Z");
    assert_eq!(
        v["participants"]["alice"]["tracksPublished"]["TR_AMkSsC4y2sVQ"]["timestamp"],
        "2023-11-14T22:13:26.000Z"
    );
    assert_eq!(v["deletedAt"], "2023-11-15T00:13:20.000Z");
}

#[test]
fn invalid_values_are_shown_as_such_and_seconds_get_their_reading() {
    let room = br#"{"id":"x","createdAt":"yesterday","updatedAt":-5,"participants":{"a":{"joinedAt":1687517025}}}"#;
    let r = run_stdin(&["timestamps", "--now", NOW, "--format", "plain"], room);
    assert_eq!(r.code, 1);
    snapshot("timestamps.invalid.plain.txt", &r.stdout);
    assert!(r.stderr.contains("error[type]: /createdAt"));
    let r = run_stdin(&["timestamps", "--now", NOW, "--format", "json"], room);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    assert_eq!(v["createdAt"], "yesterday");
    assert_eq!(v["updatedAt"], -5);
}

#[test]
fn an_unknown_zone_exits_2_with_a_suggestion() {
    let r = ts(&["--tz", "Europe/Berln", "fixtures/room.json"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "room-inspector: unknown time zone \"Europe/Berln\"; did you mean \"Europe/Berlin\"?\n"
    );
}

#[test]
fn zones_work_with_tzdir_pointing_at_an_empty_directory() {
    let empty = std::env::temp_dir().join(format!("ri-empty-tz-{}", std::process::id()));
    assert!(std::fs::create_dir_all(&empty).is_ok());
    let dir = empty.display().to_string();
    let r = run_env(
        &[
            "timestamps",
            "--format",
            "json",
            "--tz",
            "Asia/Tokyo",
            "fixtures/room.json",
        ],
        b"",
        &[("TZDIR", dir.as_str())],
    );
    let _ = std::fs::remove_dir(&empty);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("2020-04-24T03:39:34.725+09:00"));
    let r = run(&["--version"]);
    assert!(r.stdout.contains("bundled copy"), "{}", r.stdout);
}

#[test]
fn ndjson_puts_each_room_on_one_line() {
    let r = ts(&[
        "--format",
        "ndjson",
        "fixtures/room.json",
        "fixtures/admin-room.json",
    ]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        r#"{"id":"d32ae9e6-c459-4931-9898-e86e2f5e7e16","createdAt":"2020-04-23T18:39:34.725Z","updatedAt":"2020-04-23T18:39:34.725Z","participants":{"key":{}}}"#
    );
}

/// A tiny deterministic generator for the property test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn value(&mut self, depth: u32) -> Value {
        match self.below(if depth > 2 { 5 } else { 7 }) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => Value::from(self.next() as i64 >> self.below(60)),
            3 => Value::from((self.below(1_000_000) as f64) / 7.0),
            4 => Value::from(
                ["x", "é\"\\", "\u{1b}[2J", "😀 \n", "1587667174725"][self.below(5) as usize],
            ),
            5 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut m = serde_json::Map::new();
                for i in 0..self.below(4) {
                    m.insert(format!("k{i}"), self.value(depth + 1));
                }
                Value::Object(m)
            }
        }
    }
    fn ms(&mut self) -> i64 {
        1_500_000_000_000 + self.below(100_000_000_000) as i64
    }
}

/// The expected rendering, from the same library the tool uses.
fn render(ms: i64) -> Value {
    Value::from(room_inspector::time::TimeFormat::utc(0).render(ms))
}

#[test]
fn json_output_changes_nothing_but_the_timestamps() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..40 {
        let mut room = serde_json::Map::new();
        let mut expected = serde_json::Map::new();
        room.insert("id".into(), Value::from(format!("room-{case}")));
        expected.insert("id".into(), Value::from(format!("room-{case}")));
        let created = rng.ms();
        room.insert("createdAt".into(), Value::from(created));
        expected.insert("createdAt".into(), render(created));
        for i in 0..rng.below(3) {
            let v = rng.value(0);
            room.insert(format!("extra{i}"), v.clone());
            expected.insert(format!("extra{i}"), v);
        }
        let mut people = serde_json::Map::new();
        let mut people_expected = serde_json::Map::new();
        for p in 0..rng.below(5) {
            let key = format!("p{p}");
            let mut inp = serde_json::Map::new();
            inp.insert("identity".into(), Value::from(key.clone()));
            let mut exp = inp.clone();
            if rng.below(3) > 0 {
                let j = rng.ms();
                inp.insert("joinedAt".into(), Value::from(j));
                exp.insert("joinedAt".into(), render(j));
            }
            let v = rng.value(1);
            inp.insert("custom".into(), v.clone());
            exp.insert("custom".into(), v);
            people.insert(key.clone(), Value::Object(inp));
            people_expected.insert(key, Value::Object(exp));
        }
        room.insert("participants".into(), Value::Object(people));
        expected.insert("participants".into(), Value::Object(people_expected));
        let text = if case % 2 == 0 {
            serde_json::to_string_pretty(&Value::Object(room))
        } else {
            serde_json::to_string(&Value::Object(room))
        }
        .unwrap_or_default();
        for format in ["json", "ndjson"] {
            let r = run_stdin(
                &["timestamps", "--now", NOW, "--format", format],
                text.as_bytes(),
            );
            let got: Value = serde_json::from_str(&r.stdout)
                .unwrap_or_else(|e| panic!("case {case}: {e}\n{}", r.stdout));
            // Through text as well, so both sides parse floats the same way.
            let want: Value = serde_json::from_str(&Value::Object(expected.clone()).to_string())
                .unwrap_or_default();
            assert_eq!(got, want, "case {case} {format}\n{text}");
        }
    }
}

#[test]
fn the_readme_jq_pipeline_works() {
    // The line is taken from the README, so the two cannot drift apart.
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    let Some(line) = readme
        .lines()
        .find(|l| l.starts_with("room-inspector timestamps --format json") && l.contains("| jq"))
    else {
        panic!("the README lost its jq pipeline");
    };
    assert!(
        std::path::Path::new("/usr/bin/jq").exists(),
        "this test needs jq (apt-get install jq; .ci/run installs it)"
    );
    let r = common::sh(line);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().next(),
        Some("li.wei joined 2024-03-10T06:00:00.000Z"),
        "{}",
        r.stdout
    );
}

/// Each room goes out whole: with stdout and stderr on one pipe, the
/// warnings of the next room fall between lines, never inside one.
#[test]
fn json_lines_stay_whole_when_stderr_shares_the_stream() {
    let mut stream = String::new();
    for i in 0..300 {
        stream.push_str(&format!(
            "{{\"id\":\"r{i}\",\"updatedAt\":1900000000000,\"participants\":{{"
        ));
        for j in 0..20 {
            if j > 0 {
                stream.push(',');
            }
            stream.push_str(&format!(
                "\"u{j}\":{{\"identity\":\"u{j}\",\"name\":\"{}\",\"joinedAt\":1700000000000}}",
                "N".repeat(40)
            ));
        }
        stream.push_str("}}\n");
    }
    let path = std::env::temp_dir().join(format!("ri-merged-{}.ndjson", std::process::id()));
    assert!(std::fs::write(&path, &stream).is_ok());
    for format in ["ndjson", "json"] {
        let r = sh(&format!(
            "room-inspector timestamps --now 2024-01-01T00:00:00Z --format {format} {} 2>&1",
            path.display()
        ));
        let name = path.display().to_string();
        let (mut rooms, mut warnings) = (0, 0);
        for line in r.stdout.lines() {
            if line.starts_with(&name) {
                warnings += 1;
            } else {
                assert!(
                    line.starts_with('{') && line.ends_with('}'),
                    "{format}: {line}"
                );
                rooms += 1;
            }
        }
        assert_eq!((rooms, warnings), (300, 300), "{format}");
    }
    let _ = std::fs::remove_file(&path);
}

/// An input may hold arrays of rooms and rooms side by side: each array
/// goes out as an array and each lone room as an object, in input order.
#[test]
fn json_keeps_arrays_and_lone_rooms_apart_in_a_mixed_stream() {
    let text = b"[{\"id\":\"a\",\"participants\":{}},{\"id\":\"b\",\"participants\":{}}]\n\
        {\"id\":\"c\",\"participants\":{}}\n\
        [{\"id\":\"d\",\"participants\":{}}]\n[{\"id\":\"e\",\"participants\":{}}]\n";
    let r = run_stdin(&["timestamps", "--format", "json", "-"], text);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let values: Vec<Value> = serde_json::Deserializer::from_str(&r.stdout)
        .into_iter::<Value>()
        .filter_map(Result::ok)
        .collect();
    let ids = |v: &Value| match v {
        Value::Array(rooms) => rooms
            .iter()
            .map(|r| r["id"].to_string())
            .collect::<Vec<_>>()
            .join(","),
        room => room["id"].to_string(),
    };
    let shape: Vec<String> = values.iter().map(ids).collect();
    assert_eq!(
        shape,
        ["\"a\",\"b\"", "\"c\"", "\"d\"", "\"e\""],
        "{}",
        r.stdout
    );
    assert!(values[0].is_array() && values[1].is_object() && values[2].is_array());
}

#[test]
fn fixed_offsets_are_zones() {
    for (zone, created_at) in [
        ("+05:00", "2020-04-23T23:39:34.725+05:00"),
        ("-0800", "2020-04-23T10:39:34.725-08:00"),
        ("UTC+2", "2020-04-23T20:39:34.725+02:00"),
        ("gmt-5:30", "2020-04-23T13:09:34.725-05:30"),
        ("+5", "2020-04-23T23:39:34.725+05:00"),
    ] {
        assert_eq!(created(&["--tz", zone]), created_at, "{zone}");
    }
    for (zone, message) in [
        (
            "+25",
            "room-inspector: \"+25\" is out of range; a UTC offset is at most 18 hours either way\n",
        ),
        (
            "UTC+x",
            "room-inspector: \"UTC+x\" is not a UTC offset; write one as +05:00, -0800 or UTC+2\n",
        ),
    ] {
        let r = ts(&["--tz", zone, "fixtures/room.json"]);
        assert_eq!(
            (r.code, r.stderr.as_str(), r.stdout.as_str()),
            (2, message, "")
        );
    }
}

#[test]
fn now_in_seconds_is_refused_with_both_readings() {
    for command in ["validate", "participants", "timestamps"] {
        let r = run(&[command, "--now", "1733299200", "fixtures/room.json"]);
        assert_eq!(r.code, 2, "{command}");
        assert!(
            r.stderr.contains(
                "1733299200 looks like Unix seconds (2024-12-04T08:00:00Z), but --now takes \
                 milliseconds (as ms it is 1970-01-21T01:28:19.200Z); give 1733299200000 or an \
                 RFC 3339 time"
            ),
            "{command}: {}",
            r.stderr
        );
        assert_eq!(r.stdout, "");
    }
    let ms = run(&["validate", "--now", "1733299200000", "fixtures/room.json"]);
    assert_eq!(ms.code, 0, "{}", ms.stderr);
}

#[test]
fn locale_conversions_read_as_the_c_locale_writes_them() {
    assert_eq!(
        created(&["--time-style", "+%c"]),
        "Thu Apr 23 18:39:34 2020"
    );
    assert_eq!(
        created(&["--time-style", "+%x %X, 100%%c"]),
        "04/23/20 18:39:34, 100%c"
    );
}

#[test]
fn an_empty_format_is_refused() {
    for command in ["participants", "timestamps"] {
        let r = run(&[command, "--time-style", "+", "fixtures/room.json"]);
        assert_eq!(r.code, 2, "{command}");
        assert_eq!(
            r.stderr,
            "room-inspector: empty --time-style \"+\": give a format after the +, e.g. '+%Y-%m-%d %H:%M'\n"
        );
        assert_eq!(r.stdout, "");
    }
}

#[test]
fn the_relative_style_shows_the_relative_time_once() {
    let r = run(&[
        "timestamps",
        "--time-style",
        "relative",
        "--now",
        "2020-04-25T00:00:00Z",
        "fixtures/room.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "POINTER     VALUE          TIME       NOTE\n\
         /createdAt  1587667174725  1d 5h ago\n\
         /updatedAt  1587667174725  1d 5h ago\n"
    );
}

#[test]
fn tables_fit_80_and_200_columns() {
    for width in ["80", "200"] {
        let r = run(&[
            "timestamps",
            "--now",
            "2024-03-10T08:00:00Z",
            "--format",
            "table",
            "--width",
            width,
            "fixtures/crowd.json",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        snapshot(&format!("timestamps.crowd.{width}.txt"), &r.stdout);
        // Pointers are cut in their middle, never split over two lines.
        let rows = r.stdout.lines().filter(|l| l.starts_with('│')).count();
        assert_eq!(rows, 1 + 13, "{}", r.stdout);
    }
}

#[test]
fn no_header_leaves_out_the_plain_header() {
    let args = [
        "timestamps",
        "--now",
        "2024-03-10T08:00:00Z",
        "--format",
        "plain",
    ];
    let with = run(&[&args[..], &["fixtures/crowd.json"]].concat());
    let without = run(&[&args[..], &["--no-header", "fixtures/crowd.json"]].concat());
    assert!(with.stdout.starts_with("POINTER"), "{}", with.stdout);
    assert_eq!(without.stdout.lines().count(), 13, "{}", without.stdout);
    assert!(
        without.stdout.starts_with("/createdAt"),
        "{}",
        without.stdout
    );
}

#[test]
fn tables_of_several_rooms_share_their_column_widths() {
    let r = run(&[
        "timestamps",
        "--now",
        "2024-03-10T08:00:00Z",
        "--format",
        "table",
        "--width",
        "90",
        "fixtures/meeting.json",
        "fixtures/crowd.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tops: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with('┌')).collect();
    assert_eq!(tops.len(), 2, "{}", r.stdout);
    assert_eq!(tops[0], tops[1], "{}", r.stdout);
}

#[test]
fn color_always_colours_the_note_by_severity() {
    let room = br#"{"id":"r","createdAt":1700000000,"participants":{"a":{"identity":"a","joinedAt":"soon"}}}"#;
    let r = run_stdin(
        &[
            "timestamps",
            "--now",
            "2024-03-10T08:00:00Z",
            "--format",
            "table",
            "--color",
            "always",
            "-",
        ],
        room,
    );
    let seconds = r
        .stdout
        .lines()
        .find(|l| l.contains("/createdAt"))
        .unwrap_or_default();
    let invalid = r
        .stdout
        .lines()
        .find(|l| l.contains("/joinedAt"))
        .unwrap_or_default();
    assert!(
        seconds.contains("\x1b[38;5;11m as seconds"),
        "yellow: {seconds:?}"
    );
    assert!(invalid.contains("\x1b[38;5;9m invalid"), "red: {invalid:?}");
}

/// A room of 40,000 participants (80,001 timestamps, rewritten on two
/// threads a chunk at a time), all with the same two times, one with a
/// name that needs an escape: the JSON output is the input with each time
/// replaced by its string, and nothing else changed.
#[test]
fn a_large_room_keeps_every_byte_but_its_times() {
    let mut text = String::from("{\"id\":\"big\",\"createdAt\":1700000000000,\"participants\":{\n");
    for i in 0..40_000 {
        if i > 0 {
            text.push_str(",\n");
        }
        let name = if i == 33_333 { "del\u{7f}" } else { "n" };
        text.push_str(&format!(
            "\"u{i}\":{{\"identity\":\"u{i}\",\"name\":\"{name}\",\"joinedAt\":1700000001000,\"leftAt\":1700000500000}}"
        ));
    }
    text.push_str("\n}}\n");
    let expected = text
        .replace("1700000000000", "\"2023-11-14T22:13:20.000Z\"")
        .replace("1700000001000", "\"2023-11-14T22:13:21.000Z\"")
        .replace("1700000500000", "\"2023-11-14T22:21:40.000Z\"")
        .replace('\u{7f}', "\\u007f");
    let dir = std::env::temp_dir().join(format!("ri-ts-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("big.json");
    std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let path = file.to_string_lossy().into_owned();
    for r in [
        run(&["timestamps", "--now", NOW, "--format", "json", &path]),
        run_stdin(
            &["timestamps", "--now", NOW, "--format", "json"],
            text.as_bytes(),
        ),
    ] {
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout == expected,
            "the output differs from the input beyond its times"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
