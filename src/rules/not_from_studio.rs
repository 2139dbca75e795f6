//! `not-from-studio`: a join time with a fraction of a second, which the
//! service never writes.

use super::timestamp::plausible;
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::walk::{Collect, ParticipantRef, Place, TsValue};

pub const NOT_FROM_STUDIO: RuleDef = RuleDef {
    code: "not-from-studio",
    default: Level::Off,
    strict: Level::Off,
    summary: "a `joinedAt` that is not a whole second",
    explanation: "The media server reports join times in whole seconds, and the API \
multiplies them by 1000, so every joinedAt the service writes ends in 000. One \
that does not was written by hand, by a test generator or by a tool that \
changed the file. Off unless selected: such files are often meant.",
    bad: r#"{"id":"r","participants":{"a":{"joinedAt":1700000000123}}}"#,
    good: r#"{"id":"r","participants":{"a":{"joinedAt":1700000000000}}}"#,
    needs: Collect::NOTHING,
    check: Check::Participant(not_from_studio),
    message: |facts| match facts {
        Facts::Number { text, ms } => format!(
            "joinedAt {text} is not a whole second ({} ms over); the media server reports whole seconds",
            ms % 1000
        ),
        _ => String::new(),
    },
};

fn not_from_studio<'a>(p: &ParticipantRef<'a>) -> Option<Hit<'a>> {
    match p.joined {
        // Seconds and placeholders have rules of their own.
        Some(TsValue::Ms(ms)) if ms % 1000 != 0 && plausible(ms) => {
            let end = p.joined_offset + p.joined_len;
            Some(Hit {
                place: Place::Participant(p.key, "joinedAt"),
                at: p.joined_offset,
                end,
                facts: Facts::Number {
                    text: itoa::Buffer::new().format(ms).to_string(),
                    ms,
                },
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{findings_extending, findings_of};

    #[test]
    fn a_fraction_of_a_second_is_flagged_only_when_selected() {
        let room = r#"{"id":"r","participants":{"a":{"joinedAt":1700000000001},"b":{"joinedAt":1700000001000},"c":{"joinedAt":1687517025}}}"#;
        assert_eq!(
            findings_of(room, false),
            [
                "seconds-not-ms /participants/c/joinedAt [1687517025]: 1687517025 looks like seconds; as ms it is 1970-01-20T12:45:17.025Z, as seconds 2023-06-23T10:43:45Z"
            ]
        );
        assert_eq!(findings_of(room, true).len(), 1);
        assert_eq!(
            findings_extending(room, &["not-from-studio"]),
            [
                "not-from-studio /participants/a/joinedAt [1700000000001]: joinedAt 1700000000001 is not a whole second (1 ms over); the media server reports whole seconds",
                "seconds-not-ms /participants/c/joinedAt [1687517025]: 1687517025 looks like seconds; as ms it is 1970-01-20T12:45:17.025Z, as seconds 2023-06-23T10:43:45Z",
            ]
        );
    }
}
