//! Rules on keys: a key twice in one object, and a participant whose key
//! is not its identity.

use super::{Check, Facts, Hit, Level, RuleDef};
use crate::term::quoted;
use crate::walk::Collect;
use crate::walk::{ParticipantRef, Place};

pub const DUPLICATE_KEY: RuleDef = RuleDef {
    code: "duplicate-key",
    default: Level::Error,
    strict: Level::Error,
    summary: "the same key twice in one object, at any level",
    explanation: "JSON parsers keep one of two equal keys, most of them the last, \
silently: a participant listed twice is one participant to every client, and \
which one depends on the parser. Keys are compared after unescaping, so \
\"a\\u0062\" repeats \"ab\".",
    bad: r#"{"id":"r","participants":{"a":{},"a":{}}}"#,
    good: r#"{"id":"r","participants":{"a":{},"b":{}}}"#,
    needs: Collect::NOTHING,
    check: Check::Walk,
    message: |facts| match facts {
        Facts::Duplicate { key, .. } => format!(
            "duplicate key {}; a JSON parser keeps only the last one, hiding the other",
            quoted(key)
        ),
        _ => String::new(),
    },
};

pub const KEY_IDENTITY_MISMATCH: RuleDef = RuleDef {
    code: "key-identity-mismatch",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "a participants key that differs from its `identity`",
    explanation: "The API server keys the participants map by identity, so the two are \
equal in every room it writes. A key that differs means the file was edited \
or merged by hand, and lookups by identity will miss the participant.",
    bad: r#"{"id":"r","participants":{"a":{"identity":"b"}}}"#,
    good: r#"{"id":"r","participants":{"a":{"identity":"a"}}}"#,
    needs: Collect::NOTHING,
    check: Check::Participant(key_identity_mismatch),
    message: |facts| match facts {
        Facts::Differ { this, other } => format!(
            "identity {} differs from its key {}; the server keys participants by identity",
            quoted(this),
            quoted(other)
        ),
        _ => String::new(),
    },
};

fn key_identity_mismatch<'a>(p: &ParticipantRef<'a>) -> Option<Hit<'a>> {
    let identity = p.identity?;
    if identity.same_text(&p.key) {
        return None;
    }
    Some(Hit {
        place: Place::Participant(p.key, "identity"),
        at: identity.at,
        end: identity.at + identity.raw.len() + 2,
        facts: Facts::Differ {
            this: super::text(&identity),
            other: super::text(&p.key),
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::findings_of;

    #[test]
    fn a_key_that_is_not_its_identity_is_flagged_on_identity() {
        assert_eq!(
            findings_of(
                r#"{"id":"r","participants":{"a/b":{"identity":"b~c"}}}"#,
                false
            ),
            [
                r#"key-identity-mismatch /participants/a~1b/identity ["b~c"]: identity "b~c" differs from its key "a/b"; the server keys participants by identity"#
            ]
        );
    }

    #[test]
    fn keys_and_identities_compare_after_unescaping() {
        assert_eq!(
            findings_of(
                r#"{"id":"r","participants":{"ab":{"identity":"a\u0062"}}}"#,
                false
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            findings_of(r#"{"id":"r","participants":{"a":{}}}"#, false),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_repeated_key_is_flagged_at_the_repeat_with_the_first_place() {
        let seen = findings_of(
            r#"{"id":"r","participants":{"a":{},"a":{}},"id":"s"}"#,
            false,
        );
        assert_eq!(
            seen,
            [
                r#"duplicate-key /participants/a ["a"]: duplicate key "a"; a JSON parser keeps only the last one, hiding the other"#,
                r#"duplicate-key /id ["id"]: duplicate key "id"; a JSON parser keeps only the last one, hiding the other"#,
            ]
        );
    }
}
