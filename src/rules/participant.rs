//! Rules on one participant once its fields are read.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::time;
use crate::walk::Collect;
use crate::walk::{ParticipantRef, Place, TsValue};

pub const LEFT_BEFORE_JOINED: RuleDef = RuleDef {
    code: "left-before-joined",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "`leftAt < joinedAt`",
    explanation: "joinedAt comes from the media server (seconds, times 1000) and leftAt \
from the API server's clock, so a skew or a unit error between the two \
shows as someone leaving before they joined. Durations computed from such \
a participant are negative.",
    bad: r#"{"id":"r","participants":{"a":{"joinedAt":1700000010000,"leftAt":1700000000000}}}"#,
    good: r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000,"leftAt":1700000010000}}}"#,
    needs: Collect::NOTHING,
    check: Check::Participant(left_before_joined),
    message: |facts| match facts {
        Facts::Order { this, other } => format!(
            "leftAt {} is before joinedAt {}",
            time::utc_ms(*this),
            time::utc_ms(*other)
        ),
        _ => String::new(),
    },
};

fn left_before_joined<'a>(p: &ParticipantRef<'a>) -> Option<Hit<'a>> {
    match (p.joined, p.left) {
        (Some(TsValue::Ms(joined)), Some(TsValue::Ms(left)))
            if left < joined && plausible(left) && plausible(joined) =>
        {
            Some(Hit {
                place: Place::Participant(p.key, "leftAt"),
                at: p.left_offset,
                end: p.left_offset + p.left_len,
                facts: Facts::Order {
                    this: left,
                    other: joined,
                },
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    #[test]
    fn leaving_before_joining_is_flagged_on_left_at() {
        assert_eq!(
            findings_of(
                r#"{"id":"r","participants":{"a":{"joinedAt":1700000010000,"leftAt":1700000000000}}}"#,
                false
            ),
            [
                "left-before-joined /participants/a/leftAt [1700000000000]: leftAt 2023-11-14T22:13:20.000Z is before joinedAt 2023-11-14T22:13:30.000Z"
            ]
        );
    }

    #[test]
    fn equal_times_missing_ones_and_invalid_ones_are_not_flagged() {
        for text in [
            r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000,"leftAt":1700000000000}}}"#,
            r#"{"id":"r","participants":{"a":{"leftAt":1700000000000}}}"#,
            r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000}}}"#,
        ] {
            assert_eq!(findings_of(text, false), Vec::<String>::new(), "{text}");
        }
        // An invalid leftAt gets its own finding and no order finding.
        let seen = findings_of(
            r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000,"leftAt":-1}}}"#,
            false,
        );
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].starts_with("timestamp-range"), "{seen:?}");
    }

    #[test]
    fn the_slow_path_places_left_at_too() {
        // A repeated joinedAt sends the participant's fields the long way.
        assert_eq!(
            findings_of(
                r#"{"id":"r","participants":{"a":{"joinedAt":1,"joinedAt":1700000010000,"leftAt": 1700000000000}}}"#,
                false
            )
            .iter()
            .filter(|l| l.starts_with("left-before-joined"))
            .count(),
            1
        );
        let seen = findings_of(
            r#"{"id":"r","participants":{"a":{"leftAt":"x","leftAt": 1700000000000,"joinedAt":1700000010000}}}"#,
            false,
        );
        assert!(
            seen.iter()
                .any(|l| l.starts_with("left-before-joined /participants/a/leftAt [1700000000000]")),
            "{seen:?}"
        );
    }
}
