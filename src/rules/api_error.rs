//! `api-error`: a document that is the API's error response, not a room.

use super::{Check, Facts, Hit, Level, RuleDef};
use crate::term::quoted;
use crate::walk::{Collect, Place, WalkedRoom};

pub const API_ERROR: RuleDef = RuleDef {
    code: "api-error",
    default: Level::Error,
    strict: Level::Error,
    summary: "an API error response (`{\"errors\": [...]}`) where a room was expected",
    explanation: "The Studio API answers a request it refuses (no or a wrong API key, \
an unknown room ID) with an error body such as {\"errors\":[\"invalid \
authorization header\"]} instead of a room. Saved with curl, it looks like a \
room with nothing in it: every view would be empty. An object with an \
`errors`, `error` or `message` field and none of a room's fields is reported \
once, with its messages, instead of as a room with missing fields.",
    bad: r#"{"errors":["invalid authorization header"]}"#,
    good: r#"{"id":"r","participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Room(api_error),
    message: |facts| match facts {
        Facts::ApiError { messages } if messages.is_empty() => {
            "this is an API error response, not a room".to_string()
        }
        Facts::ApiError { messages } => format!(
            "this is an API error response, not a room: {}",
            messages.join("; ")
        ),
        _ => String::new(),
    },
};

/// At most this many of an error body's messages are shown.
const SHOWN_MESSAGES: usize = 3;

fn api_error<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    let Some((key, value)) = room.api_error else {
        return;
    };
    let field: &'static str = match key.name().as_ref() {
        b"errors" => "errors",
        b"error" => "error",
        _ => "message",
    };
    hit(Hit {
        place: Place::Room(field),
        at: key.at,
        end: key.at + key.raw.len() + 2,
        facts: Facts::ApiError {
            messages: messages(value),
        },
    });
}

/// The texts of an error body's field: a string, strings in an array, or
/// the `message` (or `error`) of objects, as the APIs that send them do.
fn messages(value: &[u8]) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(value) else {
        return Vec::new();
    };
    let mut texts = Vec::new();
    let mut take = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => texts.push(s.clone()),
        serde_json::Value::Object(o) => {
            if let Some(serde_json::Value::String(s)) = o.get("message").or_else(|| o.get("error"))
            {
                texts.push(s.clone());
            }
        }
        _ => {}
    };
    match &value {
        serde_json::Value::Array(items) => items.iter().for_each(&mut take),
        one => take(one),
    }
    let more = texts.len().saturating_sub(SHOWN_MESSAGES);
    let mut shown: Vec<String> = texts
        .iter()
        .take(SHOWN_MESSAGES)
        .map(|t| quoted(t))
        .collect();
    if more > 0 {
        shown.push(format!("and {more} more"));
    }
    shown
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    #[test]
    fn an_error_body_is_one_finding_with_its_messages() {
        assert_eq!(
            findings_of(r#"{"errors":["invalid authorization header"]}"#, false),
            [
                r#"api-error /errors ["errors"]: this is an API error response, not a room: "invalid authorization header""#
            ]
        );
        assert_eq!(
            findings_of(r#"{"error":{"message":"not found"}}"#, false),
            [
                r#"api-error /error ["error"]: this is an API error response, not a room: "not found""#
            ]
        );
        assert_eq!(
            findings_of(r#"{"message":"Unauthorized","status":401}"#, false),
            [
                r#"api-error /message ["message"]: this is an API error response, not a room: "Unauthorized""#
            ]
        );
        assert_eq!(
            findings_of(r#"{"errors":[1,2]}"#, false),
            [r#"api-error /errors ["errors"]: this is an API error response, not a room"#]
        );
        assert_eq!(
            findings_of(r#"{"errors":["a","b","c","d","e"]}"#, false),
            [
                r#"api-error /errors ["errors"]: this is an API error response, not a room: "a"; "b"; "c"; and 2 more"#
            ]
        );
    }

    #[test]
    fn a_room_that_carries_a_message_is_still_a_room() {
        assert_eq!(
            findings_of(r#"{"message":"hi","participants":{}}"#, false),
            [r#"missing-field /id [{]: missing required field "id" (a string, the room ID)"#]
        );
        assert!(findings_of(r#"{"id":"r","participants":{},"error":null}"#, false).is_empty());
    }

    #[test]
    fn an_object_with_nothing_of_a_room_and_no_error_is_missing_fields() {
        assert_eq!(findings_of(r#"{"foo":1}"#, false).len(), 2);
    }
}
