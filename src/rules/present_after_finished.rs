//! `present-after-finished`: participants still listed as present in a
//! room that finished after they joined.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::term::quoted;
use crate::time;
use crate::walk::{Collect, Place, TsValue, WalkedRoom, participant_at};

/// How many of the participants a finding names.
const NAMED: usize = 3;

pub const PRESENT_AFTER_FINISHED: RuleDef = RuleDef {
    code: "present-after-finished",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "participants with no `leftAt` although `room_finished` came after they joined",
    explanation: "When a room finishes, everyone in it has left, and the API server \
stamps leftAt on the participants it still lists. A participant with no leftAt \
who joined before the last room_finished event is still counted as present by \
every reader (summary's active count, a dashboard's), although the room is \
over: the leave was lost, or the file was put together by hand. Those who \
joined after it are in a later session and not counted. One finding a room, \
on the room_finished event, with the count and the first few keys.",
    bad: r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000}},"events":[{"eventName":"room_finished","timestamp":1700000010000}]}"#,
    good: r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000,"leftAt":1700000010000}},"events":[{"eventName":"room_finished","timestamp":1700000010000}]}"#,
    needs: Collect {
        roster: true,
        events: true,
        ..Collect::NOTHING
    },
    check: Check::Roster {
        keep: |p, _| !p.has_left() && p.joined().is_some(),
        check: present_after_finished,
    },
    message: |facts| match facts {
        Facts::Stale {
            count,
            finished,
            keys,
        } => {
            let who = if *count == 1 {
                "1 participant has".to_string()
            } else {
                format!("{count} participants have")
            };
            let mut named = keys
                .iter()
                .map(|k| quoted(k))
                .collect::<Vec<_>>()
                .join(", ");
            if *count > keys.len() {
                named.push_str(&format!(" and {} more", count - keys.len()));
            }
            format!(
                "{who} no leftAt although the room finished at {}, after they joined: {named}",
                time::utc_ms(*finished)
            )
        }
        _ => String::new(),
    },
};

fn present_after_finished<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    let last_finish = room
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.name.is_some_and(|n| n.decode() == "room_finished"))
        .filter_map(|(i, e)| match e.timestamp {
            Some(TsValue::Ms(ms)) if plausible(ms) => Some((ms, i)),
            _ => None,
        })
        .max_by_key(|&(ms, i)| (ms, std::cmp::Reverse(i)));
    let Some((finished, i)) = last_finish else {
        return;
    };
    // A broken leftAt is a leave the type or range error reports; a
    // placeholder joinedAt is still a join before the finish.
    let stale: Vec<usize> = room
        .roster
        .iter()
        .filter(|p| !p.has_left() && p.joined().is_some_and(|j| j < finished))
        .map(|p| p.key_at)
        .collect();
    if stale.is_empty() {
        return;
    }
    let keys = stale
        .iter()
        .take(NAMED)
        .filter_map(|&at| participant_at(room.text, at))
        .map(|p| p.key.decode().into_owned())
        .collect();
    let event = &room.events[i];
    hit(Hit {
        place: Place::Event(i, "timestamp"),
        at: event.timestamp_at,
        end: event.timestamp_at + event.timestamp_len,
        facts: Facts::Stale {
            count: stale.len(),
            finished,
            keys,
        },
    });
}

#[cfg(test)]
mod tests {
    use crate::rules::{findings_of, kept_by};

    fn room(participants: &str, events: &str) -> Vec<String> {
        findings_of(
            &format!(r#"{{"id":"r","participants":{{{participants}}},"events":[{events}]}}"#),
            false,
        )
    }

    const FINISHED: &str = r#"{"eventName":"room_finished","timestamp":1700000010000}"#;

    #[test]
    fn those_who_joined_before_the_last_finish_and_never_left_are_counted_once() {
        let participants = (0..5)
            .map(|i| format!(r#""p{i}":{{"joinedAt":170000000{i}000}}"#))
            .collect::<Vec<_>>()
            .join(",");
        let participants = format!(
            r#"{participants},"gone":{{"joinedAt":1700000000000,"leftAt":1700000010000}},"later":{{"joinedAt":1700000010000}}"#
        );
        let events = format!(
            r#"{{"eventName":"room_finished","timestamp":1700000009000}},{FINISHED},{{"eventName":"room_started","timestamp":1700000010000}}"#
        );
        assert_eq!(
            room(&participants, &events),
            [
                r#"present-after-finished /events/1/timestamp [1700000010000]: 5 participants have no leftAt although the room finished at 2023-11-14T22:13:30.000Z, after they joined: "p0", "p1", "p2" and 2 more"#
            ]
        );
        assert_eq!(
            room(r#""a/b":{"joinedAt":0}"#, FINISHED)
                .into_iter()
                .filter(|l| l.starts_with("present-after-finished"))
                .collect::<Vec<_>>(),
            [
                r#"present-after-finished /events/0/timestamp [1700000010000]: 1 participant has no leftAt although the room finished at 2023-11-14T22:13:30.000Z, after they joined: "a/b""#
            ]
        );
    }

    #[test]
    fn only_those_who_never_left_and_have_a_join_time_are_kept() {
        let text = r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000},"b":{"joinedAt":1700000000000,"leftAt":1700000001000},"c":{},"d":{"leftAt":"x","joinedAt":1700000000000}}}"#;
        assert_eq!(kept_by(text, "present-after-finished"), ["a"]);
    }

    #[test]
    fn a_finish_that_is_not_a_plausible_time_finishes_nothing() {
        // 1700000010 is seconds (seconds-not-ms); read as ms it is after
        // a's placeholder join, but it is no finish to count against.
        let seen = room(
            r#""a":{"joinedAt":5}"#,
            r#"{"eventName":"room_finished","timestamp":1700000010}"#,
        );
        assert!(
            !seen.iter().any(|l| l.starts_with("present-after-finished")),
            "{seen:?}"
        );
    }

    #[test]
    fn no_finish_no_stale_participant_or_no_join_time_is_quiet() {
        for (participants, events) in [
            (r#""a":{"joinedAt":1700000000000}"#, ""),
            (
                r#""a":{"joinedAt":1700000000000}"#,
                r#"{"eventName":"room_started","timestamp":1700000010000}"#,
            ),
            (r#""a":{}"#, FINISHED),
            (r#""a":{"joinedAt":1700000000000,"leftAt":"x"}"#, FINISHED),
            (
                r#""a":{"joinedAt":1700000000000}"#,
                r#"{"eventName":"room_finished","timestamp":0}"#,
            ),
        ] {
            let seen = room(participants, events);
            assert!(
                !seen.iter().any(|l| l.starts_with("present-after-finished")),
                "{participants} {events}: {seen:?}"
            );
        }
    }
}
