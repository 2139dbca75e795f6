//! `room-id-shape`: a room `id` that is not a UUID as the service issues.

use super::{Check, Facts, Hit, Level, RuleDef};
use crate::term::quoted;
use crate::walk::{Collect, Place, WalkedRoom};

pub const ROOM_ID_SHAPE: RuleDef = RuleDef {
    code: "room-id-shape",
    default: Level::Off,
    strict: Level::Off,
    summary: "a room `id` that is not a version-4 UUID",
    explanation: "Studio names every room it creates with a random (version 4) UUID in \
its usual form: 36 characters, 8-4-4-4-12 hexadecimal digits, the version digit \
4 and the variant digit 8, 9, a or b. Another id was not issued by Studio: a \
test room, a hand-made file, or an id from another system pasted in. Off \
unless selected: test fixtures use short ids on purpose.",
    bad: r#"{"id":"room-1","participants":{}}"#,
    good: r#"{"id":"6bc50471-1e92-4b43-9e59-dc1dd3237246","participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Room(room_id_shape),
    message: |facts| match facts {
        Facts::Text(id) => format!(
            "id {} is not a version-4 UUID; Studio issues ids like \"6bc50471-1e92-4b43-9e59-dc1dd3237246\"",
            quoted(id)
        ),
        _ => String::new(),
    },
};

/// Whether `id` is a version-4 UUID in its hyphenated form (either case).
pub fn is_uuid_v4(id: &[u8]) -> bool {
    id.len() == 36
        && id.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            14 => b == b'4',
            19 => matches!(b, b'8' | b'9' | b'a' | b'b' | b'A' | b'B'),
            _ => b.is_ascii_hexdigit(),
        })
}

fn room_id_shape<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    let Some(id) = room.id else {
        return;
    };
    let text = id.decode();
    if is_uuid_v4(text.as_bytes()) {
        return;
    }
    hit(Hit {
        place: Place::Room("id"),
        at: id.at,
        end: id.at + id.raw.len() + 2,
        facts: Facts::Text(text.into_owned()),
    });
}

#[cfg(test)]
mod tests {
    use super::is_uuid_v4;
    use crate::rules::{findings_extending, findings_of};

    #[test]
    fn only_the_hyphenated_version_4_form_is_a_studio_id() {
        assert!(is_uuid_v4(b"6bc50471-1e92-4b43-9e59-dc1dd3237246"));
        assert!(is_uuid_v4(b"6BC50471-1E92-4B43-AE59-DC1DD3237246"));
        for id in [
            "6bc50471-1e92-1b43-9e59-dc1dd3237246",  // version 1
            "6bc50471-1e92-4b43-ce59-dc1dd3237246",  // another variant
            "6bc504711e924b439e59dc1dd3237246",      // no hyphens
            "6bc50471-1e92-4b43-9e59-dc1dd323724",   // one digit short
            "6bc50471-1e92-4b43-9e59-dc1dd32372466", // one digit over
            "6bc50471-1e92-4b43-9e59-dc1dd323724g",
            "6bc50471_1e92-4b43-9e59-dc1dd3237246",
            "",
        ] {
            assert!(!is_uuid_v4(id.as_bytes()), "{id}");
        }
    }

    #[test]
    fn a_short_id_is_flagged_only_when_selected() {
        let room = r#"{"id":"room-1","participants":{}}"#;
        assert_eq!(findings_of(room, true), Vec::<String>::new());
        assert_eq!(
            findings_extending(room, &["room-id-shape"]),
            [
                r#"room-id-shape /id ["room-1"]: id "room-1" is not a version-4 UUID; Studio issues ids like "6bc50471-1e92-4b43-9e59-dc1dd3237246""#
            ]
        );
        assert_eq!(
            findings_extending(
                r#"{"id":"6bc50471-1e92-4b43-9e59-dc1dd3237246","participants":{}}"#,
                &["room-id-shape"]
            ),
            Vec::<String>::new()
        );
    }
}
