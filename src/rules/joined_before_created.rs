//! `joined-before-created`: a participant who joined a room before the
//! room existed.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::time;
use crate::walk::{Collect, Place, Presence, WalkedRoom, participant_at};

/// How much earlier than `createdAt` a join may be: `joinedAt` is whole
/// seconds (the media server's, times 1000), `createdAt` is not, so a
/// join in the room's first second can read up to 999 ms early.
pub const TOLERANCE_MS: i64 = 1000;

pub const JOINED_BEFORE_CREATED: RuleDef = RuleDef {
    code: "joined-before-created",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "`joinedAt` more than 1 s before `createdAt`",
    explanation: "The API server stamps createdAt when it creates the room, before anyone \
can join it. joinedAt comes from the media server in whole seconds (times \
1000), so a join in the room's first second may read up to 999 ms early, and \
is not reported; one more than a second early means a clock or unit error, \
or a participant copied in from another room.",
    bad: r#"{"id":"r","createdAt":1700000010000,"participants":{"a":{"joinedAt":1700000000000}}}"#,
    good: r#"{"id":"r","createdAt":1700000000500,"participants":{"a":{"joinedAt":1700000000000}}}"#,
    needs: Collect {
        roster: true,
        ..Collect::NOTHING
    },
    check: Check::Roster {
        keep: early,
        check: joined_before_created,
    },
    message: |facts| match facts {
        Facts::Order { this, other } => format!(
            "joinedAt {} is {} before createdAt {}; the room did not exist yet",
            time::utc_ms(*this),
            super::gap(other - this),
            time::utc_ms(*other)
        ),
        _ => String::new(),
    },
};

/// A participant read after a `createdAt` is kept only if it joined too
/// early; one read before it, if it has a join time at all.
fn early(presence: &Presence, room: &WalkedRoom<'_>) -> bool {
    match (presence.joined(), room.created_at) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(joined), Some(created)) => too_early(joined, created.ms),
    }
}

fn too_early(joined: i64, created: i64) -> bool {
    joined < created - TOLERANCE_MS && plausible(joined) && plausible(created)
}

fn joined_before_created<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    let Some(created) = room.created_at.filter(|c| plausible(c.ms)) else {
        return;
    };
    for presence in &room.roster {
        let Some(joined) = presence.joined() else {
            continue;
        };
        if !too_early(joined, created.ms) {
            continue;
        }
        if let Some(p) = participant_at(room.text, presence.key_at) {
            hit(Hit {
                place: Place::Participant(p.key, "joinedAt"),
                at: p.joined_offset,
                end: p.joined_offset + p.joined_len,
                facts: Facts::Order {
                    this: joined,
                    other: created.ms,
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{findings_of, kept_by};

    fn room(created: &str, joined: &str) -> String {
        format!(
            r#"{{"id":"r","createdAt":{created},"participants":{{"a":{{"joinedAt":{joined}}}}}}}"#
        )
    }

    #[test]
    fn a_second_early_is_fine_and_a_millisecond_more_is_not() {
        assert_eq!(
            findings_of(&room("1700000001000", "1700000000000"), false),
            Vec::<String>::new()
        );
        assert_eq!(
            findings_of(&room("1700000001001", "1700000000000"), false),
            [
                "joined-before-created /participants/a/joinedAt [1700000000000]: joinedAt 2023-11-14T22:13:20.000Z is 1.001 s before createdAt 2023-11-14T22:13:21.001Z; the room did not exist yet"
            ]
        );
    }

    #[test]
    fn after_created_at_only_those_who_joined_too_early_are_kept() {
        let participants =
            r#""a":{"joinedAt":1700000000000},"b":{"joinedAt":1700000020000},"c":{}"#;
        let first =
            format!(r#"{{"id":"r","createdAt":1700000010000,"participants":{{{participants}}}}}"#);
        assert_eq!(kept_by(&first, "joined-before-created"), ["a"]);
        // Read before createdAt, everyone with a join time is kept.
        let last =
            format!(r#"{{"id":"r","participants":{{{participants}}},"createdAt":1700000010000}}"#);
        assert_eq!(kept_by(&last, "joined-before-created"), ["a", "b"]);
    }

    #[test]
    fn created_after_the_participants_in_the_text_counts_the_same() {
        let text = r#"{"participants":{"a":{"joinedAt":1700000000000},"b":{"joinedAt":1700000020000}},"id":"r","createdAt":1700000010000}"#;
        assert_eq!(
            findings_of(text, false),
            [
                "joined-before-created /participants/a/joinedAt [1700000000000]: joinedAt 2023-11-14T22:13:20.000Z is 10.000 s before createdAt 2023-11-14T22:13:30.000Z; the room did not exist yet"
            ]
        );
    }

    #[test]
    fn seconds_placeholders_and_missing_times_are_left_to_their_rules() {
        for (created, joined) in [
            ("1700000010000", "1687517025"),
            ("1700000010000", "0"),
            ("0", "1700000000000"),
            ("1700000010000", "\"x\""),
        ] {
            let seen = findings_of(&room(created, joined), false);
            assert!(
                !seen.iter().any(|l| l.starts_with("joined-before-created")),
                "{seen:?}"
            );
        }
        assert_eq!(
            findings_of(
                r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000}}}"#,
                false
            ),
            Vec::<String>::new()
        );
    }
}
