//! `confusable-identity`: two participants whose identities differ but
//! look the same.

use super::identity::{self, Alike, escaped};
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::walk::{Collect, WalkedRoom};

pub const CONFUSABLE_IDENTITY: RuleDef = RuleDef {
    code: "confusable-identity",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "two identities that differ but look the same (case, NFC, invisible characters, look-alike letters)",
    explanation: "Identities are compared as bytes, but people read them. Two that \
differ only in case, in Unicode normalization form, in zero-width or bidi \
control characters, or in look-alike letters from another script (Cyrillic \
а for Latin a: the same confusable skeleton, Unicode TS #39) are two \
participants to the server and one to anyone reading a list of them: an \
impersonation, or one user who joined twice under two spellings. The finding \
is on the later one and shows both escaped, so the difference is visible.",
    bad: r#"{"id":"r","participants":{"alice":{"identity":"alice"},"аlice":{"identity":"аlice"}}}"#,
    good: r#"{"id":"r","participants":{"alice":{"identity":"alice"},"alicia":{"identity":"alicia"}}}"#,
    needs: Collect {
        identities: true,
        ..Collect::NOTHING
    },
    check: Check::Room(confusable_identity),
    message: |facts| match facts {
        Facts::Alike {
            this,
            other,
            other_at,
            how,
        } => format!(
            "identity {} looks like {} at {other_at}: {}",
            escaped(this),
            escaped(other),
            how.describe()
        ),
        _ => String::new(),
    },
};

fn confusable_identity<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    for twin in identity::twins(room) {
        if twin.how == Alike::Same {
            continue;
        }
        let (place, at, end) = twin.place();
        hit(Hit {
            place,
            at,
            end,
            facts: Facts::Alike {
                this: identity::identity_of(&twin.later).decode().into_owned(),
                other: identity::identity_of(&twin.earlier).decode().into_owned(),
                other_at: twin.earlier_pointer(room.index_in_array),
                how: twin.how,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{findings_among, findings_of};

    fn seen(participants: &str) -> Vec<String> {
        findings_among(participants, "confusable-identity")
    }

    #[test]
    fn a_cyrillic_look_alike_is_flagged_on_the_later_one_with_both_escaped() {
        assert_eq!(
            seen(r#""alice":{"identity":"alice"},"аlice":{"identity":"аlice"}"#),
            [
                r#"confusable-identity /participants/аlice/identity ["аlice"]: identity "\u{430}lice" looks like "alice" at /participants/alice/identity: characters that look alike (the same Unicode confusable skeleton, UTS #39)"#
            ]
        );
    }

    #[test]
    fn case_normal_form_and_invisible_characters_are_told_apart() {
        let one = |participants: &str| {
            let found = seen(participants);
            assert_eq!(found.len(), 1, "{participants}: {found:?}");
            found[0].clone()
        };
        assert!(one(r#""Alice":{},"alice":{}"#).ends_with(": the same text in another case"));
        assert!(one(r#""café":{},"cafe\u0301":{}"#).contains(
            "identity \"cafe\\u{301}\" looks like \"caf\\u{e9}\" at /participants/caf\u{e9}:"
        ));
        assert!(
            one(r#""alice":{},"ali\u200bce":{}"#)
                .ends_with("the same text once zero-width and bidi control characters are removed")
        );
        assert!(one(r#""ll":{},"Il":{}"#).contains("confusable skeleton"));
    }

    #[test]
    fn each_participant_is_flagged_once_and_repeats_are_duplicate_identity() {
        let text = r#"{"id":"r","participants":{"alice":{"identity":"alice"},"аlice":{"identity":"аlice"},"bob":{"identity":"alice"},"ALICE":{"identity":"ALICE"}}}"#;
        let codes: Vec<String> = findings_of(text, false)
            .iter()
            .map(|l| l.split(" [").next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            codes,
            [
                "key-identity-mismatch /participants/bob/identity",
                "duplicate-identity /participants/bob/identity",
                "confusable-identity /participants/аlice/identity",
                "confusable-identity /participants/ALICE/identity",
            ]
        );
    }

    #[test]
    fn in_a_large_room_keys_stand_for_identities_and_look_alikes_are_found() {
        let mut participants: Vec<String> = (0..2000)
            .map(|i| format!(r#""user-{i}":{{"identity":"user-{i}"}}"#))
            .collect();
        participants.push(r#""usеr-7":{"identity":"usеr-7"}"#.into());
        participants.push(r#""User-8":{}"#.into());
        participants.push(r#""x":{"identity":"user-9\u200b"}"#.into());
        let found = seen(&participants.join(","));
        let places: Vec<&str> = found
            .iter()
            .map(|l| l.split(" [").next().unwrap_or_default())
            .collect();
        assert_eq!(
            places,
            [
                "confusable-identity /participants/usеr-7/identity",
                "confusable-identity /participants/User-8",
                "confusable-identity /participants/x/identity",
            ],
            "{found:?}"
        );
    }

    #[test]
    fn alike_two_ways_through_two_looks_the_closer_way_is_told() {
        // "Il" is "il" in another case (its folded look) and reads as "ll"
        // (its look as written): the closer way, case, is the one told.
        let found = seen(r#""ll":{},"il":{},"Il":{}"#);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].ends_with(r#"identity "Il" looks like "il" at /participants/il: the same text in another case"#),
            "{found:?}"
        );
    }

    #[test]
    fn different_identities_are_quiet() {
        assert_eq!(
            seen(
                r#""user-1":{},"user-2":{},"6bc50471-1e92-4b43-9e59-dc1dd3237246":{},"alice":{},"bob":{}"#
            ),
            Vec::<String>::new()
        );
    }
}
