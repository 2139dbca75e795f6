//! Properties over generated rooms and bytes, run through the binary: a
//! valid room validates clean, `timestamps --format json` changes nothing
//! but timestamps, csv reads back to the rows the JSON lists, and no input
//! makes the tool exit outside {0, 1, 2} or panic.

mod common;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use common::run_stdin;

const NOW: &str = "--now=2024-06-01T00:00:00Z";
/// 2001-09-09 to 2024-06-01 in ms: timestamps no rule has anything to say about.
const QUIET: std::ops::Range<i64> = 1_000_000_000_000..1_717_200_000_000;

/// Text as people and hostile clients write it: any Unicode scalar value,
/// controls and bidi overrides included.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ._-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(16).collect()),
        "[=+@\\-\t\r|\\[\\]!<>`*_\\\\&~]{1,6}[a-z]{0,4}",
    ]
}

fn participant(identity: String, created: i64) -> impl Strategy<Value = Value> {
    (
        text(),
        created..QUIET.end,
        prop::option::of(0..10_000_000_i64),
    )
        .prop_map(move |(name, joined, stay)| {
            let mut p = json!({"identity": identity, "name": name, "joinedAt": joined});
            if let Some(stay) = stay {
                p["leftAt"] = json!((joined + stay).min(QUIET.end - 1));
            }
            p
        })
}

/// Whether no two identities look alike (`confusable-identity`).
fn unlike(identities: &std::collections::BTreeSet<String>) -> bool {
    use room_inspector::rules::identity::Forms;
    let mut seen = std::collections::HashSet::new();
    identities.iter().all(|i| {
        let f = Forms::of(i);
        [f.nfc, f.visible, f.folded, f.skeleton, f.folded_skeleton]
            .into_iter()
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .all(|form| seen.insert(form))
    })
}

/// A room the service could have sent: keyed by identity, no two alike,
/// everyone joined after the room was made, and updated last.
fn valid_room() -> impl Strategy<Value = Value> {
    let identities =
        prop::collection::btree_set(text().prop_filter("non-empty", |s| !s.is_empty()), 0..6)
            .prop_filter("identities that look alike", unlike);
    (text(), QUIET, identities)
        .prop_flat_map(|(id, created, identities)| {
            let participants: Vec<_> = identities
                .into_iter()
                .map(|i| (Just(i.clone()), participant(i, created)))
                .collect();
            (Just(id), Just(created), participants)
        })
        .prop_map(|(id, created, participants)| {
            let map: Map<String, Value> = participants.into_iter().collect();
            let updated = map
                .values()
                .filter_map(|p| p["leftAt"].as_i64())
                .fold(created, i64::max);
            json!({"id": id, "createdAt": created, "updatedAt": updated, "participants": map})
        })
}

/// Every timestamp field of a room set to null, for comparing the rest.
fn without_timestamps(mut room: Value) -> Value {
    for field in ["createdAt", "updatedAt"] {
        if room.get(field).is_some() {
            room[field] = Value::Null;
        }
    }
    if let Some(Value::Object(map)) = room.get_mut("participants") {
        for p in map.values_mut() {
            for field in ["joinedAt", "leftAt"] {
                if p.get(field).is_some() {
                    p[field] = Value::Null;
                }
            }
        }
    }
    room
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_valid_room_validates_clean(room in valid_room()) {
        let text = room.to_string();
        let r = run_stdin(&["validate", NOW, "--strict", "--format", "json", "-"], text.as_bytes());
        prop_assert_eq!(r.code, 0, "{}\n{}", text, r.stdout);
        prop_assert!(r.stdout.contains(r#""errors":0,"warnings":0"#), "{}", r.stdout);
    }

    #[test]
    fn timestamps_json_changes_only_timestamps(room in valid_room(), style in prop::sample::select(vec!["rfc3339", "relative", "unix-seconds", "+%c"])) {
        let text = serde_json::to_string_pretty(&room).unwrap_or_default();
        let r = run_stdin(&["timestamps", NOW, "--format", "json", "--time-style", style, "-"], text.as_bytes());
        prop_assert_eq!(r.code, 0, "{}", r.stderr);
        let out = parse(&r.stdout);
        prop_assert_eq!(without_timestamps(out.clone()), without_timestamps(room.clone()));
        // Each timestamp is now a string.
        if let Some(Value::Object(map)) = out.get("participants") {
            for p in map.values() {
                prop_assert!(p["joinedAt"].is_string(), "{}", p);
            }
        }
    }

    #[test]
    fn csv_reads_back_to_the_rows_json_lists(room in valid_room(), tsv in any::<bool>()) {
        let text = room.to_string();
        let (format, delimiter) = if tsv { ("tsv", b'\t') } else { ("csv", b',') };
        let json = run_stdin(&["participants", NOW, "--format", "json", "-"], text.as_bytes());
        let listed = parse(&json.stdout);
        let listed = listed.as_array().cloned().unwrap_or_default();
        for raw in [false, true] {
            let mut args = vec!["participants", NOW, "--format", format, "-"];
            if raw {
                args.insert(1, "--raw-csv");
            }
            let r = run_stdin(&args, text.as_bytes());
            prop_assert_eq!(r.code, 0, "{}", r.stderr);
            let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .from_reader(r.stdout.as_bytes())
                .records()
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("bad {format}: {e}\n{}", r.stdout));
            prop_assert_eq!(rows.len(), listed.len());
            for (row, record) in rows.iter().zip(&listed) {
                let joined = record["joinedAt"].to_string();
                prop_assert_eq!(&row[4], joined.as_str());
                if raw {
                    // Exact: the same texts as the JSON.
                    prop_assert_eq!(Some(&row[1]), record["key"].as_str());
                    prop_assert_eq!(&row[3], record["name"].as_str().unwrap_or_default());
                }
            }
        }
    }

    #[test]
    fn no_bytes_make_the_tool_panic_or_exit_oddly(bytes in prop::collection::vec(any::<u8>(), 0..200), prefix in prop::sample::select(vec!["", "{\"id\":\"r\",\"participants\":{\"a\":", "[{", "{}\n"])) {
        let mut input = prefix.as_bytes().to_vec();
        input.extend(&bytes);
        for command in [&["validate", "-"][..], &["participants", "--format", "csv", "-"], &["timestamps", "--format", "json", "-"], &["summary", "-"]] {
            let mut args = vec![NOW];
            args.splice(0..0, command.iter().copied());
            let r = run_stdin(&args, &input);
            prop_assert!((0..=2).contains(&r.code), "{:?} exit {}: {}", command, r.code, r.stderr);
            prop_assert!(!r.stderr.contains("panicked"), "{:?}: {}", command, r.stderr);
        }
    }
}
