//! `duplicate-identity`: two participants with one identity.

use super::identity::{self, Alike, escaped};
use super::{Check, Facts, Hit, Level, RuleDef};
use crate::walk::{Collect, WalkedRoom};

pub const DUPLICATE_IDENTITY: RuleDef = RuleDef {
    code: "duplicate-identity",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "two participants with the same `identity`",
    explanation: "The API server keys the participants map by identity, so no room it \
writes lists one identity twice. Two keys with one identity (a participant \
without an identity counts by its key) mean a hand-made or merged file, and \
a reader that looks participants up by identity finds only one of them. The \
finding is on the later one; two equal keys are duplicate-key's.",
    bad: r#"{"id":"r","participants":{"alice":{"identity":"alice"},"bob":{"identity":"alice"}}}"#,
    good: r#"{"id":"r","participants":{"alice":{"identity":"alice"},"bob":{"identity":"bob"}}}"#,
    needs: Collect {
        identities: true,
        ..Collect::NOTHING
    },
    check: Check::Room(duplicate_identity),
    message: |facts| match facts {
        Facts::Alike { this, other_at, .. } => format!(
            "identity {} is also the identity of {other_at}; the server keys participants by identity, so it never lists one twice",
            escaped(this)
        ),
        _ => String::new(),
    },
};

fn duplicate_identity<'a>(room: &WalkedRoom<'a>, hit: &mut dyn FnMut(Hit<'a>)) {
    for twin in identity::twins(room) {
        if twin.how != Alike::Same || twin.later.key.same_text(&twin.earlier.key) {
            continue;
        }
        let (place, at, end) = twin.place();
        let this = identity::identity_of(&twin.later).decode().into_owned();
        hit(Hit {
            place,
            at,
            end,
            facts: Facts::Alike {
                other: this.clone(),
                this,
                other_at: twin.earlier_pointer(room.index_in_array),
                how: Alike::Same,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{findings_among, findings_of};

    fn seen(participants: &str) -> Vec<String> {
        findings_among(participants, "duplicate-identity")
    }

    #[test]
    fn the_later_of_two_with_one_identity_is_flagged_naming_the_first() {
        assert_eq!(
            seen(r#""alice":{"identity":"alice"},"carol":{},"bob":{"identity":"alice"}"#),
            [
                r#"duplicate-identity /participants/bob/identity ["alice"]: identity "alice" is also the identity of /participants/alice/identity; the server keys participants by identity, so it never lists one twice"#
            ]
        );
        // Without an identity a participant counts by its key, and escapes
        // are compared decoded.
        assert_eq!(
            seen(r#""alice":{},"bob":{"identity":"al\u0069ce"}"#),
            [
                r#"duplicate-identity /participants/bob/identity ["al\u0069ce"]: identity "alice" is also the identity of /participants/alice; the server keys participants by identity, so it never lists one twice"#
            ]
        );
        assert_eq!(
            seen(r#""x":{"identity":"a"},"y":{"identity":"a"},"z":{"identity":"a"}"#).len(),
            2
        );
    }

    #[test]
    fn distinct_identities_and_repeated_keys_are_not_this_rule() {
        assert_eq!(
            seen(r#""alice":{"identity":"alice"},"bob":{"identity":"bob"}"#),
            Vec::<String>::new()
        );
        let all = findings_of(
            r#"{"id":"r","participants":{"a":{"identity":"a"},"a":{"identity":"a"}}}"#,
            false,
        );
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].starts_with("duplicate-key"), "{all:?}");
    }

    #[test]
    fn a_large_room_is_checked_through_the_same_looks() {
        let mut participants: Vec<String> = (0..2000)
            .map(|i| format!(r#""user-{i}":{{"identity":"user-{i}"}}"#))
            .collect();
        participants.push(r#""late":{"identity":"user-1234"}"#.into());
        let found = seen(&participants.join(","));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("duplicate-identity /participants/late/identity"),
            "{found:?}"
        );
    }
}
