//! Rules on one participant once its fields are read.

use super::{Check, Facts, Hit, RuleDef, Severity};
use crate::time;
use crate::walk::Collect;
use crate::walk::{ParticipantRef, Place, TsValue};

pub const LEFT_BEFORE_JOINED: RuleDef = RuleDef {
    code: "left-before-joined",
    severity: Severity::Warning,
    summary: "`leftAt < joinedAt`",
    explanation: "joinedAt comes from the media server (seconds, times 1000) and leftAt \
from the API server's clock, so a skew or a unit error between the two \
shows as someone leaving before they joined. Durations computed from such \
a participant are negative.",
    bad: r#"{"id":"r","participants":{"a":{"joinedAt":1700000010000,"leftAt":1700000000000}}}"#,
    good: r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000,"leftAt":1700000010000}}}"#,
    strict_only: false,
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
        (Some(TsValue::Ms(joined)), Some(TsValue::Ms(left))) if left < joined => Some(Hit {
            place: Place::Participant(p.key, "leftAt"),
            at: p.left_offset,
            end: p.left_offset + p.left_len,
            facts: Facts::Order {
                this: left,
                other: joined,
            },
        }),
        _ => None,
    }
}
