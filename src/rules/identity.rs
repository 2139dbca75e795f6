//! How an identity looks: what `duplicate-identity` and
//! `confusable-identity` compare.
//!
//! While the walk reads a participant, its identity (its key when it has
//! none) gets a look: the hash of its UTS #39 confusable skeleton after
//! case folding, and a second one, of the skeleton as written, when
//! folding changes it. Identities that are equal, equal after NFC, after
//! case folding, without zero-width and bidi characters, or with one
//! skeleton, share a look. Only the participants whose looks repeat are
//! read again and compared exactly ([`twins`]); the walk keeps 16 bytes
//! of each participant, and an ASCII identity's looks come from two
//! 128-entry tables rather than the Unicode algorithms.

use std::collections::HashMap;
use std::collections::btree_map::{BTreeMap, Entry};
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use super::SHOWN_CHARS;
use crate::walk::{ParticipantRef, Place, WalkedRoom, participant_at, repeated, text_hash};

/// How two identities are alike, from the closest to the loosest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Alike {
    /// The same text.
    Same,
    /// The same text in another Unicode normalization form.
    Normalization,
    /// The same text with zero-width or bidi control characters.
    Invisible,
    /// The same text in another case.
    Case,
    /// Characters that look alike (UTS #39 skeleton).
    Confusable,
}

impl Alike {
    pub fn describe(self) -> &'static str {
        match self {
            Alike::Same => "the same text",
            Alike::Normalization => {
                "the same text in another Unicode normalization form (equal after NFC)"
            }
            Alike::Invisible => {
                "the same text once zero-width and bidi control characters are removed"
            }
            Alike::Case => "the same text in another case",
            Alike::Confusable => {
                "characters that look alike (the same Unicode confusable skeleton, UTS #39)"
            }
        }
    }
}

/// Whether a character shows as nothing: Unicode's default-ignorable code
/// points (DerivedCoreProperties.txt), among them the zero-width spaces
/// and joiners, the bidi controls, variation selectors and tags.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// The forms of one identity that the comparisons look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forms {
    pub nfc: String,
    /// NFC without invisible characters.
    pub visible: String,
    /// `visible` case folded (lower case, then NFC again).
    pub folded: String,
    pub skeleton: String,
    pub folded_skeleton: String,
}

impl Forms {
    pub fn of(text: &str) -> Forms {
        let nfc: String = text.nfc().collect();
        let visible: String = nfc.chars().filter(|&c| !is_invisible(c)).collect();
        let folded: String = visible.to_lowercase().nfc().collect();
        let skeleton = unicode_security::skeleton(&visible).collect();
        let folded_skeleton = unicode_security::skeleton(&folded).collect();
        Forms {
            nfc,
            visible,
            folded,
            skeleton,
            folded_skeleton,
        }
    }
}

/// Two tables of what each ASCII character becomes in a skeleton: as
/// written, and case folded first. `[0, 0]` marks one whose skeleton is
/// not one or two ASCII characters ('%' is "°/₀"): an identity with it
/// takes the long way.
struct AsciiSkeletons {
    plain: [[u8; 2]; 128],
    folded: [[u8; 2]; 128],
}

static ASCII: LazyLock<AsciiSkeletons> = LazyLock::new(|| {
    let entry = |c: char| -> [u8; 2] {
        let s: String = unicode_security::skeleton(&c.to_string()).collect();
        match s.as_bytes() {
            [a] if a.is_ascii() && *a != 0 => [*a, 0],
            [a, b] if a.is_ascii() && b.is_ascii() && *a != 0 && *b != 0 => [*a, *b],
            _ => [0, 0],
        }
    };
    let mut tables = AsciiSkeletons {
        plain: [[0; 2]; 128],
        folded: [[0; 2]; 128],
    };
    for b in 1..128u8 {
        tables.plain[b as usize] = entry(char::from(b));
        tables.folded[b as usize] = entry(char::from(b.to_ascii_lowercase()));
    }
    tables
});

/// Longer ASCII identities take the long way: the short way maps into a
/// buffer on the stack.
const SHORT: usize = 64;

/// The identity a participant is known by: its `identity`, else its key.
pub fn identity_of<'a>(p: &ParticipantRef<'a>) -> crate::json::lexer::JStr<'a> {
    p.identity.unwrap_or(p.key)
}

/// Hands `push` the looks of a participant's identity: one, or two when
/// case folding changes it.
pub fn looks(p: &ParticipantRef<'_>, push: &mut dyn FnMut(u64)) {
    let text = identity_of(p);
    if !text.escaped && ascii_looks(text.raw, push) {
        return;
    }
    let forms = Forms::of(&text.decode());
    push(text_hash(forms.folded_skeleton.as_bytes()));
    if forms.skeleton != forms.folded_skeleton {
        push(text_hash(forms.skeleton.as_bytes()));
    }
}

