//! `misspelled-field`: an unknown field that is a known one mistyped.

use super::{Check, Facts, Level, RuleDef};
use crate::term::quoted;
use crate::walk::Collect;

pub const MISSPELLED_FIELD: RuleDef = RuleDef {
    code: "misspelled-field",
    default: Level::Warning,
    strict: Level::Error,
    summary: "an unknown field a typo away from a known one (`createAt`, `joinAt`, `leftat`)",
    explanation: "Clients and the SDKs ignore fields they do not know, so a field \
whose name is mistyped is not an error anywhere else: its value silently \
vanishes. A createAt or joinAt timestamp is gone from every view, and the room \
still looks valid. A field is taken for a known one at the same level (room, \
participant, track, event) when the two are equal ignoring case, `_` and `-`, \
or differ by one edit (two for names of eight letters or more). Under --strict \
it is an error, like every unknown field.",
    bad: r#"{"id":"r","createAt":1700000000000,"participants":{"a":{"joinAt":1700000000000}}}"#,
    good: r#"{"id":"r","createdAt":1700000000000,"participants":{"a":{"joinedAt":1700000000000}}}"#,
    needs: Collect::NOTHING,
    check: Check::Walk,
    message: |facts| match facts {
        Facts::Misspelled { key, meant } => format!(
            "unknown field {}; did you mean \"{meant}\"? (its value is ignored)",
            quoted(key)
        ),
        _ => String::new(),
    },
};

/// The known field that `key` most likely means, if one is near enough.
pub fn meant(key: &[u8], known: impl Iterator<Item = &'static str>) -> Option<&'static str> {
    let folded = fold(key);
    if folded.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &'static str)> = None;
    for field in known {
        if field.as_bytes() == key {
            continue;
        }
        let target = fold(field.as_bytes());
        let allowed = match target.len() {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        // Most unknown fields are nothing like a known one: their lengths
        // alone tell, before any distance is computed.
        if folded.len().abs_diff(target.len()) > allowed {
            continue;
        }
        let distance = strsim::damerau_levenshtein(&folded, &target);
        if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, field));
        }
    }
    best.map(|(_, field)| field)
}

/// A name as compared: ASCII lower case, without `_` and `-`, so that
/// `left_at`, `LeftAt` and `leftat` all read as `leftAt`.
fn fold(name: &[u8]) -> String {
    name.iter()
        .filter(|b| !matches!(b, b'_' | b'-'))
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::meant;
    use crate::rules::findings_of;

    const PARTICIPANT: [&str; 5] = ["identity", "name", "joinedAt", "leftAt", "tracksPublished"];

    fn near(key: &str) -> Option<&'static str> {
        meant(key.as_bytes(), PARTICIPANT.iter().copied())
    }

    #[test]
    fn typos_of_a_known_field_are_taken_for_it() {
        assert_eq!(near("joinAt"), Some("joinedAt"));
        assert_eq!(near("leftat"), Some("leftAt"));
        assert_eq!(near("left_at"), Some("leftAt"));
        assert_eq!(near("identiy"), Some("identity"));
        assert_eq!(near("nmae"), Some("name"));
        assert_eq!(near("Name"), Some("name"));
        assert_eq!(near("tracksPublshed"), Some("tracksPublished"));
    }

    #[test]
    fn fields_unlike_any_known_one_are_not() {
        assert_eq!(near("metadata"), None);
        assert_eq!(near("role"), None);
        assert_eq!(near("joins"), None);
        // Two edits are allowed for a long name: `joined` lacks only `At`.
        assert_eq!(near("joined"), Some("joinedAt"));
        assert_eq!(near(""), None);
        assert_eq!(near("_"), None);
        // Two edits is too many for a short name.
        assert_eq!(near("nom"), None);
        assert_eq!(near("leftAtt"), Some("leftAt"));
        assert_eq!(near("lfAtt"), None);
        // Short names match only ignoring case.
        assert_eq!(meant(b"ID", ["id"].into_iter()), Some("id"));
        assert_eq!(meant(b"ix", ["id"].into_iter()), None);
    }

    #[test]
    fn the_nearest_of_two_candidates_wins() {
        assert_eq!(meant(b"aaab", ["aaaa", "aaab_"].into_iter()), Some("aaab_"));
        assert_eq!(meant(b"aaab", ["aaab_", "aaaa"].into_iter()), Some("aaab_"));
        // At the same distance, the field listed first is the one named.
        assert_eq!(meant(b"abcd", ["abce", "abcf"].into_iter()), Some("abce"));
        assert_eq!(meant(b"abcd", ["abcf", "abce"].into_iter()), Some("abcf"));
    }

    #[test]
    fn misspelt_fields_are_found_at_every_level() {
        let found = findings_of(
            r#"{"id":"r","createAt":1,"participants":{"a":{"joinAt":1,"tracksPublished":{"t":{"sid":"t","mimetype":"video/h264"}}}},"events":[{"eventname":"x"}]}"#,
            false,
        );
        assert_eq!(
            found,
            [
                r#"misspelled-field /createAt ["createAt"]: unknown field "createAt"; did you mean "createdAt"? (its value is ignored)"#,
                r#"misspelled-field /participants/a/joinAt ["joinAt"]: unknown field "joinAt"; did you mean "joinedAt"? (its value is ignored)"#,
                r#"misspelled-field /participants/a/tracksPublished/t/mimetype ["mimetype"]: unknown field "mimetype"; did you mean "mimeType"? (its value is ignored)"#,
                r#"misspelled-field /events/0/eventname ["eventname"]: unknown field "eventname"; did you mean "eventName"? (its value is ignored)"#,
            ]
        );
    }

    #[test]
    fn under_strict_a_misspelt_field_is_one_error_not_two() {
        let found = findings_of(r#"{"id":"r","participants":{},"updatedat":1}"#, true);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("misspelled-field /updatedat"),
            "{found:?}"
        );
    }
}
