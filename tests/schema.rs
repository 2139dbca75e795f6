//! `schema` agrees with `validate`: an independent JSON Schema validator
//! (the jsonschema crate) run with the printed schema rejects a room
//! exactly when `validate` finds an error that JSON Schema can express
//! (`type`, `missing-field`, `timestamp-range`). Rooms with an error that
//! no schema can see (not JSON, a repeated key, no room, an API error
//! body) are left out of the comparison.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::NOW;
use jsonschema::Validator;
use serde_json::Value;

/// The error rules a JSON Schema can express.
const EXPRESSIBLE: [&str; 3] = ["type", "missing-field", "timestamp-range"];
/// The error rules beyond JSON Schema: a room with one is not compared.
const BEYOND: [&str; 4] = ["syntax", "duplicate-key", "no-room", "api-error"];

fn schema() -> Value {
    let r = common::run(&["schema"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.ends_with("}\n"), "pretty JSON and one newline");
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("schema is not JSON: {e}"))
}

fn validator() -> Validator {
    jsonschema::validator_for(&schema()).unwrap_or_else(|e| panic!("not a valid schema: {e}"))
}

/// The error rules `validate` reports for each room of `args`' input,
/// by room index, and how many rooms it read.
fn errors_by_room(args: &[&str], stdin: &[u8]) -> (Vec<BTreeSet<String>>, usize) {
    let mut argv = vec!["validate", "--format", "json", "--now", NOW];
    argv.extend_from_slice(args);
    let r = common::run_stdin(&argv, stdin);
    assert!(r.code == 0 || r.code == 1, "{argv:?}: {}", r.stderr);
    let mut rooms: Vec<BTreeSet<String>> = Vec::new();
    let mut count = 0;
    for line in r.stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        match v["type"].as_str() {
            Some("diagnostic") if v["severity"] == "error" => {
                let room = v["room"].as_u64().unwrap_or(0) as usize;
                if rooms.len() <= room {
                    rooms.resize(room + 1, BTreeSet::new());
                }
                let rule = v["rule"].as_str().unwrap_or_default().to_string();
                assert!(
                    EXPRESSIBLE.contains(&rule.as_str()) || BEYOND.contains(&rule.as_str()),
                    "a new error rule {rule}: say whether JSON Schema can express it"
                );
                rooms[room].insert(rule);
            }
            Some("file") => count = v["rooms"].as_u64().unwrap_or(0) as usize,
            _ => {}
        }
    }
    rooms.resize(rooms.len().max(count), BTreeSet::new());
    (rooms, count)
}

/// Whether the schema and `validate` agree on one room; `None` when the
/// room has an error beyond JSON Schema.
fn agree(validator: &Validator, room: &Value, errors: &BTreeSet<String>) -> Option<bool> {
    if errors.iter().any(|r| BEYOND.contains(&r.as_str())) {
        return None;
    }
    let rejects = !validator.is_valid(room);
    let reports = errors.iter().any(|r| EXPRESSIBLE.contains(&r.as_str()));
    Some(rejects == reports)
}

fn fixtures(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            fixtures(&path, found);
        } else if path
            .extension()
            .is_some_and(|e| e == "json" || e == "ndjson")
        {
            found.push(path);
        }
    }
}

/// The rooms of a fixture as serde reads them (one value, the items of an
/// array, or a stream of values), in `validate`'s order, up to the first
/// that is not JSON: after it, `validate` resynchronises where serde
/// cannot, so the rooms that follow are not compared. A file that is not
/// JSON from its start has no room here.
fn rooms_of(path: &Path) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut rooms = Vec::new();
    for value in serde_json::Deserializer::from_str(text).into_iter::<Value>() {
        match value {
            Ok(Value::Array(items)) if rooms.is_empty() => rooms.extend(items),
            Ok(room) => rooms.push(room),
            Err(_) => break,
        }
    }
    rooms
}