/// The looks of a short ASCII identity from the tables; false if it is not
/// one, and nothing was pushed. Equal to what [`Forms`] gives: for ASCII,
/// NFC and invisible characters change nothing, folding is lower case, and
/// the skeleton maps character by character.
#[inline]
fn ascii_looks(raw: &[u8], push: &mut dyn FnMut(u64)) -> bool {
    if raw.len() > SHORT {
        return false;
    }
    let tables = &*ASCII;
    let mut mapped = [0u8; 2 * SHORT];
    let (mut n, mut upper) = (0, false);
    for &b in raw {
        let Some(&[first, second]) = tables.folded.get(usize::from(b)) else {
            return false;
        };
        if first == 0 {
            return false;
        }
        mapped[n] = first;
        mapped[n + 1] = second;
        n += 1 + usize::from(second != 0);
        upper |= b.is_ascii_uppercase();
    }
    let folded = text_hash(&mapped[..n]);
    push(folded);
    if upper {
        let mut n = 0;
        for &b in raw {
            let [first, second] = tables.plain[usize::from(b)];
            mapped[n] = first;
            mapped[n + 1] = second;
            n += 1 + usize::from(second != 0);
        }
        let plain = text_hash(&mapped[..n]);
        if plain != folded {
            push(plain);
        }
    }
    true
}

/// The groups of participants (key offsets, in input order) whose looks
/// repeat, each perhaps alike; everyone else is unlike anyone.
pub fn alike(looks: &mut Vec<(u64, usize)>) -> Vec<Vec<usize>> {
    let groups = repeated(looks)
        .chunk_by(|a, b| a.0 == b.0)
        .filter_map(|run| {
            let mut group: Vec<usize> = run.iter().map(|&(_, at)| at).collect();
            group.sort_unstable();
            group.dedup();
            (group.len() > 1).then_some(group)
        })
        .collect();
    looks.clear();
    looks.shrink_to_fit();
    groups
}

/// A participant whose identity is alike an earlier participant's.
#[derive(Debug, Clone, Copy)]
pub struct Twin<'a> {
    pub later: ParticipantRef<'a>,
    pub earlier: ParticipantRef<'a>,
    pub how: Alike,
}

impl<'a> Twin<'a> {
    /// Where a finding about the later one goes: its identity, or its key
    /// when it has none; and that value's byte span.
    pub fn place(&self) -> (Place<'a>, usize, usize) {
        let p = &self.later;
        match p.identity {
            Some(id) => (
                Place::Participant(p.key, "identity"),
                id.at,
                id.at + id.raw.len() + 2,
            ),
            None => (Place::Key(p.key), p.key.at, p.key.at + p.key.raw.len() + 2),
        }
    }

    /// Where the earlier one is, as a pointer.
    pub fn earlier_pointer(&self, index_in_array: Option<usize>) -> String {
        let p = &self.earlier;
        let place = match p.identity {
            Some(_) => Place::Participant(p.key, "identity"),
            None => Place::Key(p.key),
        };
        super::shown_pointer(place.pointer(index_in_array))
    }
}

/// Each participant whose identity is alike an earlier one's, at most once,
/// in input order: the same text if an earlier one has it (that earliest
/// one), else the closest way it is alike any earlier one. Linear in each
/// group: every form is looked up, not compared pairwise.
pub fn twins<'a>(room: &WalkedRoom<'a>) -> Vec<Twin<'a>> {
    let mut found: BTreeMap<usize, Twin<'a>> = BTreeMap::new();
    for group in &room.look_alikes {
        let mut first: [HashMap<String, ParticipantRef<'a>>; 6] = Default::default();
        for p in group.iter().filter_map(|&at| participant_at(room.text, at)) {
            let text = identity_of(&p).decode().into_owned();
            let forms = Forms::of(&text);
            let keys = [
                (Alike::Same, text),
                (Alike::Normalization, forms.nfc),
                (Alike::Invisible, forms.visible),
                (Alike::Case, forms.folded),
                (Alike::Confusable, forms.skeleton),
                (Alike::Confusable, forms.folded_skeleton),
            ];
            let twin = keys
                .iter()
                .zip(&first)
                .find_map(|((how, key), seen)| seen.get(key).map(|earlier| (*how, *earlier)));
            if let Some((how, earlier)) = twin {
                let twin = Twin {
                    later: p,
                    earlier,
                    how,
                };
                match found.entry(p.key.at) {
                    Entry::Vacant(e) => {
                        e.insert(twin);
                    }
                    Entry::Occupied(mut e) => {
                        let kept = e.get();
                        if (how, earlier.key.at) < (kept.how, kept.earlier.key.at) {
                            e.insert(twin);
                        }
                    }
                }
            }
            for ((_, key), seen) in keys.into_iter().zip(first.iter_mut()) {
                seen.entry(key).or_insert(p);
            }
        }
    }
    found.into_values().collect()
}

