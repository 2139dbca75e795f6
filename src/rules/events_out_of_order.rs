//! `events-out-of-order`: an event listed after one it happened before.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::term::quoted;
use crate::time;
use crate::walk::{Collect, EventRef, Place, TsValue, WalkedRoom};

pub const EVENTS_OUT_OF_ORDER: RuleDef = RuleDef {
    code: "events-out-of-order",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "an event with an earlier `timestamp` than the one listed before it",
    explanation: "The API server appends each event to the room's events as its webhook \
arrives and stamps it then, so the list is in time order in a room it wrote. \
An event earlier than the one before it means the list was merged or edited, \
and a reader that takes the last room_started or room_finished as the current \
state is misled. The finding is on the later-listed event and names both.",
    bad: r#"{"id":"r","participants":{},"events":[{"eventName":"room_started","timestamp":1700000020000},{"eventName":"room_finished","timestamp":1700000010000}]}"#,
    good: r#"{"id":"r","participants":{},"events":[{"eventName":"room_started","timestamp":1700000010000},{"eventName":"room_finished","timestamp":1700000020000}]}"#,
    needs: Collect {
        events: true,
        ..Collect::NOTHING
    },
    check: Check::Room(events_out_of_order),
    message: |facts| match facts {
        Facts::Before {
            this,
            this_what,
            other,
            other_what,
        } => format!(
            "{this_what} at {} is {} earlier than {other_what} at {}, listed before it",
            time::utc_ms(*this),
            super::gap(other - this),
            time::utc_ms(*other)
        ),
        _ => String::new(),
    },
};

/// An event as a message names it: `"room_finished" (/events/1)`.
fn named(event: &EventRef<'_>, index: usize, index_in_array: Option<usize>) -> String {
    let name = match event.name {
        Some(name) => quoted(&name.decode()),
        None => "an event with no name".into(),
    };
    format!(
        "{name} ({})",
        Place::Event(index, "").pointer(index_in_array)
    )
}

fn events_out_of_order<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    // Each event is compared with the last one before it that has a time.
    let mut previous: Option<(usize, i64)> = None;
    for (i, event) in room.events.iter().enumerate() {
        let Some(TsValue::Ms(ms)) = event.timestamp else {
            continue;
        };
        if !plausible(ms) {
            continue;
        }
        if let Some((j, before)) = previous
            && ms < before
        {
            hit(Hit {
                place: Place::Event(i, "timestamp"),
                at: event.timestamp_at,
                end: event.timestamp_at + event.timestamp_len,
                facts: Facts::Before {
                    this: ms,
                    this_what: named(event, i, room.index_in_array),
                    other: before,
                    other_what: named(&room.events[j], j, room.index_in_array),
                },
            });
        }
        previous = Some((i, ms));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    fn events(times: &[&str]) -> String {
        let list: Vec<String> = times
            .iter()
            .map(|t| format!(r#"{{"eventName":"egress_started","timestamp":{t}}}"#))
            .collect();
        format!(
            r#"{{"id":"r","participants":{{}},"events":[{}]}}"#,
            list.join(",")
        )
    }

    #[test]
    fn each_step_back_is_flagged_once_on_the_later_event() {
        assert_eq!(
            findings_of(
                &events(&["1700000020000", "1700000010000", "1700000015000"]),
                false
            ),
            [
                r#"events-out-of-order /events/1/timestamp [1700000010000]: "egress_started" (/events/1) at 2023-11-14T22:13:30.000Z is 10.000 s earlier than "egress_started" (/events/0) at 2023-11-14T22:13:40.000Z, listed before it"#
            ]
        );
        let seen = findings_of(
            &events(&["1700000020000", "1700000020000", "1700000019999"]),
            false,
        );
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].contains("/events/2/timestamp"), "{seen:?}");
    }

    #[test]
    fn placeholders_and_events_without_a_time_are_passed_over() {
        // The 0 is epoch-timestamp's; the event after it is compared with
        // the one before it.
        let seen = findings_of(
            &events(&["1700000020000", "0", "1700000030000", "\"x\""]),
            false,
        );
        assert!(
            !seen.iter().any(|l| l.starts_with("events-out-of-order")),
            "{seen:?}"
        );
        let seen = findings_of(&events(&["1700000020000", "0", "1700000010000"]), false);
        let order: Vec<&String> = seen
            .iter()
            .filter(|l| l.starts_with("events-out-of-order"))
            .collect();
        assert_eq!(order.len(), 1, "{seen:?}");
        assert!(order[0].contains("(/events/0)"), "{seen:?}");
    }
}
