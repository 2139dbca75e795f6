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

/// A skeleton rewritten so that the common characters of identities stay
/// as they are: the skeleton spells `0` as `O`, `1` as `l` and `m` as
/// `rn`; these spell them back. Equal skeletons stay equal, and an
/// identity of lower-case letters, digits and `-` is its own look, hashed
/// as it is.
fn canon(skeleton: &[u8], out: &mut Vec<u8>) {
    out.clear();
    for &b in skeleton {
        match b {
            b'n' if out.last() == Some(&b'r') => {
                if let Some(last) = out.last_mut() {
                    *last = b'm';
                }
            }
            b'O' => out.push(b'0'),
            b'l' => out.push(b'1'),
            b => out.push(b),
        }
    }
}

/// The look of a skeleton: the hash of its canonical spelling.
fn look_of(skeleton: &str) -> u64 {
    let mut out = Vec::with_capacity(skeleton.len());
    canon(skeleton.as_bytes(), &mut out);
    text_hash(&out)
}

/// What each ASCII character becomes in a skeleton, as written and case
/// folded first; and which characters are their own look. `[0, 0]` marks
/// one whose skeleton is not one or two ASCII characters ('%' is "°/₀"):
/// an identity with it takes the long way.
struct AsciiSkeletons {
    plain: [[u8; 2]; 128],
    folded: [[u8; 2]; 128],
    own_look: [bool; 128],
}

/// A table entry for a character whose skeleton is `skeleton`: its one or
/// two ASCII bytes, or `[0, 0]` when it is anything else.
fn ascii_entry(skeleton: &str) -> [u8; 2] {
    match skeleton.as_bytes() {
        [a] if a.is_ascii() && *a != 0 => [*a, 0],
        [a, b] if a.is_ascii() && b.is_ascii() && *a != 0 && *b != 0 => [*a, *b],
        _ => [0, 0],
    }
}