#[test]
fn the_schema_and_validate_agree_on_every_fixture_room() {
    let validator = validator();
    let mut paths = Vec::new();
    fixtures(&common::root().join("fixtures"), &mut paths);
    paths.sort();
    assert!(paths.len() > 10, "fixtures not found: {paths:?}");
    let mut compared = 0;
    for path in paths {
        let name = path
            .strip_prefix(common::root())
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let (errors, count) = errors_by_room(&[&name], b"");
        for (i, room) in rooms_of(&path).iter().enumerate().take(count) {
            if let Some(agrees) = agree(&validator, room, &errors[i]) {
                assert!(
                    agrees,
                    "{name} room {i}: validate reports {:?}, the schema {}",
                    errors[i],
                    if validator.is_valid(room) {
                        "accepts it"
                    } else {
                        "rejects it"
                    }
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 15, "only {compared} rooms compared");
}

/// Rooms that exercise each expressible rule both ways, the admin view
/// included, and the edges of the timestamp range.
const ROOMS: &[(&str, bool)] = &[
    // valid
    (r#"{"id":"r","participants":{}}"#, true),
    (r#"{"id":"r","participants":{"a":{}}}"#, true),
    (
        r#"{"id":"r","createdAt":0,"updatedAt":253402207200999,"egressId":"e","participants":{"a":{"identity":"a","name":"A","joinedAt":0,"leftAt":253402207200999}}}"#,
        true,
    ),
    // A room timestamp's fraction is rounded down: still year 9999.
    (
        r#"{"id":"r","createdAt":253402207200999.5,"participants":{}}"#,
        true,
    ),
    (r#"{"id":"r","createdAt":-0.0,"participants":{}}"#, true),
    // Unknown fields and warnings are not errors.
    (r#"{"id":"r","participants":{},"colour":"red"}"#, true),
    (
        r#"{"id":"r","participants":{"a":{"joinedAt":1687517025,"hat":1}}}"#,
        true,
    ),
    (
        r#"{"id":"r","userId":"u","deleted":true,"deletedAt":1700007200000,"events":[{"eventName":"room_started","timestamp":1700000000000},{}],"participants":{"a":{"identity":"a","tracksPublished":{"T":{"sid":"T","width":1280,"height":720.5,"mimeType":"video/VP8","timestamp":1700000006000},"U":{}}}}}"#,
        true,
    ),
    // type
    (r#"{"id":7,"participants":{}}"#, false),
    (r#"{"id":null,"participants":{}}"#, false),
    (r#"{"id":"r","participants":[]}"#, false),
    (r#"{"id":"r","participants":{"a":"alice"}}"#, false),
    (
        r#"{"id":"r","createdAt":"2020-04-23","participants":{}}"#,
        false,
    ),
    (r#"{"id":"r","updatedAt":null,"participants":{}}"#, false),
    (r#"{"id":"r","egressId":1,"participants":{}}"#, false),
    (
        r#"{"id":"r","participants":{"a":{"identity":null}}}"#,
        false,
    ),
    (r#"{"id":"r","participants":{"a":{"name":42}}}"#, false),
    (
        r#"{"id":"r","participants":{"a":{"joinedAt":1687517025000.5}}}"#,
        false,
    ),
    (r#"{"id":"r","participants":{"a":{"leftAt":true}}}"#, false),
    (r#"{"id":"r","userId":5,"participants":{}}"#, false),
    (r#"{"id":"r","deleted":"yes","participants":{}}"#, false),
    (r#"{"id":"r","events":{},"participants":{}}"#, false),
    (r#"{"id":"r","events":[1],"participants":{}}"#, false),
    (
        r#"{"id":"r","events":[{"eventName":3}],"participants":{}}"#,
        false,
    ),
    (
        r#"{"id":"r","participants":{"a":{"tracksPublished":[]}}}"#,
        false,
    ),
    (
        r#"{"id":"r","participants":{"a":{"tracksPublished":{"T":1}}}}"#,
        false,
    ),
    (
        r#"{"id":"r","participants":{"a":{"tracksPublished":{"T":{"width":"1280"}}}}}"#,
        false,
    ),
    (
        r#"{"id":"r","participants":{"a":{"tracksPublished":{"T":{"sid":1}}}}}"#,
        false,
    ),
    (r#"[7]"#, false),
    // missing-field
    (r#"{"participants":{}}"#, false),
    (r#"{"id":"r"}"#, false),
    (r#"{}"#, false),
    // timestamp-range
    (r#"{"id":"r","createdAt":-1,"participants":{}}"#, false),
    (r#"{"id":"r","createdAt":-0.5,"participants":{}}"#, false),
    (r#"{"id":"r","createdAt":1e20,"participants":{}}"#, false),
    (
        r#"{"id":"r","createdAt":253402207201000,"participants":{}}"#,
        false,
    ),
    (
        r#"{"id":"r","participants":{"a":{"joinedAt":253402207201000}}}"#,
        false,
    ),
    (
        r#"{"id":"r","participants":{"a":{"leftAt":99999999999999999999}}}"#,
        false,
    ),
    (r#"{"id":"r","deletedAt":-5,"participants":{}}"#, false),
    (
        r#"{"id":"r","events":[{"timestamp":1e20}],"participants":{}}"#,
        false,
    ),
    (
        r#"{"id":"r","participants":{"a":{"tracksPublished":{"T":{"timestamp":-1}}}}}"#,
        false,
    ),
];

#[test]
fn the_schema_and_validate_agree_on_each_expressible_rule_both_ways() {
    let validator = validator();
    for (text, valid) in ROOMS {
        let (errors, count) = errors_by_room(&["-"], text.as_bytes());
        assert_eq!(count, 1, "{text}");
        let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        // `[7]` is an array of one room, the number 7.
        let room = match value {
            Value::Array(mut items) => items.remove(0),
            room => room,
        };
        let expressible = errors[0].iter().any(|r| EXPRESSIBLE.contains(&r.as_str()));
        assert_eq!(
            !expressible, *valid,
            "{text}: validate reports {:?}",
            errors[0]
        );
        assert_eq!(
            agree(&validator, &room, &errors[0]),
            Some(true),
            "{text}: validate reports {:?}",
            errors[0]
        );
    }
    let rules: BTreeSet<String> = ROOMS
        .iter()
        .flat_map(|(text, _)| errors_by_room(&["-"], text.as_bytes()).0.remove(0))
        .collect();
    assert_eq!(
        rules,
        EXPRESSIBLE.iter().map(|r| r.to_string()).collect(),
        "every expressible rule is exercised"
    );
}

/// The one known disagreement. JSON Schema calls `1.0` and `1e12`
/// integers (2020-12 judges the value, not how it is written), and no
/// keyword can ask how a number is written. `validate` follows SPEC
/// ("`joinedAt`/`leftAt` not integral" is a `type` error) as typed
/// readers do: the model's `i64`, like any JSON reader into an integer
/// type, refuses `1.0`. So for a participant's timestamp written with a
/// fraction or an exponent the schema is the more lenient of the two.
#[test]
fn an_integral_participant_time_written_as_a_fraction_is_the_known_exception() {
    let validator = validator();
    for text in [
        r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000.0}}}"#,
        r#"{"id":"r","participants":{"a":{"leftAt":1.7e12}}}"#,
    ] {
        let (errors, _) = errors_by_room(&["-"], text.as_bytes());
        assert_eq!(errors[0], BTreeSet::from(["type".to_string()]), "{text}");
        let room: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(validator.is_valid(&room), "{text}");
        // And the model refuses it, as validate does.
        assert!(
            serde_json::from_str::<room_inspector::model::Room>(text).is_err(),
            "{text}"
        );
    }
}

#[test]
fn the_schema_is_draft_2020_12_with_descriptions_examples_and_the_year_9999_limit() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$id"], "urn:room-inspector:room");
    assert_eq!(schema["title"], "Livepeer Room");
    assert_eq!(
        schema["required"],
        serde_json::json!(["id", "participants"])
    );
    let props = &schema["properties"];
    assert_eq!(props["id"]["description"], "room ID");
    assert_eq!(
        props["createdAt"]["examples"],
        serde_json::json!([1_587_667_174_725_i64])
    );
    let max = room_inspector::rules::timestamp::MAX_MS;
    assert_eq!(props["createdAt"]["minimum"], 0);
    assert_eq!(props["createdAt"]["exclusiveMaximum"], max + 1);
    let participant = &schema["$defs"]["Participant"]["properties"];
    for field in ["joinedAt", "leftAt"] {
        assert_eq!(participant[field]["type"], "integer", "{field}");
        assert_eq!(participant[field]["maximum"], max, "{field}");
    }
    for field in ["userId", "deleted", "deletedAt", "events"] {
        assert!(props[field].is_object(), "{field}");
    }
    assert!(participant["tracksPublished"].is_object());
    // Unknown fields are only errors under --strict.
    assert!(
        !schema
            .to_string()
            .contains("\"additionalProperties\":false")
    );
    // Every field says what it is.
    let text = schema.to_string();
    assert!(!text.contains("\"description\":\"\""), "{text}");
}
