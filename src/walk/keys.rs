//! The keys of one object, for `duplicate-key`: what the walk records as
//! keys arrive, and the repeats it reports when the object closes.

use crate::json::lexer::{JStr, Lexer};

/// Objects up to this many keys are checked for duplicates pairwise.
const SMALL_OBJECT: usize = 16;

/// The keys of one object so far. Small objects (participants, tracks) are
/// compared pairwise as keys arrive. A large one (the participants map)
/// keeps (hash, offset) pairs, 16 bytes a key, hashed while the key is in
/// cache and sorted once at the end: a hash table would miss the cache on
/// every insert, and growing it would re-hash keys scattered over the input.
#[derive(Default)]
pub struct KeySet {
    /// Hash and offset of each key; equal hashes are compared as text.
    small: Vec<(u64, usize)>,
    pub large: Vec<(u64, usize)>,
    /// The keys a second walk of the same object found after those of
    /// `large`, as that walk's [`KeySet::rest_of_large`] holds them: kept
    /// apart, as joining the two would hold both and their copy at once.
    pub rest: Vec<(u64, usize)>,
    /// The entries of `large` whose hashes repeat ([`repeated`]), once
    /// [`KeySet::repeats`] has run.
    pub repeated: Vec<(u64, usize)>,
}

impl KeySet {
    /// The (hash, offset) of each key of a small object.
    pub fn small(&self) -> &[(u64, usize)] {
        &self.small
    }

    /// The key set of the rest of an object whose first keys are in
    /// another set, one past [`SMALL_OBJECT`] keys: every key is kept for
    /// [`KeySet::repeats`] from the first on, as that set does. The first
    /// entry only marks the mode, and [`KeySet::append_rest`] drops it.
    pub fn rest_of_large() -> KeySet {
        KeySet {
            large: vec![(0, usize::MAX)],
            ..KeySet::default()
        }
    }

    pub fn is_large(&self) -> bool {
        !self.large.is_empty()
    }

    /// Takes in the keys of `rest` (a [`KeySet::rest_of_large`]).
    pub fn append_rest(&mut self, rest: &mut KeySet) {
        if self.rest.is_empty() {
            self.rest = std::mem::take(&mut rest.large);
        } else {
            self.rest.extend_from_slice(rest.rest_keys_of_large());
        }
    }

    /// The keys of [`KeySet::rest`], without the mark of its mode.
    pub fn rest_keys(&self) -> &[(u64, usize)] {
        self.rest.get(1..).unwrap_or_default()
    }

    /// The keys of a [`KeySet::rest_of_large`], without the mark.
    fn rest_keys_of_large(&self) -> &[(u64, usize)] {
        self.large.get(1..).unwrap_or_default()
    }

    pub fn clear(&mut self) {
        self.small.clear();
        self.large.clear();
        self.rest.clear();
        self.repeated.clear();
    }

    /// The earlier key equal to `key`, if the object is small enough to
    /// know at once.
    #[inline]
    pub fn insert<'a>(&mut self, key: JStr<'a>, buf: &'a [u8]) -> Option<JStr<'a>> {
        let hash = key_hash(&key);
        if !self.large.is_empty() {
            self.large.push((hash, key.at));
            return None;
        }
        for &(h, at) in &self.small {
            if h == hash
                && let Some(first) = key_at(buf, at)
                && first.same_text(&key)
            {
                return Some(first);
            }
        }
        self.small.push((hash, key.at));
        if self.small.len() > SMALL_OBJECT {
            self.large.reserve(1024);
            self.large.append(&mut self.small);
        }
        None
    }

    /// Every (first, repeat) pair among the keys of a large object: only
    /// the keys whose hashes repeat are compared.
    pub fn repeats<'a>(&mut self, buf: &'a [u8]) -> Vec<(JStr<'a>, JStr<'a>)> {
        let mut pairs = Vec::new();
        self.repeated = repeated(&[&self.large, self.rest_keys()]);
        for run in self.repeated.chunk_by(|a, b| a.0 == b.0) {
            let keys: Vec<JStr<'a>> = run.iter().filter_map(|&(_, at)| key_at(buf, at)).collect();
            for i in 1..keys.len() {
                if let Some(first) = keys[..i].iter().find(|k| k.same_text(&keys[i])) {
                    pairs.push((*first, keys[i]));
                }
            }
        }
        pairs
    }
}