static ASCII: LazyLock<AsciiSkeletons> = LazyLock::new(|| {
    let skeleton = |c: char| -> String { unicode_security::skeleton(&c.to_string()).collect() };
    let entry = |c: char| ascii_entry(&skeleton(c));
    let mut tables = AsciiSkeletons {
        plain: [[0; 2]; 128],
        folded: [[0; 2]; 128],
        own_look: [false; 128],
    };
    let mut spelled = Vec::new();
    for b in 1..128u8 {
        let c = char::from(b);
        tables.plain[b as usize] = entry(c);
        tables.folded[b as usize] = entry(c.to_ascii_lowercase());
        canon(skeleton(c.to_ascii_lowercase()).as_bytes(), &mut spelled);
        // `r` and `n` are their own looks apart, not together ("rn" is m);
        // control characters never stand in a string raw.
        tables.own_look[b as usize] = spelled == [b] && b >= b' ';
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
/// case folding changes it; or none when the identity is its key and its
/// own look, as nearly all are. The walk hashes every key of the
/// participants map for `duplicate-key` with the same hash, and adds those
/// entries to the looks: one hash a participant, computed once.
pub fn looks(p: &ParticipantRef<'_>, push: &mut dyn FnMut(u64)) {
    let text = identity_of(p);
    if !text.escaped && own_look(text.raw) {
        if !text.same_text(&p.key) || p.key.escaped {
            push(text_hash(text.raw));
        }
        return;
    }
    if !text.escaped && ascii_looks(text.raw, push) {
        return;
    }
    let forms = Forms::of(&text.decode());
    let folded = look_of(&forms.folded_skeleton);
    push(folded);
    let plain = look_of(&forms.skeleton);
    if plain != folded {
        push(plain);
    }
}

/// Whether an unescaped identity is its own look: most (ids, UUIDs,
/// lower-case names) are, and their look is the hash of their text.
///
/// Eight bytes at a time, without a table: this runs for every
/// participant. A byte is its own look unless it is a control character,
/// not ASCII, or one of `"%` `` ` `` `l|` and the capitals (the test
/// `own_looks_are_what_the_tables_say` holds this to the Unicode data);
/// and "rn" is not its own look, as it reads as "m".
#[inline]
fn own_look(raw: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of the result: that byte of `x` is zero.
    let zero = |x: u64| !(((x & !HIGH) + !HIGH) | x) & HIGH;
    // ... is below `n`; exact for ASCII bytes, and a word with another
    // byte is not its own look whatever this says.
    let below = |x: u64, n: u8| (ONES * (0x7F + u64::from(n))).wrapping_sub(x) & HIGH;
    let is = |x: u64, c: u8| zero(x ^ (ONES * u64::from(c)));
    // Whether a word holds a byte that is not its own look, and the 'r'
    // it ends with; an 'r' before it (`carried`) may pair with its 'n'.
    let bad = |x: u64, carried: u64| -> (u64, u64) {
        let r = is(x, b'r');
        let rn = ((r << 8) | carried) & is(x, b'n');
        let others = (x & HIGH)
            | below(x, b' ')
            | (below(x, b'[') & !below(x, b'A'))
            | is(x, b'"')
            | is(x, b'%')
            | is(x, b'`')
            | is(x, b'l')
            | is(x, b'|');
        (others | rn, r >> 56)
    };
    let mut words = raw.chunks_exact(8);
    let mut carried = 0;
    for word in &mut words {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            return false;
        };
        let (found, r) = bad(u64::from_le_bytes(word), carried);
        if found != 0 {
            return false;
        }
        carried = r;
    }
    let rest = words.remainder();
    if rest.is_empty() {
        return true;
    }
    let last = if raw.len() >= 8 {
        // The last eight bytes again, overlapping: each pair of
        // neighbours across the last edge is inside this word.
        carried = 0;
        match <[u8; 8]>::try_from(&raw[raw.len() - 8..]) {
            Ok(word) => u64::from_le_bytes(word),
            Err(_) => return false,
        }
    } else {
        // Padded with 'a', its own look; byte by byte, as a copy of a
        // length not known here would be a call.
        let mut word = [b'a'; 8];
        for (to, &b) in word.iter_mut().zip(rest) {
            *to = b;
        }
        u64::from_le_bytes(word)
    };
    bad(last, carried).0 == 0
}

/// The looks of a short ASCII identity, from the tables; false if it is
/// not one, and nothing was pushed. Equal to what the long way gives: for
/// ASCII, NFC and invisible characters change nothing, folding is lower
/// case, and the skeleton maps character by character.
fn ascii_looks(raw: &[u8], push: &mut dyn FnMut(u64)) -> bool {
    let tables = &*ASCII;
    if raw.len() > SHORT {
        return false;
    }
    let mut mapped = [0u8; 2 * SHORT];
    let mut spelled = Vec::with_capacity(2 * SHORT);
    let mut look = |table: &[[u8; 2]; 128]| -> Option<u64> {
        let mut n = 0;
        for &b in raw {
            let &[first, second] = table.get(usize::from(b))?;
            if first == 0 {
                return None;
            }
            mapped[n] = first;
            mapped[n + 1] = second;
            n += 1 + usize::from(second != 0);
        }
        canon(&mapped[..n], &mut spelled);
        Some(text_hash(&spelled))
    };
    let Some(folded) = look(&tables.folded) else {
        return false;
    };
    let plain = if raw.iter().any(u8::is_ascii_uppercase) {
        look(&tables.plain)
    } else {
        None
    };
    push(folded);
    if let Some(plain) = plain.filter(|&p| p != folded) {
        push(plain);
    }
    true
}

/// The groups of participants (key offsets, in input order) whose looks
/// repeat, each perhaps alike; everyone else is unlike anyone.
/// `repeats` are those of `looks` whose hashes repeat, if known already.
pub fn alike(looks: &[&[(u64, usize)]], repeats: Option<Vec<(u64, usize)>>) -> Vec<Vec<usize>> {
    repeats
        .unwrap_or_else(|| repeated(looks))
        .chunk_by(|a, b| a.0 == b.0)
        .filter_map(|run| {
            let mut group: Vec<usize> = run.iter().map(|&(_, at)| at).collect();
            group.sort_unstable();
            group.dedup();
            (group.len() > 1).then_some(group)
        })
        .collect()
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
    let mut keep = |twin: Twin<'a>| match found.entry(twin.later.key.at) {
        Entry::Vacant(e) => {
            e.insert(twin);
        }
        Entry::Occupied(mut e) => {
            let kept = e.get();
            if (twin.how, twin.earlier.key.at) < (kept.how, kept.earlier.key.at) {
                e.insert(twin);
            }
        }
    };
    for group in &room.look_alikes {
        let mut same: HashMap<String, ParticipantRef<'a>> = HashMap::new();
        let mut first: [HashMap<String, ParticipantRef<'a>>; 5] = Default::default();
        for p in group.iter().filter_map(|&at| participant_at(room.text, at)) {
            let text = identity_of(&p).decode().into_owned();
            // A text seen before is that one's twin, and its forms are
            // known already: a thousand copies of one identity cost a
            // lookup each.
            if let Some(&earlier) = same.get(&text) {
                keep(Twin {
                    later: p,
                    earlier,
                    how: Alike::Same,
                });
                continue;
            }
            let forms = Forms::of(&text);
            same.insert(text, p);
            let keys = [
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
                keep(Twin {
                    later: p,
                    earlier,
                    how,
                });
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
    crate::term::quoted_escaping(text, |c| !matches!(c, ' '..='~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The looks of `text` the long way, as `looks` would push them.
    fn slow_looks(text: &str) -> Vec<u64> {
        let forms = Forms::of(text);
        let folded = look_of(&forms.folded_skeleton);
        let mut looks = vec![folded];
        let plain = look_of(&forms.skeleton);
        if plain != folded {
            looks.push(plain);
        }
        looks
    }

    /// The looks of an unescaped identity the short ways, as `looks`
    /// takes them: its own look, else the tables.
    fn fast_looks(text: &str) -> Option<Vec<u64>> {
        if own_look(text.as_bytes()) {
            return Some(vec![text_hash(text.as_bytes())]);
        }
        let mut looks = Vec::new();
        ascii_looks(text.as_bytes(), &mut |l| looks.push(l)).then_some(looks)
    }

    #[test]
    fn the_ascii_tables_give_what_the_unicode_algorithms_give() {
        // Every string of three printable characters that JSON holds raw
        // (no quote, no backslash) and that ends in one of the characters
        // a skeleton spells differently.
        let printable: Vec<u8> = (b' '..=b'~').filter(|b| !b"\"\\".contains(b)).collect();
        let mut taken = 0;
        for &a in &printable {
            for &b in &printable {
                for c in [
                    b'n', b'l', b'O', b'0', b'1', b'm', b'I', b'r', b'x', b'%', b'|',
                ] {
                    let text = String::from_utf8(vec![a, b, c]).unwrap_or_default();
                    if let Some(fast) = fast_looks(&text) {
                        taken += 1;
                        assert_eq!(fast, slow_looks(&text), "{text:?}");
                    }
                }
            }
        }
        assert!(taken > 80_000, "{taken}");
        let long_own = "a".repeat(SHORT + 1);
        for text in [
            "user-1003f5b05b35d365",
            "6bc50471-1e92-4b43-9e59-dc1dd3237246",
            "Alice",
            "9E691E65-bbe0",
            "rn|m`I10O",
            "corner",
            &long_own,
        ] {
            assert_eq!(fast_looks(text), Some(slow_looks(text)), "{text}");
        }
        // Long ones that are not their own look take the long way.
        assert_eq!(fast_looks(&"A".repeat(SHORT + 1)), None);
        // The longest short identity, every character two in its skeleton.
        let twice = "mM".repeat(SHORT / 2);
        assert_eq!(fast_looks(&twice), Some(slow_looks(&twice)));
        assert!(fast_looks(&"A".repeat(SHORT)).is_some());
        assert_eq!(fast_looks("100%"), None);
        assert_eq!(fast_looks("é"), None);
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
    fn a_table_entry_is_one_or_two_ascii_bytes_or_the_long_way() {
        assert_eq!(ascii_entry("x"), [b'x', 0]);
        assert_eq!(ascii_entry("rn"), [b'r', b'n']);
        for long_way in ["", "\0", "é", "a\0", "\0a", "°/₀", "abc"] {
            assert_eq!(ascii_entry(long_way), [0, 0], "{long_way:?}");
        }
    }

    #[test]
    fn a_non_ascii_identity_alike_only_as_written_is_found() {
        // "Iä" and "lä" share a skeleton as written (I reads as l) but not
        // once folded ("iä"): the long way pushes both looks.
        let (a, b) = (slow_looks("Iä"), slow_looks("lä"));
        assert_eq!(a.len(), 2);
        assert!(a.iter().any(|l| b.contains(l)));
        assert_eq!(
            crate::rules::findings_among(r#""lä":{},"Iä":{}"#, "confusable-identity").len(),
            1
        );
    }

    #[test]
    fn own_looks_are_what_the_tables_say() {
        for b in 0..=255u8 {
            let table = ASCII.own_look.get(usize::from(b)) == Some(&true);
            // At each place in a word, and across a word's edge.
            for at in 0..10 {
                let mut text = vec![b'a'; 12];
                text[at] = b;
                assert_eq!(own_look(&text), table, "{b} at {at}");
            }
        }
        for (text, own) in [
            ("user-1003f5b05b35d365", true),
            ("corner", false),
            ("abcdefgrn", false),
            ("abcdefgr", true),
            ("abcdefgrnabcdefg", false),
            ("r", true),
            ("n", true),
            ("", true),
            ("nr", true),
        ] {
            assert_eq!(own_look(text.as_bytes()), own, "{text}");
        }
        // Characters of every UTF-8 length, at every place of a word: the
        // checks of a word flag a byte more than once, and still flag it.
        for c in ["é", "\u{430}", "日", "😀", "\u{200b}", "\u{7f}"] {
            for at in 0..9 {
                let text = format!("{}{c}{}", "a".repeat(at), "b".repeat(9 - at));
                assert_eq!(own_look(text.as_bytes()), c == "\u{7f}", "{text:?}");
            }
        }
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
