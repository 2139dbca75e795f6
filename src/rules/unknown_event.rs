//! `unknown-event`: an event name the service does not record.

use super::{Check, Facts, Hit, Level, RuleDef, misspelled};
use crate::term::quoted;
use crate::walk::{Collect, Place, WalkedRoom};

/// The events the API server records in a room: its webhook handler
/// pushes these four and no others.
pub const KNOWN_EVENTS: [&str; 4] = [
    "room_started",
    "room_finished",
    "egress_started",
    "egress_ended",
];

pub const UNKNOWN_EVENT: RuleDef = RuleDef {
    code: "unknown-event",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "an `eventName` other than room_started, room_finished, egress_started, egress_ended",
    explanation: "The API server's webhook handler records four events in a room: \
room_started, room_finished, egress_started and egress_ended. The media server \
sends others (participant_joined, track_published…), but those update the \
participants, not the events. Another name means the file did not come from \
the service, or a reader that counts events by name will miss it.",
    bad: r#"{"id":"r","participants":{},"events":[{"eventName":"participant_joined","timestamp":1700000000000}]}"#,
    good: r#"{"id":"r","participants":{},"events":[{"eventName":"room_started","timestamp":1700000000000}]}"#,
    needs: Collect {
        events: true,
        ..Collect::NOTHING
    },
    check: Check::Room(unknown_event),
    message: |facts| match facts {
        Facts::UnknownName { name, meant } => {
            let mut m = format!(
                "event {} is not one the service records ({})",
                quoted(name),
                KNOWN_EVENTS.join(", ")
            );
            if let Some(meant) = meant {
                m.push_str(&format!("; did you mean \"{meant}\"?"));
            }
            m
        }
        _ => String::new(),
    },
};

fn unknown_event<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    for (i, event) in room.events.iter().enumerate() {
        let Some(name) = event.name else {
            continue;
        };
        let text = name.decode();
        if KNOWN_EVENTS.contains(&text.as_ref()) {
            continue;
        }
        hit(Hit {
            place: Place::Event(i, "eventName"),
            at: name.at,
            end: name.at + name.raw.len() + 2,
            facts: Facts::UnknownName {
                meant: misspelled::meant(text.as_bytes(), KNOWN_EVENTS.into_iter()),
                name: text.into_owned(),
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    fn event(name: &str) -> String {
        format!(
            r#"{{"id":"r","participants":{{}},"events":[{{"eventName":{name},"timestamp":1700000000000}}]}}"#
        )
    }

    #[test]
    fn a_name_the_service_never_records_is_flagged_with_the_nearest_known_one() {
        assert_eq!(
            findings_of(&event(r#""room_finish""#), false),
            [
                r#"unknown-event /events/0/eventName ["room_finish"]: event "room_finish" is not one the service records (room_started, room_finished, egress_started, egress_ended); did you mean "room_finished"?"#
            ]
        );
        assert_eq!(
            findings_of(&event(r#""bogus""#), false),
            [
                r#"unknown-event /events/0/eventName ["bogus"]: event "bogus" is not one the service records (room_started, room_finished, egress_started, egress_ended)"#
            ]
        );
    }

    #[test]
    fn the_four_known_names_pass_even_escaped_and_a_missing_name_is_not_this_rule() {
        for name in [
            r#""room_started""#,
            r#""room_finished""#,
            r#""egress_started""#,
            r#""egress\u005fended""#,
        ] {
            assert_eq!(findings_of(&event(name), false), Vec::<String>::new());
        }
        let seen = findings_of(
            r#"{"id":"r","participants":{},"events":[{"timestamp":1700000000000},{"eventName":7}]}"#,
            false,
        );
        assert!(
            !seen.iter().any(|l| l.starts_with("unknown-event")),
            "{seen:?}"
        );
    }
}
