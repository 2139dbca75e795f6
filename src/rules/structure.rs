//! Rules on the text's own shape, raised by the walk as it reads: not
//! JSON, no room, a value of the wrong type, a field the model does not
//! define.

use super::{Check, Facts, Level, RuleDef};
use crate::term::quoted;
use crate::walk::Collect;

pub const SYNTAX: RuleDef = RuleDef {
    code: "syntax",
    default: Level::Error,
    strict: Level::Error,
    summary: "not JSON (with line:col); trailing garbage; invalid UTF-8; nesting deeper than 256",
    explanation: "The text is not JSON (RFC 8259), so nothing in it can be trusted. \
In NDJSON, reading goes on at the next line; in other streams, at the next \
line that begins with `{` in column 1.",
    bad: r#"{"id":"r","participants":{}"#,
    good: r#"{"id":"r","participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Walk,
    message: |facts| match facts {
        Facts::Syntax(message) => message.clone(),
        _ => String::new(),
    },
};

pub const NO_ROOM: RuleDef = RuleDef {
    code: "no-room",
    default: Level::Error,
    strict: Level::Error,
    summary: "an input with no room (empty, whitespace, `[]`)",
    explanation: "An empty file or an empty array is valid JSON but holds nothing to \
check; in CI it is almost always a fetch that failed quietly.",
    bad: "[]",
    good: r#"[{"id":"r","participants":{}}]"#,
    needs: Collect::NOTHING,
    check: Check::Walk,
    message: |_| {
        "no room found: expected a room object, an array of rooms or a stream of rooms".to_string()
    },
};

pub const TYPE: RuleDef = RuleDef {
    code: "type",
    default: Level::Error,
    strict: Level::Error,
    summary: "a known field of the wrong type (`joinedAt`/`leftAt` must be integers)",
    explanation: "The SDKs decode the room into typed fields: a string where a number \
belongs fails the decode or, worse, is dropped. joinedAt and leftAt are \
integers of milliseconds; other timestamps are numbers of milliseconds.",
    bad: r#"{"id":"r","createdAt":"2020-04-23","participants":{}}"#,
    good: r#"{"id":"r","createdAt":1587667174725,"participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Walk,
    message: |facts| match facts {
        Facts::Type { expected, found } => format!("expected {expected}, found {found}"),
        _ => String::new(),
    },
};

pub const UNKNOWN_FIELD: RuleDef = RuleDef {
    code: "unknown-field",
    default: Level::Off,
    strict: Level::Error,
    summary: "a field the Room model does not define",
    explanation: "Only under --strict: the API's admin view adds fields (userId, deleted, \
deletedAt, events, tracksPublished) that the public Room model does not \
define, and clients ignore what they do not know, so a misspelt field is \
silently lost.",
    bad: r#"{"id":"r","participants":{},"createAt":1700000000000}"#,
    good: r#"{"id":"r","participants":{},"createdAt":1700000000000}"#,
    needs: Collect::NOTHING,
    check: Check::Walk,
    message: |facts| match facts {
        Facts::Unknown {
            key,
            admin_of: Some(of),
            ..
        } => format!(
            "unknown field {} (an admin-view {of} field, accepted without --strict)",
            quoted(key)
        ),
        Facts::Unknown { key, expected, .. } => {
            format!("unknown field {}; expected one of {expected}", quoted(key))
        }
        _ => String::new(),
    },
};

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    #[test]
    fn a_wrong_type_says_what_was_expected_and_found() {
        assert_eq!(
            findings_of(
                r#"{"id":"r","participants":{"a":{"name":["x"],"joinedAt":1.5}}}"#,
                false
            ),
            [
                r#"type /participants/a/name [["x"]]: expected a string (the display name), found an array"#,
                "type /participants/a/joinedAt [1.5]: expected an integer (Unix ms), found number 1.5",
            ]
        );
        assert_eq!(
            findings_of(r#""room""#, false),
            [r#"type  ["room"]: expected a room (a JSON object), found string "room""#]
        );
    }

    #[test]
    fn unknown_fields_only_under_strict_and_admin_ones_say_so() {
        let text = r#"{"id":"r","participants":{"a":{"role":"x"}},"deleted":false}"#;
        assert_eq!(findings_of(text, false), Vec::<String>::new());
        assert_eq!(
            findings_of(text, true),
            [
                r#"unknown-field /participants/a/role ["role"]: unknown field "role"; expected one of identity, name, joinedAt, leftAt"#,
                r#"unknown-field /deleted ["deleted"]: unknown field "deleted" (an admin-view room field, accepted without --strict)"#,
            ]
        );
    }
}
