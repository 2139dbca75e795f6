//! Rules on the room as a whole, once it is read.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::time;
use crate::walk::Collect;
use crate::walk::{Place, WalkedRoom};

pub const MISSING_FIELD: RuleDef = RuleDef {
    code: "missing-field",
    default: Level::Error,
    strict: Level::Error,
    summary: "`id` or `participants` absent",
    explanation: "Every room the API returns has an id and a participants map (empty \
when nobody joined). A room without them was cut short or is not a room; \
the SDKs' Room type requires both.",
    bad: r#"{"id":"r"}"#,
    good: r#"{"id":"r","participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Room(missing_field),
    message: |facts| match facts {
        Facts::Missing { field, what } => format!("missing required field \"{field}\" ({what})"),
        _ => String::new(),
    },
};

fn missing_field<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    // An API error body is not a room with missing fields (`api-error`).
    if room.api_error.is_some() {
        return;
    }
    for (present, field, what) in [
        (room.id_seen, "id", "a string, the room ID"),
        (
            room.participants_seen,
            "participants",
            "an object mapping identity to participant; may be {}",
        ),
    ] {
        if !present {
            hit(Hit {
                place: Place::Room(field),
                at: room.start,
                end: room.start + 1,
                facts: Facts::Missing { field, what },
            });
        }
    }
}

pub const UPDATED_BEFORE_CREATED: RuleDef = RuleDef {
    code: "updated-before-created",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "`updatedAt < createdAt`",
    explanation: "The API server stamps createdAt when the room is made and updatedAt \
each time it writes the room afterwards, from the same clock, so updatedAt \
is never the earlier one in a room it wrote.",
    bad: r#"{"id":"r","createdAt":1700000010000,"updatedAt":1700000000000,"participants":{}}"#,
    good: r#"{"id":"r","createdAt":1700000000000,"updatedAt":1700000010000,"participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Room(updated_before_created),
    message: |facts| match facts {
        Facts::Order { this, other } => format!(
            "updatedAt {} is before createdAt {}",
            time::utc_ms(*this),
            time::utc_ms(*other)
        ),
        _ => String::new(),
    },
};

fn updated_before_created<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    if let (Some(created), Some(updated)) = (room.created_at, room.updated_at)
        && updated.ms < created.ms
        && plausible(updated.ms)
        && plausible(created.ms)
    {
        hit(Hit {
            place: Place::Room("updatedAt"),
            at: updated.at,
            end: updated.at + updated.len,
            facts: Facts::Order {
                this: updated.ms,
                other: created.ms,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    #[test]
    fn missing_fields_are_flagged_at_the_room() {
        assert_eq!(
            findings_of(r#"{"createdAt":1700000000000}"#, false),
            [
                r#"missing-field /id [{]: missing required field "id" (a string, the room ID)"#,
                r#"missing-field /participants [{]: missing required field "participants" (an object mapping identity to participant; may be {})"#,
            ]
        );
        // Present with the wrong type is a type error, not a missing field.
        let seen = findings_of(r#"{"id":7,"participants":[]}"#, false);
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen.iter().all(|l| l.starts_with("type ")), "{seen:?}");
    }

    #[test]
    fn updated_before_created_is_flagged_on_updated_at() {
        assert_eq!(
            findings_of(
                r#"{"id":"r","updatedAt":1700000000000,"createdAt":1700000010000,"participants":{}}"#,
                false
            ),
            [
                "updated-before-created /updatedAt [1700000000000]: updatedAt 2023-11-14T22:13:20.000Z is before createdAt 2023-11-14T22:13:30.000Z"
            ]
        );
        for text in [
            r#"{"id":"r","updatedAt":1700000000000,"createdAt":1700000000000,"participants":{}}"#,
            r#"{"id":"r","updatedAt":1700000000000,"participants":{}}"#,
            r#"{"id":"r","createdAt":1700000000000,"participants":{}}"#,
        ] {
            assert_eq!(findings_of(text, false), Vec::<String>::new(), "{text}");
        }
    }
}
