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
    // Opened read-write, as Python's `subprocess.DEVNULL` opens it, and as
    // the standard library reopens a closed descriptor: still a place to
    // write.
    for command in [
        "validate fixtures/room.json",
        "participants fixtures/room.json",
        "--help",
    ] {
        let r = sh(&format!("room-inspector {command} 1<>/dev/null"));
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{command}");
    }
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

/// Names that a spreadsheet runs as formulas, and one that plants a live
/// link and reverses the line on a terminal.
const HOSTILE_ROOM: &str = r#"{"id":"=room","participants":{
 "a":{"identity":"a","name":"=cmd|' /C calc'!A0","joinedAt":1700000000000},
 "b":{"identity":"b","name":"@SUM(A1)","joinedAt":1700000001000},
 "c":{"identity":"c","name":"+1-2","joinedAt":1700000002000,"leftAt":1700000003000},
 "d":{"identity":"d","name":"-3","joinedAt":1700000004000},
 "e":{"identity":"e","name":"\tx","joinedAt":1700000005000},
 "f":{"identity":"f","name":"\r=1+1","joinedAt":1700000006000},
 "g":{"identity":"g","name":"x\u001b]8;;http://e\u0007y\u0085\u202ez\u2028","joinedAt":1700000007000},
 "h":{"identity":"h","name":"plain = fine","joinedAt":1700000008000}}}"#;

const NOW: &str = "--now=2024-01-01T00:00:00Z";

fn csv_rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| match r {
            Ok(r) => r.iter().map(str::to_string).collect(),
            Err(e) => panic!("the output is not valid CSV: {e}\n{text}"),
        })
        .collect()
}

#[test]
fn csv_and_tsv_defuse_formulas_and_escape_controls_but_raw_csv_is_exact() {
    for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
        let r = common::run_stdin(
            &["participants", NOW, "--format", format, "-"],
            HOSTILE_ROOM.as_bytes(),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            !has_raw_control(&r.stdout.replace('\t', " ")),
            "{format}: {:?}",
            r.stdout
        );
        let rows = csv_rows(&r.stdout, delimiter);
        let names: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
        assert_eq!(
            names,
            [
                "'=cmd|' /C calc'!A0",
                "'@SUM(A1)",
                "'+1-2",
                "'-3",
                r"'\tx",
                r"'\r=1+1",
                r"x\u{1b}]8;;http://e\u{7}y\u{85}\u{202e}z\u{2028}",
                "plain = fine",
            ],
            "{format}"
        );
        // The room ID is a text cell from the input too; numbers and
        // times are never touched.
        assert!(rows.iter().all(|r| r[0] == "'=room"), "{format}");
        assert_eq!(rows[2][4], "1700000002000");
        assert_eq!(rows[2][6], "1700000003000");
        assert_eq!(rows[2][8], "1000");

        let raw = common::run_stdin(
            &["participants", NOW, "--format", format, "--raw-csv", "-"],
            HOSTILE_ROOM.as_bytes(),
        );
        assert_eq!(raw.code, 0, "{}", raw.stderr);
        let rows = csv_rows(&raw.stdout, delimiter);
        assert_eq!(rows[0][3], "=cmd|' /C calc'!A0");
        assert_eq!(rows[5][3], "\r=1+1");
        assert_eq!(rows[6][3], "x\x1b]8;;http://e\x07y\u{85}\u{202e}z\u{2028}");
        assert_eq!(rows[0][0], "=room");
    }
}

/// Every character a terminal must not see raw, as JSON may carry it.
const INVISIBLE: [char; 10] = [
    '\u{7f}', '\u{85}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{2028}', '\u{2029}',
    '\u{feff}', '\u{61c}',
];

fn has_raw_invisible(text: &str) -> bool {
    text.chars()
        .any(|c| INVISIBLE.contains(&c) || (c.is_control() && c != '\n'))
}