/// The (hash, offset) entries of `parts` whose hash is seen more than
/// once, sorted.
pub fn repeated(parts: &[&[(u64, usize)]]) -> Vec<(u64, usize)> {
    // Most suspects of a large set only share a bit of the bitset with
    // another hash (about one entry in sixteen): each would be read again
    // from the text to be compared with nothing.
    repeated_in(parts, |&(hash, _)| hash)
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .flatten()
        .copied()
        .collect()
}

/// The entries whose hash is seen more than once, sorted, with perhaps a
/// few others. A bitset (16 bits an entry) finds the hashes seen twice in
/// one pass, so only those few entries are sorted: sorting a million
/// entries would cost more than the walk that hashed them.
pub fn repeated_by<T: Copy + Ord>(entries: &[T], hash_of: impl Fn(&T) -> u64) -> Vec<T> {
    repeated_in(&[entries], hash_of)
}

/// [`repeated_by`] over the entries of several parts, as if they were one.
fn repeated_in<T: Copy + Ord>(parts: &[&[T]], hash_of: impl Fn(&T) -> u64) -> Vec<T> {
    let len: usize = parts.iter().map(|part| part.len()).sum();
    if len < 2 {
        return Vec::new();
    }
    let entries = || parts.iter().flat_map(|part| part.iter());
    let bits = (len * 16).next_power_of_two().max(64);
    let shift = 64 - bits.trailing_zeros();
    let slot = |hash: u64| ((hash >> shift) as usize / 64, 1u64 << (hash & 63));
    let mut seen = vec![0u64; bits / 64];
    let mut twice = vec![0u64; bits / 64];
    let mut any_twice = false;
    for entry in entries() {
        let (word, bit) = slot(hash_of(entry));
        if seen[word] & bit != 0 {
            twice[word] |= bit;
            any_twice = true;
        }
        seen[word] |= bit;
    }
    if !any_twice {
        return Vec::new();
    }
    let mut suspects: Vec<T> = entries()
        .copied()
        .filter(|entry| {
            let (word, bit) = slot(hash_of(entry));
            twice[word] & bit != 0
        })
        .collect();
    suspects.sort_unstable();
    suspects
}

/// The key whose opening quote is at `at`, read again from the text.
fn key_at(buf: &[u8], at: usize) -> Option<JStr<'_>> {
    Lexer::new(buf, at, true).string().ok()
}

/// FxHash over the decoded key: cheap, and only compared within one object.
fn key_hash(key: &JStr<'_>) -> u64 {
    if key.escaped {
        text_hash(key.decode().as_bytes())
    } else {
        text_hash(key.raw)
    }
}

