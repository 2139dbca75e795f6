//! `deleted-inconsistent`: a room's `deleted` and `deletedAt` that
//! disagree.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::time;
use crate::walk::{Collect, Place, WalkedRoom};

pub const DELETED_INCONSISTENT: RuleDef = RuleDef {
    code: "deleted-inconsistent",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "`deleted: true` without `deletedAt`, `deletedAt` without `deleted: true`, or `deletedAt < createdAt`",
    explanation: "When the API server deletes a room it sets deleted to true and stamps \
deletedAt in the same write, so the admin view has both or neither, and \
deletedAt is after createdAt. One without the other means the file was \
edited, or put together from two fetches; a reader that checks only one of \
the two sees a live room as deleted, or the other way round.",
    bad: r#"{"id":"r","participants":{},"deleted":true}"#,
    good: r#"{"id":"r","participants":{},"deleted":true,"deletedAt":1700000000000}"#,
    needs: Collect::NOTHING,
    check: Check::Room(deleted_inconsistent),
    message: |facts| {
        match facts {
        Facts::Missing { .. } => {
            "deleted is true but there is no deletedAt; the server stamps deletedAt when it deletes a room".into()
        }
        Facts::Deleted(None) => {
            "deletedAt is set but there is no deleted; the server sets deleted to true when it stamps deletedAt".into()
        }
        Facts::Deleted(Some(value)) => format!(
            "deletedAt is set but deleted is {value}; the server sets deleted to true when it stamps deletedAt"
        ),
        Facts::Order { this, other } => format!(
            "deletedAt {} is {} before createdAt {}",
            time::utc_ms(*this),
            super::gap(other - this),
            time::utc_ms(*other)
        ),
        _ => String::new(),
    }
    },
};

fn deleted_inconsistent<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    if let Some(deleted) = room.deleted
        && deleted.value
        && !room.deleted_at_seen
    {
        hit(Hit {
            place: Place::Room("deleted"),
            at: deleted.at,
            end: deleted.at + deleted.len,
            facts: Facts::Missing {
                field: "deletedAt",
                what: "",
            },
        });
    }
    let Some(deleted_at) = room.deleted_at else {
        return;
    };
    let place = Place::Room("deletedAt");
    let (at, end) = (deleted_at.at, deleted_at.at + deleted_at.len);
    if !room.deleted.is_some_and(|d| d.value) {
        let facts = Facts::Deleted(room.deleted.map(|d| d.value));
        hit(Hit {
            place,
            at,
            end,
            facts,
        });
    } else if let Some(created) = room.created_at
        && deleted_at.ms < created.ms
        && plausible(deleted_at.ms)
        && plausible(created.ms)
    {
        hit(Hit {
            place,
            at,
            end,
            facts: Facts::Order {
                this: deleted_at.ms,
                other: created.ms,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    fn room(fields: &str) -> Vec<String> {
        findings_of(
            &format!(r#"{{"id":"r","participants":{{}},"createdAt":1700000000000{fields}}}"#),
            false,
        )
        .into_iter()
        .filter(|l| !l.starts_with("unknown-field"))
        .collect()
    }

    #[test]
    fn each_disagreement_is_flagged_on_the_field_that_says_it() {
        assert_eq!(
            room(r#","deleted":true"#),
            [
                "deleted-inconsistent /deleted [true]: deleted is true but there is no deletedAt; the server stamps deletedAt when it deletes a room"
            ]
        );
        assert_eq!(
            room(r#","deletedAt":1700000001000"#),
            [
                "deleted-inconsistent /deletedAt [1700000001000]: deletedAt is set but there is no deleted; the server sets deleted to true when it stamps deletedAt"
            ]
        );
        assert_eq!(
            room(r#","deleted":false,"deletedAt":1700000001000"#),
            [
                "deleted-inconsistent /deletedAt [1700000001000]: deletedAt is set but deleted is false; the server sets deleted to true when it stamps deletedAt"
            ]
        );
        assert_eq!(
            room(r#","deletedAt":1699999999000,"deleted":true"#),
            [
                "deleted-inconsistent /deletedAt [1699999999000]: deletedAt 2023-11-14T22:13:19.000Z is 1.000 s before createdAt 2023-11-14T22:13:20.000Z"
            ]
        );
    }

    #[test]
    fn agreeing_fields_and_broken_values_are_not_flagged_here() {
        for fields in [
            "",
            r#","deleted":false"#,
            r#","deleted":true,"deletedAt":1700000000000"#,
            r#","deleted":true,"deletedAt":1687517025"#,
        ] {
            let seen = room(fields);
            assert!(
                !seen.iter().any(|l| l.starts_with("deleted-inconsistent")),
                "{fields}: {seen:?}"
            );
        }
        // A deletedAt of the wrong type is present: the type error says it.
        let seen = room(r#","deleted":true,"deletedAt":"x""#);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].starts_with("type "), "{seen:?}");
    }
}
