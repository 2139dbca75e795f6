//! `summary` on the real binary: exact numbers on hand-built rooms, every
//! format, several rooms, and rooms with problems.

mod common;

use common::{run, run_stdin, snapshot};
use serde_json::Value;

/// An hour after the standup room was created.
const NOW: &str = "2023-11-14T23:13:20Z";

fn summary_json(room: &str) -> Value {
    let r = run_stdin(
        &["summary", "--format", "ndjson", "--now", NOW, "-"],
        room.as_bytes(),
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or(Value::Null)
}

#[test]
fn the_standup_room_in_numbers() {
    let r = run(&["summary", "--now", NOW, "fixtures/summary/standup.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(
        r.stdout,
        "room standup  fixtures/summary/standup.json#1, line 1
  created       2023-11-14T22:13:20.000Z
  updated       2023-11-14T23:13:20.000Z
  lifetime      1h 00m 00s so far
  participants  5: 1 active, 3 left, 1 without timestamps
  peak          3 at once, first at 2023-11-14T22:33:20.000Z
  time in room  1h 30m 00s in all; median 10m 00s; longest 55m 00s (cy)
  validation    valid
"
    );
}

#[test]
fn json_holds_raw_ms_beside_the_rendered_strings() {
    let text = std::fs::read_to_string(common::root().join("fixtures/summary/standup.json"))
        .unwrap_or_default();
    let v = summary_json(&text);
    assert_eq!(v["participants"]["total"], 5);
    assert_eq!(v["participants"]["active"], 1);
    assert_eq!(v["participants"]["left"], 3);
    assert_eq!(v["participants"]["withoutTimestamps"], 1);
    assert_eq!(v["peak"]["count"], 3);
    assert_eq!(v["peak"]["atMs"], 1_700_001_200_000_i64);
    assert_eq!(v["timeInRoom"]["totalMs"], 5_400_000);
    assert_eq!(v["timeInRoom"]["medianMs"], 600_000);
    assert_eq!(v["timeInRoom"]["longestMs"], 3_300_000);
    assert_eq!(v["timeInRoom"]["longestIdentity"], "cy");
    assert_eq!(v["lifetimeMs"], 3_600_000);
    assert_eq!(v["validation"]["status"], "valid");
}

#[test]
fn touching_stays_are_one_at_a_time() {
    let v = summary_json(
        r#"{"id":"r","participants":{
        "a":{"identity":"a","joinedAt":1700000000000,"leftAt":1700000060000},
        "b":{"identity":"b","joinedAt":1700000060000,"leftAt":1700000120000},
        "c":{"identity":"c","joinedAt":1700000120000,"leftAt":1700000180000}}}"#,
    );
    assert_eq!(v["peak"]["count"], 1);
    assert_eq!(v["peak"]["atMs"], 1_700_000_000_000_i64);
    assert_eq!(v["timeInRoom"]["medianMs"], 60_000);
}

#[test]
fn a_room_with_nobody_and_a_room_where_nobody_has_times() {
    let empty = summary_json(r#"{"id":"r","participants":{}}"#);
    assert_eq!(empty["participants"]["total"], 0);
    assert_eq!(empty["peak"], Value::Null);
    assert_eq!(empty["timeInRoom"], Value::Null);
    let timeless = summary_json(
        r#"{"id":"r","participants":{"a":{"identity":"a"},"b":{"identity":"b","name":"B"}}}"#,
    );
    assert_eq!(timeless["participants"]["total"], 2);
    assert_eq!(timeless["participants"]["withoutTimestamps"], 2);
    assert_eq!(timeless["peak"], Value::Null);
}

/// Times that are not times count as no timestamps, whichever is wrong;
/// the longest stay is named by its key when it has no identity, decoded.
#[test]
fn values_that_are_not_times_and_a_longest_stay_without_identity() {
    let v = summary_json(
        r#"{"id":"r","participants":{
        "a":{"identity":"a","joinedAt":"soon"},
        "b":{"identity":"b","joinedAt":1700000000000,"leftAt":1.5},
        "c":{"identity":"c","joinedAt":1700000600000,"leftAt":1700000000000},
        "d":{"identity":"d","joinedAt":-5,"leftAt":1700000000000},
        "\u00e9l\u00e8ve":{"joinedAt":1700000000000,"leftAt":1700002000000},
        "f":{"identity":"f","joinedAt":1700001000000}}}"#,
    );
    let people = &v["participants"];
    assert_eq!(
        [
            &people["total"],
            &people["active"],
            &people["left"],
            &people["withoutTimestamps"]
        ],
        [6, 1, 1, 4]
    );
    // f is still there at --now (1700003600000): 2600 s; the key's 2000 s.
    assert_eq!(v["timeInRoom"]["longestMs"], 2_600_000);
    assert_eq!(v["timeInRoom"]["longestIdentity"], "f");
    assert_eq!(v["timeInRoom"]["totalMs"], 4_600_000);
    assert_eq!(v["peak"]["count"], 2);
    let left = summary_json(
        r#"{"id":"r","participants":{
        "\u00e9l\u00e8ve":{"joinedAt":1700000000000,"leftAt":1700002000000},
        "f":{"identity":"f","joinedAt":1700001000000,"leftAt":1700001001000}}}"#,
    );
    assert_eq!(left["timeInRoom"]["longestIdentity"], "élève");
    assert_eq!(left["timeInRoom"]["medianMs"], 1_000);
}