#[test]
fn json_from_every_command_escapes_invisible_characters_and_reads_back_exact() {
    let name: String = std::iter::once('n').chain(INVISIBLE).collect();
    let key = "k\u{202e}";
    let room = format!(
        r#"{{"id":"r\u{{2028}}","createdAt":1700000000000,"participants":{{"{key}":{{"identity":"{key}","name":{},"joinedAt":1700000000000}}}}}}"#,
        serde_json::to_string(&name).unwrap_or_else(|e| panic!("a string serializes: {e}")),
    );
    // The input holds the characters raw, as a hostile API response would.
    let room = room.replace(r"\u{2028}", "\u{2028}");
    let file = std::env::temp_dir().join(format!("ri-invisible-{}.json", std::process::id()));
    std::fs::write(&file, &room).unwrap_or_else(|e| panic!("temp file: {e}"));
    let path = file.to_string_lossy().into_owned();
    let runs: [&[&str]; 8] = [
        &["participants", "--format", "json"],
        &["participants", "--format", "ndjson"],
        &["timestamps", "--format", "json"],
        &["timestamps", "--format", "ndjson"],
        &["summary", "--format", "json"],
        &["validate", "--strict", "--format", "json"],
        &["diff", "--format", "json", "-"],
        &["summary", "--format", "ndjson"],
    ];
    for args in runs {
        let mut args = args.to_vec();
        args.push(NOW);
        args.push(&path);
        let stdin = if args[0] == "diff" {
            "{\"id\":\"r\u{2028}\",\"participants\":{}}"
        } else {
            ""
        };
        let r = common::run_stdin(&args, stdin.as_bytes());
        assert!(r.code <= 1, "{args:?}: {}", r.stderr);
        assert!(!has_raw_invisible(&r.stdout), "{args:?}: {:?}", r.stdout);
        if args[0] != "validate" {
            assert!(r.stdout.contains(r"\u202e"), "{args:?}: {}", r.stdout);
        }
        // Lossless: every document reads back, and the name is whole.
        for doc in serde_json::Deserializer::from_str(&r.stdout).into_iter::<serde_json::Value>() {
            if let Err(e) = doc {
                panic!("{args:?}: not JSON: {e}\n{}", r.stdout);
            }
        }
    }
    let back = common::run(&["participants", "--format", "json", NOW, &path]);
    let value: serde_json::Value =
        serde_json::from_str(&back.stdout).unwrap_or_else(|e| panic!("participants json: {e}"));
    assert!(find_string(&value, &name), "{}", back.stdout);
    let stamps = common::run(&["timestamps", "--format", "json", NOW, &path]);
    let value: serde_json::Value =
        serde_json::from_str(&stamps.stdout).unwrap_or_else(|e| panic!("timestamps json: {e}"));
    assert_eq!(
        value["participants"][key]["name"],
        serde_json::Value::String(name.clone())
    );
    assert_eq!(value["id"], "r\u{2028}");
    let _ = std::fs::remove_file(&file);

    // A diagnostic's pointer holds the key exactly, escaped.
    let broken = format!(r#"{{"id":"r","participants":{{"{key}":{{"identity":1}}}}}}"#);
    let r = common::run_stdin(&["validate", "--format", "json", "-"], broken.as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!has_raw_invisible(&r.stdout), "{:?}", r.stdout);
    assert!(
        r.stdout
            .contains(r#""pointer":"/participants/k\u202e/identity""#),
        "{}",
        r.stdout
    );
}

fn find_string(value: &serde_json::Value, wanted: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == wanted,
        serde_json::Value::Array(items) => items.iter().any(|v| find_string(v, wanted)),
        serde_json::Value::Object(map) => map.values().any(|v| find_string(v, wanted)),
        _ => false,
    }
}

#[test]
fn markdown_shows_names_as_text_in_a_commonmark_renderer() {
    let names = [
        "[l](javascript:alert(1))",
        "![i](http://x/t.png)",
        "<b>bold</b><script>x</script>",
        r"a\|b",
        "`code` *em* _em_ **strong** ~~del~~",
        "&amp; &#60;",
        "x | y",
    ];
    let participants: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                r#""p{i}":{{"identity":"p{i}","name":{},"joinedAt":{}}}"#,
                serde_json::to_string(n).unwrap_or_default(),
                1_700_000_000_000_u64 + i as u64 * 1000
            )
        })
        .collect();
    let room = format!(
        r#"{{"id":"<i>r</i>","participants":{{{}}}}}"#,
        participants.join(",")
    );
    // Two inputs, so the room's heading is in the output too.
    let r = common::run_stdin(
        &[
            "participants",
            NOW,
            "--format",
            "markdown",
            "-",
            "fixtures/room.json",
        ],
        room.as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(&r.stdout, options),
    );
    for tag in [
        "<a ", "<img", "<b>", "<script", "<em>", "<strong>", "<code>", "<del>", "<i>",
    ] {
        assert!(!html.contains(tag), "{tag} in\n{html}\nfrom\n{}", r.stdout);
    }
    let cells: Vec<String> = html
        .split("<td>")
        .skip(1)
        .filter_map(|c| c.split("</td>").next())
        .map(|c| {
            c.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .collect();
    for name in names {
        assert!(
            cells.iter().any(|c| c == name),
            "{name:?} not a cell in\n{html}"
        );
    }
    assert!(html.contains("&lt;i&gt;r&lt;/i&gt;"), "{html}");
}

#[test]
fn a_huge_value_or_key_gives_a_short_diagnostic_at_the_exact_place() {
    let digits = "9".repeat(2_000_000);
    let key = "k".repeat(1_000_000);
    let room = format!(
        "{{\"id\":{digits},\n\"participants\":{{\"{key}\":{{\"identity\":\"{key}\",\"joinedAt\":1.{digits}}}}}}}"
    );
    for format in ["human", "json", "github"] {
        let r = common::run_stdin(&["validate", "--format", format, "-"], room.as_bytes());
        assert_eq!(
            r.code,
            1,
            "{format}: {}",
            &r.stderr[..r.stderr.len().min(500)]
        );
        let text = format!("{}{}", r.stdout, r.stderr);
        assert!(text.len() < 4000, "{format}: {} bytes", text.len());
        for line in text.lines() {
            assert!(line.chars().count() < 600, "{format}: {line}");
        }
        assert!(text.contains("number 99999"), "{format}: {text}");
        assert!(text.contains("… (2000000 characters)"), "{format}: {text}");
        let short_key = format!("/participants/{}…/joinedAt", "k".repeat(60));
        assert!(text.contains(&short_key), "{format}: {text}");
    }
    let r = common::run_stdin(&["validate", "-"], room.as_bytes());
    let text = format!("{}{}", r.stdout, r.stderr);
    // The id's value starts at 1:7; the joinedAt value on line 2, after the key twice.
    assert!(text.contains("<stdin>:1:7: error[type]: /id:"), "{text}");
    let joined_col = "\"participants\":{\"".len()
        + key.len()
        + "\":{\"identity\":\"".len()
        + key.len()
        + "\",\"joinedAt\":".len()
        + 1;
    assert!(
        text.contains(&format!("<stdin>:2:{joined_col}: ")),
        "{text}"
    );
}

/// Laying out a cell cost more than its length; a cell is now cut to what
/// a table can show before layout, so the output is a screenful whatever
/// the name.
#[test]
fn a_huge_name_or_key_is_cut_in_tables_not_laid_out() {
    let long = "x".repeat(2_000_000);
    let room = format!(
        r#"{{"id":"r","createdAt":1700000000000,"participants":{{"{long}":{{"identity":"{long}","name":"{long}","joinedAt":1700000000000}}}}}}"#
    );
    for command in ["participants", "timestamps"] {
        let r = common::run_stdin(&[command, NOW, "--format", "table", "-"], room.as_bytes());
        assert_eq!(
            r.code,
            0,
            "{command}: {}",
            &r.stderr[..r.stderr.len().min(300)]
        );
        assert!(
            r.stdout.len() < 64 * 1024,
            "{command}: {} bytes",
            r.stdout.len()
        );
        assert!(r.stdout.contains("xxxxxxxx…"), "{command}: {}", r.stdout);
        // Times are whole, however long the names are.
        assert!(
            r.stdout.contains("2023-11-14T22:13:20.000Z"),
            "{command}: {}",
            r.stdout
        );
    }
}

/// A large file truncated while it is read once ended the process with
/// SIGBUS (exit 135): it is mapped. Each command is run on a file of
/// about 8 MB that is cut to 1000 bytes shortly after it starts, at a
/// few different moments; it must end with one of its own exit codes, and
/// when it could not finish, say why.
#[test]
fn a_file_truncated_while_it_is_read_never_kills_the_tool() {
    let dir = std::env::temp_dir().join(format!("ri-truncate-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("big.ndjson");
    let line = r#"{"id":"r","participants":{"a":{"identity":"a","name":"Ann","joinedAt":1700000000000,"leftAt":1700000060000},"b":{"identity":"b","joinedAt":1700000001000}}}"#;
    let script = format!(
        r#"set -u
for cmd in "participants --format csv" "timestamps --format ndjson" "validate"; do
  for pause in 0.01 0.05 0.1; do
    yes '{line}' | head -c 8000000 > "$F"
    room-inspector $cmd "$F" > /dev/null 2> "$F.err" &
    pid=$!
    sleep $pause
    truncate -s 1000 "$F"
    wait $pid
    code=$?
    if [ $code = 2 ]; then grep -c 'the file changed while it was read' "$F.err" >&2; fi
    echo "$cmd $pause $code"
  done
done"#,
        line = line
    );
    let r = common::sh(&format!("F='{}'\n{script}", file.display()));
    let _ = std::fs::remove_dir_all(&dir);
    let results: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(results.len(), 9, "{}{}", r.stdout, r.stderr);
    let mut stopped = 0;
    for result in results {
        let code = result.rsplit(' ').next().unwrap_or_default();
        assert!(["0", "1", "2"].contains(&code), "{result}\n{}", r.stdout);
        stopped += usize::from(code == "2");
    }
    // Each run stopped by the truncation said so, once.
    assert_eq!(
        r.stderr.lines().filter(|l| *l == "1").count(),
        stopped,
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Bus error"), "{}", r.stderr);
}
