//! `updated-before-activity`: a room whose `updatedAt` is earlier than
//! something the server wrote before it.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::term::quoted;
use crate::time;
use crate::walk::{Collect, Place, WalkedRoom};

pub const UPDATED_BEFORE_ACTIVITY: RuleDef = RuleDef {
    code: "updated-before-activity",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "`updatedAt` earlier than a `leftAt`, a track's or an event's timestamp",
    explanation: "The API server writes a participant's leftAt, a published track and an \
event into the room first and then stamps updatedAt, from its own clock, so \
updatedAt is the latest of them in a room it wrote. An earlier one means the \
file was put together from two fetches, or edited. A warning only: the media \
server's clock stamps tracks and may run ahead. One finding a room, on updatedAt, \
naming the latest activity; a room whose updatedAt is also before createdAt is \
left to updated-before-created.",
    bad: r#"{"id":"r","updatedAt":1700000000000,"participants":{"a":{"joinedAt":1690000000000,"leftAt":1700000005000}}}"#,
    good: r#"{"id":"r","updatedAt":1700000005000,"participants":{"a":{"joinedAt":1690000000000,"leftAt":1700000005000}}}"#,
    needs: Collect {
        latest: true,
        events: true,
        ..Collect::NOTHING
    },
    check: Check::Room(updated_before_activity),
    message: |facts| match facts {
        Facts::Before {
            this,
            other,
            other_what,
            ..
        } => format!(
            "updatedAt {} is {} before {other_what} ({}); the server stamps updatedAt after it writes them",
            time::utc_ms(*this),
            super::gap(other - this),
            time::utc_ms(*other)
        ),
        _ => String::new(),
    },
};

fn updated_before_activity<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    let Some(updated) = room.updated_at.filter(|u| plausible(u.ms)) else {
        return;
    };
    if room
        .created_at
        .is_some_and(|c| plausible(c.ms) && updated.ms < c.ms)
    {
        return;
    }
    // The latest activity, the first of equals: the latest leftAt, the
    // latest track, then each event (`None` for a leftAt or a track).
    let kept = [room.latest_left, room.latest_track]
        .into_iter()
        .flatten()
        .filter_map(|t| Some((t.value.ms()?, t.loc, None)))
        .chain(room.events.iter().enumerate().filter_map(|(i, e)| {
            let ms = e.timestamp?.ms()?;
            Some((ms, Place::Event(i, "timestamp"), Some(e)))
        }))
        .filter(|&(ms, _, _)| plausible(ms) && ms > updated.ms)
        .reduce(|kept, next| if next.0 > kept.0 { next } else { kept });
    let Some((ms, place, event)) = kept else {
        return;
    };
    let what = match (place, event.and_then(|e| e.name)) {
        (Place::Participant(..), _) => "leftAt".to_string(),
        (Place::Track(..), _) => "the track published".to_string(),
        (_, Some(name)) => format!("the event {}", quoted(&name.decode())),
        (_, None) => "the event".to_string(),
    };
    hit(Hit {
        place: Place::Room("updatedAt"),
        at: updated.at,
        end: updated.at + updated.len,
        facts: Facts::Before {
            this: updated.ms,
            this_what: "updatedAt".into(),
            other: ms,
            other_what: format!("{what} at {}", place.pointer(room.index_in_array)),
        },
    });
}

#[cfg(test)]
mod tests {
    use crate::rules::{Rule, RuleSet, Selection, findings_of, findings_with};

    #[test]
    fn the_latest_of_left_track_and_event_times_is_named() {
        let text = r#"{"id":"r","updatedAt":1700000000000,
            "participants":{"a":{"leftAt":1700000001000,"tracksPublished":{"t":{"timestamp":1700000003000}}},
                            "b":{"leftAt":1700000002000}},
            "events":[{"eventName":"room_finished","timestamp":1700000001500}]}"#;
        assert_eq!(
            findings_of(text, false),
            [
                "updated-before-activity /updatedAt [1700000000000]: updatedAt 2023-11-14T22:13:20.000Z is 3.000 s before the track published at /participants/a/tracksPublished/t/timestamp (2023-11-14T22:13:23.000Z); the server stamps updatedAt after it writes them"
            ]
        );
        let text = r#"{"id":"r","updatedAt":1700000000000,
            "participants":{"a":{"leftAt":1700000001000},"b":{"leftAt":1700000002000}},
            "events":[{"eventName":"room_finished","timestamp":1700000001500}]}"#;
        assert!(findings_of(text, false)[0].contains(
            "2.000 s before leftAt at /participants/b/leftAt (2023-11-14T22:13:22.000Z)"
        ));
        let text = r#"{"id":"r","updatedAt":1700000000000,"participants":{},
            "events":[{"eventName":"room_finished","timestamp":1700000001500}]}"#;
        assert!(
            findings_of(text, false)[0]
                .contains("1.500 s before the event \"room_finished\" at /events/0/timestamp")
        );
    }

    #[test]
    fn a_created_at_no_later_than_updated_at_leaves_the_rule_to_run_and_ties_name_the_first() {
        // createdAt before updatedAt, and a leftAt and an event at the same
        // latest time: the leftAt, read first, is named.
        let text = r#"{"id":"r","createdAt":1699999990000,"updatedAt":1700000000000,
            "participants":{"a":{"leftAt":1700000002000}},
            "events":[{"eventName":"room_finished","timestamp":1700000002000}]}"#;
        let seen = findings_of(text, false);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(
            seen[0].contains("before leftAt at /participants/a/leftAt"),
            "{seen:?}"
        );
        // createdAt equal to updatedAt is not updated-before-created.
        let text = r#"{"id":"r","createdAt":1700000000000,"updatedAt":1700000000000,
            "participants":{"a":{"leftAt":1700000001000}}}"#;
        let seen = findings_of(text, false);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].starts_with("updated-before-activity"), "{seen:?}");
    }

    #[test]
    fn alone_it_still_sees_the_events() {
        let text = r#"{"id":"r","updatedAt":1700000000000,"participants":{},
            "events":[{"eventName":"room_finished","timestamp":1700000001500}]}"#;
        let only = RuleSet::of(&Selection {
            select: Rule::from_code("updated-before-activity").map(|r| vec![r]),
            ..Selection::default()
        });
        let seen = findings_with(text, only);
        assert_eq!(seen.len(), 1, "{seen:?}");
    }

    #[test]
    fn equal_times_placeholders_and_an_updated_before_created_are_not_flagged() {
        for text in [
            r#"{"id":"r","updatedAt":1700000000000,"participants":{"a":{"leftAt":1700000000000}}}"#,
            r#"{"id":"r","updatedAt":1687517025,"participants":{"a":{"leftAt":1700000000000}}}"#,
            r#"{"id":"r","participants":{"a":{"leftAt":1700000000000}}}"#,
            r#"{"id":"r","updatedAt":1700000000000,"participants":{}}"#,
        ] {
            let seen = findings_of(text, false);
            assert!(
                !seen
                    .iter()
                    .any(|l| l.starts_with("updated-before-activity")),
                "{text}: {seen:?}"
            );
        }
        let seen = findings_of(
            r#"{"id":"r","createdAt":1700000001000,"updatedAt":1700000000000,"participants":{"a":{"leftAt":1700000005000}}}"#,
            false,
        );
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].starts_with("updated-before-created"), "{seen:?}");
    }
}