#[test]
fn someone_still_active_counts_until_now_or_until_the_room_was_deleted() {
    let room = |deleted: &str| {
        format!(
            r#"{{"id":"r","createdAt":1700000000000,{deleted}"participants":{{
            "a":{{"identity":"a","joinedAt":1700000000000}},
            "b":{{"identity":"b","joinedAt":1700003000000,"leftAt":1700003500000}}}}}}"#
        )
    };
    // --now is 1700003600000: a is still there, so both are at 3000 s.
    let open = summary_json(&room(""));
    assert_eq!(open["participants"]["active"], 1);
    assert_eq!(open["peak"]["count"], 2);
    assert_eq!(open["peak"]["atMs"], 1_700_003_000_000_i64);
    assert_eq!(open["timeInRoom"]["longestMs"], 3_600_000);
    // Deleted at 1000 s: a's stay ends there, before b came.
    let gone = summary_json(&room(r#""deleted":true,"deletedAt":1700001000000,"#));
    assert_eq!(gone["peak"]["count"], 1);
    assert_eq!(gone["timeInRoom"]["longestMs"], 1_000_000);
    assert_eq!(gone["lifetimeMs"], 1_000_000);
}

#[test]
fn problems_are_counted_in_one_line() {
    let r = run_stdin(
        &["summary", "--now", NOW, "-"],
        br#"{"id":"r","createdAt":1700000000000,"updatedAt":1600000000000,
            "participants":{"a":{"identity":"b","joinedAt":"soon"}}}"#,
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
    assert!(
        r.stdout
            .contains("  validation    2 warnings, 1 error — run validate for details\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_value_that_is_not_a_room_is_reported_on_stderr() {
    let r = run_stdin(&["summary", "--now", NOW, "-"], b"[1]\n");
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("error[type]"), "{}", r.stderr);
}

#[test]
fn several_rooms_give_a_block_each_and_the_totals() {
    let r = run(&[
        "summary",
        "--now",
        NOW,
        "fixtures/summary/standup.json",
        "fixtures/admin-room.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snapshot("summary.two-rooms.txt", &r.stdout);
    assert!(
        r.stdout.ends_with(
            "\ntotal: 2 rooms, 2 valid; participants 7: 2 active, 4 left, 1 without timestamps\n"
        ),
        "{}",
        r.stdout
    );
    let md = run(&[
        "summary",
        "--format",
        "markdown",
        "--now",
        NOW,
        "fixtures/admin-room.json",
    ]);
    snapshot("summary.admin.md", &md.stdout);
}

#[test]
fn the_admin_view_extras() {
    let text = std::fs::read_to_string(common::root().join("fixtures/admin-room.json"))
        .unwrap_or_default();
    let v = summary_json(&text);
    assert_eq!(v["egressId"], "EG_4pzPqT8CFtXq");
    assert_eq!(v["tracks"][0]["mimeType"], "video/VP8");
    assert_eq!(v["tracks"][0]["count"], 1);
    let events: Vec<(String, i64)> = v["events"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["name"].as_str().unwrap_or("?").to_string(),
                        e["count"].as_i64().unwrap_or(-1),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        events,
        [
            ("room_started".to_string(), 1),
            ("egress_started".to_string(), 1),
            ("egress_ended".to_string(), 1)
        ]
    );
    // Deleted at 00:13:20, after --now: bob's open stay runs to --now.
    assert_eq!(v["timeInRoom"]["longestIdentity"], "bob");
    assert_eq!(v["timeInRoom"]["longestMs"], 3_590_000);
}

/// A room large enough that its peak is found on a second thread (60,000
/// participants, 120,000 stay bounds): the numbers are those of the same
/// arithmetic done here. Participant `i` joins at minute `i % 600` and
/// stays `i % 7 + 1` minutes, so at most 7 stays overlap a minute.
#[test]
fn a_large_room_in_numbers() {
    const T0: i64 = 1_700_000_000_000;
    const MIN: i64 = 60_000;
    let mut room = String::from("{\"id\":\"big\",\"createdAt\":1700000000000,\"participants\":{");
    let mut stays = Vec::new();
    for i in 0..60_000i64 {
        let (joined, left) = (T0 + (i % 600) * MIN, T0 + (i % 600 + i % 7 + 1) * MIN);
        stays.push((joined, left));
        let comma = if i > 0 { "," } else { "" };
        room.push_str(&format!(
            "{comma}\"p{i}\":{{\"identity\":\"p{i}\",\"joinedAt\":{joined},\"leftAt\":{left}}}"
        ));
    }
    room.push_str("}}");
    // The peak as the summary defines it: an end and a start at one
    // instant do not overlap, and the first instant of the highest count.
    let mut bounds: Vec<(i64, u8)> = stays.iter().flat_map(|&(j, l)| [(j, 1), (l, 0)]).collect();
    bounds.sort_unstable();
    let (mut present, mut peak) = (0i64, (0i64, 0i64));
    for (at, start) in bounds {
        present += if start == 1 { 1 } else { -1 };
        if present > peak.0 {
            peak = (present, at);
        }
    }
    let mut lengths: Vec<i64> = stays.iter().map(|(j, l)| l - j).collect();
    lengths.sort_unstable();
    let v = summary_json(&room);
    assert_eq!(v["participants"]["total"], 60_000, "{v}");
    assert_eq!(v["peak"]["count"], peak.0);
    assert_eq!(v["peak"]["atMs"], peak.1);
    assert_eq!(
        v["timeInRoom"]["medianMs"],
        lengths[(lengths.len() - 1) / 2]
    );
    assert_eq!(v["timeInRoom"]["longestMs"], 7 * MIN);
    assert_eq!(v["timeInRoom"]["longestIdentity"], "p6");
    assert_eq!(v["timeInRoom"]["totalMs"], lengths.iter().sum::<i64>());
}