/// An identity for a message: printable ASCII as it is, everything else
/// escaped (`\u{430}`), so two look-alikes show their difference.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for (n, c) in text.chars().enumerate() {
        if n == SHOWN_CHARS {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The looks of `text` the long way, as `looks` would push them.
    fn slow_looks(text: &str) -> Vec<u64> {
        let forms = Forms::of(text);
        let mut looks = vec![text_hash(forms.folded_skeleton.as_bytes())];
        if forms.skeleton != forms.folded_skeleton {
            looks.push(text_hash(forms.skeleton.as_bytes()));
        }
        looks
    }

    fn fast_looks(text: &str) -> Option<Vec<u64>> {
        let mut looks = Vec::new();
        ascii_looks(text.as_bytes(), &mut |l| looks.push(l)).then_some(looks)
    }

    #[test]
    fn the_ascii_tables_give_what_the_unicode_algorithms_give() {
        let mut taken = 0;
        for a in 1..128u8 {
            for b in [b'a', b'I', b'0', b'm', b'%', a] {
                let text = String::from_utf8(vec![a, b, b'x']).unwrap_or_default();
                if let Some(fast) = fast_looks(&text) {
                    taken += 1;
                    assert_eq!(fast, slow_looks(&text), "{text:?}");
                }
            }
        }
        assert!(taken > 600, "{taken}");
        for text in [
            "user-1003f5b05b35d365",
            "Alice",
            "9E691E65-bbe0",
            "rn|m`I10O",
        ] {
            assert_eq!(fast_looks(text), Some(slow_looks(text)), "{text}");
        }
        assert_eq!(fast_looks("100%"), None);
        assert_eq!(fast_looks("é"), None);
        assert_eq!(fast_looks(&"a".repeat(SHORT + 1)), None);
        assert!(fast_looks(&"a".repeat(SHORT)).is_some());
    }

    fn how(a: &str, b: &str) -> Option<Alike> {
        let (x, y) = (Forms::of(a), Forms::of(b));
        let pairs = [
            (Alike::Same, a == b),
            (Alike::Normalization, x.nfc == y.nfc),
            (Alike::Invisible, x.visible == y.visible),
            (Alike::Case, x.folded == y.folded),
            (
                Alike::Confusable,
                x.skeleton == y.skeleton || x.folded_skeleton == y.folded_skeleton,
            ),
        ];
        pairs.iter().find(|(_, yes)| *yes).map(|(how, _)| *how)
    }

    #[test]
    fn each_way_of_looking_alike_is_told_and_unlike_texts_are_not_alike() {
        assert_eq!(how("alice", "alice"), Some(Alike::Same));
        assert_eq!(how("caf\u{e9}", "cafe\u{301}"), Some(Alike::Normalization));
        assert_eq!(how("al\u{200b}ice", "alice"), Some(Alike::Invisible));
        assert_eq!(how("\u{202e}alice", "alice"), Some(Alike::Invisible));
        assert_eq!(how("Alice", "alice"), Some(Alike::Case));
        assert_eq!(how("\u{430}lice", "alice"), Some(Alike::Confusable));
        assert_eq!(how("Il", "ll"), Some(Alike::Confusable));
        assert_eq!(how("ALICE", "\u{430}lice"), Some(Alike::Confusable));
        assert_eq!(how("rn", "m"), Some(Alike::Confusable));
        assert_eq!(how("alice", "bob"), None);
        assert_eq!(how("user-1", "user-2"), None);
        // Every way of being alike gives a shared look.
        for (a, b) in [
            ("caf\u{e9}", "cafe\u{301}"),
            ("al\u{200b}ice", "alice"),
            ("Alice", "alice"),
            ("\u{430}lice", "alice"),
            ("Il", "ll"),
            ("ALICE", "\u{430}lice"),
        ] {
            let (x, y) = (slow_looks(a), slow_looks(b));
            assert!(x.iter().any(|l| y.contains(l)), "{a:?} {b:?}");
        }
    }

    #[test]
    fn escaped_identities_show_what_differs() {
        assert_eq!(escaped("\u{430}lice"), r#""\u{430}lice""#);
        assert_eq!(escaped("a\u{200b}\"\\"), r#""a\u{200b}\"\\""#);
        assert_eq!(escaped(&"x".repeat(61)), format!("\"{}…\"", "x".repeat(60)));
    }
}
