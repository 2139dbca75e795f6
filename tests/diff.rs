//! `diff` on the real binary: hand-built before/after pairs, streams of
//! rooms matched by ID, both directions of holding, and `diff(1)`'s exit
//! codes.

mod common;

use common::{run, run_stdin};
use serde_json::Value;

const BEFORE: &str = "fixtures/diff/before.json";
const AFTER: &str = "fixtures/diff/after.json";

#[test]
fn a_rename_a_leave_a_new_identity_and_who_came_and_went() {
    let r = run(&["diff", BEFORE, AFTER]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(
        r.stdout,
        "~ room \"standup\": updatedAt 2023-11-14T22:23:20.000Z → 2023-11-14T22:33:20.000Z
~ \"standup\" participant \"ann\": leftAt (none) → 2023-11-14T22:31:40.000Z
~ \"standup\" participant \"bob\": name \"Bob\" → \"Robert\"
- \"standup\" participant \"cy\"
~ \"standup\" participant \"eve\" (identity \"eva\"): identity \"eve\" → \"eva\"
+ \"standup\" participant \"dan\": joined 2023-11-14T22:28:20.000Z
"
    );
}

#[test]
fn identical_inputs_exit_0_and_print_nothing() {
    for format in ["text", "json"] {
        let r = run(&["diff", "--format", format, BEFORE, BEFORE]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        let expected = if format == "json" { "[]\n" } else { "" };
        assert_eq!(r.stdout, expected, "{format}");
    }
}

#[test]
fn json_gives_raw_values_and_rendered_times() {
    let r = run(&["diff", "--format", "json", BEFORE, AFTER]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    let changes = v.as_array().cloned().unwrap_or_default();
    assert_eq!(changes.len(), 6);
    let left = &changes[1];
    assert_eq!(left["change"], "participantChanged");
    assert_eq!(left["key"], "ann");
    assert_eq!(left["field"], "leftAt");
    assert_eq!(left["old"], Value::Null);
    assert_eq!(left["new"], 1_700_001_100_000_i64);
    assert_eq!(left["newTime"], "2023-11-14T22:31:40.000Z");
    let renamed = &changes[4];
    assert_eq!(renamed["identity"], "eva");
    assert_eq!(
        (&renamed["old"], &renamed["new"]),
        (&Value::from("eve"), &Value::from("eva"))
    );
    assert_eq!(changes[3]["change"], "participantRemoved");
    assert_eq!(changes[5]["change"], "participantAdded");
}

/// Two streams, rooms in another order, one room only in each.
#[test]
fn streams_are_matched_by_room_id_whichever_side_is_held() {
    let dir = std::env::temp_dir().join(format!("ri-diff-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let room = |id: &str, who: &str| {
        format!(
            r#"{{"id":"{id}","participants":{{"{who}":{{"identity":"{who}","joinedAt":1700000000000}}}}}}"#
        )
    };
    let old = [room("a", "ann"), room("b", "bob"), room("gone", "x")].join("\n");
    // NEW is larger than OLD here, so OLD is the side held.
    let new = [
        room("new", "y"),
        room("b", "bea"),
        room("a", "ann"),
        room("pad", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"),
    ]
    .join("\n");
    let (old_path, new_path) = (dir.join("old.ndjson"), dir.join("new.ndjson"));
    let _ = std::fs::write(&old_path, &old);
    let _ = std::fs::write(&new_path, &new);
    let (o, n) = (old_path.to_string_lossy(), new_path.to_string_lossy());
    let forward = run(&["diff", &o, &n]);
    assert_eq!(forward.code, 1, "{}", forward.stderr);
    let mut lines: Vec<&str> = forward.stdout.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            "+ \"b\" participant \"bea\": joined 2023-11-14T22:13:20.000Z",
            "+ room \"new\" (1 participant)",
            "+ room \"pad\" (1 participant)",
            "- \"b\" participant \"bob\"",
            "- room \"gone\" (1 participant)",
        ]
    );
    // Held the other way round (NEW from stdin is never held): the same
    // changes.
    let piped = run_stdin(&["diff", &o, "-"], new.as_bytes());
    let mut again: Vec<&str> = piped.stdout.lines().collect();
    again.sort_unstable();
    assert_eq!(again, lines);
    assert_eq!(piped.code, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A small NEW read after OLD on one thread, and the same NEW from stdin
/// read on a second thread, give one answer: changes in NEW's order, a
/// value that is not a room named on stderr, and exit 2.
#[test]
fn a_stream_read_on_one_thread_or_two_gives_one_answer() {
    let dir = std::env::temp_dir().join(format!("ri-diff-threads-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let old = r#"{"id":"a","participants":{"ann":{"identity":"ann","joinedAt":1700000000000}}}"#;
    let new = concat!(
        r#"{"id":"a","participants":{"bob":{"identity":"bob","joinedAt":1700000000000}}}"#,
        "\n42\n",
        r#"{"id":"c","participants":{}}"#,
        "\n"
    );
    let (old_path, new_path) = (dir.join("old.ndjson"), dir.join("new.ndjson"));
    let _ = std::fs::write(&old_path, old);
    let _ = std::fs::write(&new_path, new);
    let (o, n) = (old_path.to_string_lossy(), new_path.to_string_lossy());
    let expected = "- \"a\" participant \"ann\"\n\
                    + \"a\" participant \"bob\": joined 2023-11-14T22:13:20.000Z\n\
                    + room \"c\" (0 participants)\n";
    let said = "2:1: expected a room (a JSON object), found number 42 (run validate for details)\n";
    let files = run(&["diff", &o, &n]);
    assert_eq!((files.code, files.stdout.as_str()), (2, expected));
    assert_eq!(files.stderr, format!("room-inspector: {n}:{said}"));
    let piped = run_stdin(&["diff", &o, "-"], new.as_bytes());
    assert_eq!((piped.code, piped.stdout.as_str()), (2, expected));
    assert_eq!(piped.stderr, format!("room-inspector: <stdin>:{said}"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trouble_exits_2() {
    let unreadable = run(&["diff", "missing.json", AFTER]);
    assert_eq!(unreadable.code, 2);
    assert!(
        unreadable
            .stderr
            .starts_with("room-inspector: missing.json: no such file"),
        "{}",
        unreadable.stderr
    );
    let broken = run(&["diff", "fixtures/rules/syntax.json", AFTER]);
    assert_eq!(broken.code, 2);
    assert_eq!(
        broken.stderr,
        "room-inspector: fixtures/rules/syntax.json:4:33: expected a key after ',', found '}' \
         (JSON does not allow a trailing comma) (run validate for details)\n"
    );
    let twice = run(&["diff", "-", "-"]);
    assert_eq!(twice.code, 2);
    let one = run(&["diff", BEFORE]);
    assert_eq!(one.code, 2);
    assert!(one.stderr.contains("<NEW>"), "{}", one.stderr);
}

/// Of a key given twice the last is the one compared, on either side, as a
/// JSON reader keeps it.
#[test]
fn a_repeated_key_is_compared_by_its_last_value() {
    let dir = std::env::temp_dir().join(format!("ri-diff-dup-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let old = dir.join("old.json");
    let new = dir.join("new.json");
    let write = |path: &std::path::Path, text: &str| {
        if let Err(e) = std::fs::write(path, text) {
            panic!("{e}");
        }
    };
    write(
        &old,
        r#"{"id":"r","participants":{"a":{"name":"X"},"b":{"name":"B"},"a":{"name":"Y"}}}"#,
    );
    write(
        &new,
        r#"{"id":"r","participants":{"b":{"name":"B"},"a":{"name":"Y"}}}"#,
    );
    let (old, new) = (
        old.to_string_lossy().into_owned(),
        new.to_string_lossy().into_owned(),
    );
    let same = run(&["diff", &old, &new]);
    assert_eq!(
        (same.code, same.stdout.as_str()),
        (0, ""),
        "{}",
        same.stderr
    );
    write(
        std::path::Path::new(&new),
        r#"{"id":"r","participants":{"a":{"name":"Z"},"b":{"name":"B"},"a":{"name":"X"}}}"#,
    );
    let changed = run(&["diff", &old, &new]);
    assert_eq!(changed.code, 1);
    assert_eq!(
        changed.stdout, "~ \"r\" participant \"a\": name \"Y\" → \"X\"\n",
        "{}",
        changed.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two fetches may list participants in another order: each is matched by
/// key wherever it is, and an identity that is its key reads as one.
#[test]
fn participants_listed_in_another_order_are_matched_by_key() {
    let dir = std::env::temp_dir().join(format!("ri-diff-order-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    for (path, text) in [
        (
            &old,
            r#"{"id":"r","participants":{"a":{"identity":"a","name":"A"},"b":{"identity":"b"},"c":{"identity":"c"},"d":{"identity":"d","joinedAt":1700000000000}}}"#,
        ),
        (
            &new,
            r#"{"id":"r","participants":{"d":{"identity":"d","joinedAt":1700000000000},"c":{"identity":"c2"},"a":{"identity":"a","name":"Ann"},"e":{"identity":"e"}}}"#,
        ),
    ] {
        if let Err(e) = std::fs::write(path, text) {
            panic!("{e}");
        }
    }
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let r = run(&["diff", &old, &new]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "~ \"r\" participant \"a\": name \"A\" → \"Ann\"
- \"r\" participant \"b\"
~ \"r\" participant \"c\" (identity \"c2\"): identity \"c\" → \"c2\"
+ \"r\" participant \"e\"
"
    );
    let back = run(&["diff", &new, &new]);
    assert_eq!((back.code, back.stdout.as_str()), (0, ""));
}

/// A reader that goes away (`| head -1`) ends the run quietly, while the
/// larger side still has rooms to hand over: the run must not wait for a
/// reader that no one drains.
#[test]
fn a_reader_that_goes_away_ends_the_run_while_rooms_are_still_coming() {
    let dir = std::env::temp_dir().join(format!("ri-diff-head-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let (old, new) = (dir.join("old.ndjson"), dir.join("new.ndjson"));
    let rooms: String = (0..60_000)
        .map(|i| format!("{{\"id\":\"r{i}\",\"participants\":{{}}}}\n"))
        .collect();
    for (path, text) in [
        (&old, "{\"id\":\"r0\",\"participants\":{}}\n"),
        (&new, &rooms),
    ] {
        if let Err(e) = std::fs::write(path, text) {
            panic!("{e}");
        }
    }
    let r = common::sh(&format!(
        "timeout 20 room-inspector diff {} {} | head -1; echo \"exit ${{PIPESTATUS[0]}}\"",
        old.display(),
        new.display()
    ));
    assert_eq!(
        r.stdout, "+ room \"r1\" (0 participants)\nexit 1\n",
        "{}",
        r.stderr
    );
}

/// The admin view's events and published tracks are compared by count.
#[test]
fn an_event_and_a_published_track_more_are_changes() {
    let admin = std::fs::read_to_string("fixtures/admin-room.json").unwrap_or_default();
    let mut later: Value = serde_json::from_str(&admin).unwrap_or(Value::Null);
    if let Some(events) = later["events"].as_array_mut() {
        events.push(serde_json::json!({"eventName":"room_finished","timestamp":1700003600000_u64}));
    }
    later["participants"]["bob"]["tracksPublished"] = serde_json::json!(
        {"TR_x":{"sid":"TR_x","mimeType":"audio/opus","timestamp":1700000011000_u64}}
    );
    let path = std::env::temp_dir().join(format!("ri-admin-later-{}.json", std::process::id()));
    assert!(std::fs::write(&path, later.to_string()).is_ok());
    let r = run(&["diff", "fixtures/admin-room.json", &path.to_string_lossy()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "~ room \"d32ae9e6-c459-4931-9898-e86e2f5e7e16\": events 3 → 4
~ \"d32ae9e6-c459-4931-9898-e86e2f5e7e16\" participant \"bob\": tracksPublished 0 → 1
"
    );
}
