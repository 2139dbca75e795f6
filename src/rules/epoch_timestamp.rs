//! `epoch-timestamp`: a time at the very start of 1970, which no event of
//! a room can have.

use super::timestamp::{MAX_MS, SECONDS_LIKE};
use super::{Check, Facts, Level, RuleDef};
use crate::time;
use crate::walk::Collect;

pub const EPOCH_TIMESTAMP: RuleDef = RuleDef {
    code: "epoch-timestamp",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "a timestamp of 0, or another in 1970 that `seconds-not-ms` does not report",
    explanation: "Every timestamp in a room is stamped by the API server or the media \
server when something happens, long after 1970. A 0 is what a zeroed or \
defaulted field serialises to (an unset Go or JavaScript time), not a time \
anyone joined or left. Values from 100000000 on are reported as seconds-not-ms \
instead, so a value is never reported twice; and the rules that compare times \
leave both kinds out.",
    bad: r#"{"id":"r","participants":{"a":{"joinedAt":0}}}"#,
    good: r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000}}}"#,
    needs: Collect::NOTHING,
    check: Check::Timestamp {
        quiet: |_| SECONDS_LIKE.start..=MAX_MS,
        check: epoch,
    },
    message: |facts| match facts {
        Facts::Number { text, ms: 0 } => {
            format!(
                "{text} is the Unix epoch (1970-01-01T00:00:00.000Z): a placeholder, not a time"
            )
        }
        Facts::Number { text, ms } => format!(
            "{text} is {}, in the first day of 1970: a placeholder or a broken value, not a time",
            time::utc_ms(*ms)
        ),
        _ => String::new(),
    },
};

fn epoch(ms: i64, raw: &[u8], _now_ms: i64) -> Option<Facts> {
    (ms < SECONDS_LIKE.start).then(|| Facts::Number {
        text: super::shown_number(&String::from_utf8_lossy(raw)),
        ms,
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    #[test]
    fn zero_and_the_rest_of_the_first_day_are_flagged_and_seconds_are_not() {
        assert_eq!(
            findings_of(
                r#"{"id":"r","createdAt":0,"participants":{"a":{"joinedAt":99999999}}}"#,
                false
            ),
            [
                "epoch-timestamp /createdAt [0]: 0 is the Unix epoch (1970-01-01T00:00:00.000Z): a placeholder, not a time",
                "epoch-timestamp /participants/a/joinedAt [99999999]: 99999999 is 1970-01-02T03:46:39.999Z, in the first day of 1970: a placeholder or a broken value, not a time",
            ]
        );
        // 1e8 is where seconds-not-ms takes over: one rule a value.
        let seen = findings_of(
            r#"{"id":"r","participants":{"a":{"joinedAt":100000000}}}"#,
            false,
        );
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].starts_with("seconds-not-ms "), "{seen:?}");
    }

    #[test]
    fn event_and_track_times_are_checked_too() {
        let seen = findings_of(
            r#"{"id":"r","events":[{"eventName":"room_started","timestamp":0}],"participants":{"a":{"tracksPublished":{"t":{"timestamp":5}}}}}"#,
            false,
        );
        let epoch: Vec<&String> = seen
            .iter()
            .filter(|l| l.starts_with("epoch-timestamp"))
            .collect();
        assert_eq!(epoch.len(), 2, "{seen:?}");
        assert!(epoch[0].contains(" /events/0/timestamp [0]"), "{seen:?}");
        assert!(
            epoch[1].contains(" /participants/a/tracksPublished/t/timestamp [5]"),
            "{seen:?}"
        );
    }
}