/// FxHash, a word at a time, with a finishing mix: keys and looks are
/// compared by hash first, and only equal hashes as text.
#[inline]
pub fn text_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    // A multiply leaves the low bits weak, and the table indexes by them.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of `{"k0":0,"k1":0,...}` as the lexer sees them, with the
    /// text they sit in.
    fn keys(names: &[&str]) -> (Vec<u8>, Vec<usize>) {
        let mut text = Vec::new();
        let mut at = Vec::new();
        for name in names {
            at.push(text.len());
            text.extend_from_slice(format!("\"{name}\" ").as_bytes());
        }
        (text, at)
    }

    fn repeats_of(names: &[&str]) -> Vec<(usize, usize)> {
        let (text, offsets) = keys(names);
        let mut set = KeySet::default();
        let mut pairs = Vec::new();
        for &at in &offsets {
            let Some(key) = key_at(&text, at) else {
                panic!("no key at {at}");
            };
            if let Some(first) = set.insert(key, &text) {
                pairs.push((first.at, key.at));
            }
        }
        for (first, repeat) in set.repeats(&text) {
            pairs.push((first.at, repeat.at));
        }
        pairs
            .into_iter()
            .map(|(a, b)| {
                let index = |o| offsets.iter().position(|&x| x == o).unwrap_or(usize::MAX);
                (index(a), index(b))
            })
            .collect()
    }

    #[test]
    fn repeated_is_exactly_the_entries_whose_hash_repeats() {
        // Enough entries that many share a bit of the bitset by chance.
        let mut entries: Vec<(u64, usize)> = (0..100_000u64)
            .map(|i| (text_hash(&i.to_le_bytes()), i as usize))
            .collect();
        for (from, at) in [
            (5, 100_000),
            (5, 100_001),
            (77_777, 100_002),
            (99_999, 100_003),
        ] {
            entries.push((entries[from].0, at));
        }
        let mut count = std::collections::HashMap::new();
        for &(hash, _) in &entries {
            *count.entry(hash).or_insert(0) += 1;
        }
        let mut expected: Vec<(u64, usize)> = entries
            .iter()
            .copied()
            .filter(|e| count[&e.0] > 1)
            .collect();
        expected.sort_unstable();
        assert_eq!(expected.len(), 7);
        assert_eq!(repeated(&[&entries]), expected);
        assert_eq!(repeated(&[&entries[..100_000]]), []);
        // Split in two parts anywhere, as two walks of one map leave it:
        // the same repeats, across the cut as within either part.
        for cut in [0, 5, 6, 77_778, 100_000, 100_002, entries.len()] {
            let (first, rest) = entries.split_at(cut);
            assert_eq!(repeated(&[first, rest]), expected, "cut at {cut}");
        }
    }

    /// Two entries are enough to repeat; one is not.
    #[test]
    fn two_equal_hashes_are_a_repeat() {
        assert_eq!(repeated(&[&[(9, 1), (9, 5)]]), [(9, 1), (9, 5)]);
        assert_eq!(repeated(&[&[(9, 1)], &[(9, 5)]]), [(9, 1), (9, 5)]);
        assert_eq!(repeated(&[&[(9, 1), (8, 5)]]), []);
        assert_eq!(repeated(&[&[(9, 1)]]), []);
    }

    /// A large object's keys in three walks' parts, the later two taken in
    /// after the first: repeats across any two parts are found.
    #[test]
    fn keys_of_later_walks_count_with_the_first() {
        let names: Vec<String> = (0..60).map(|i| format!("k{i}")).collect();
        let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
        // k3 again in the second part, k40 again in the third.
        names[45] = "k3";
        names[55] = "k40";
        let (text, offsets) = keys(&names);
        let key = |at: usize| match key_at(&text, at) {
            Some(key) => key,
            None => panic!("no key at {at}"),
        };
        let mut first = KeySet::default();
        for &at in &offsets[..30] {
            assert!(first.insert(key(at), &text).is_none());
        }
        for part in [&offsets[30..50], &offsets[50..]] {
            let mut rest = KeySet::rest_of_large();
            for &at in part {
                assert!(rest.insert(key(at), &text).is_none());
            }
            first.append_rest(&mut rest);
        }
        let mut pairs: Vec<(usize, usize)> = first
            .repeats(&text)
            .iter()
            .map(|(a, b)| (a.at, b.at))
            .collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            [(offsets[3], offsets[45]), (offsets[40], offsets[55])]
        );
    }

    #[test]
    fn a_small_object_reports_a_repeat_as_it_arrives() {
        assert_eq!(repeats_of(&["a", "b", "a"]), [(0, 2)]);
        assert_eq!(repeats_of(&["a", "b", "c"]), []);
        // Compared after unescaping.
        assert_eq!(repeats_of(&["ab", "a\\u0062"]), [(0, 1)]);
    }

    #[test]
    fn a_large_object_reports_every_repeat_past_the_sixteenth_key() {
        let mut names: Vec<String> = (0..40).map(|i| format!("user-{i}")).collect();
        names[20] = "user-3".into();
        names[35] = "user-20".into();
        names[39] = "user-3".into();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut pairs = repeats_of(&names);
        pairs.sort_unstable();
        assert_eq!(pairs, [(3, 20), (3, 39)]);
        let distinct: Vec<String> = (0..1000).map(|i| format!("k{i}")).collect();
        let distinct: Vec<&str> = distinct.iter().map(String::as_str).collect();
        assert_eq!(repeats_of(&distinct), []);
    }
}
