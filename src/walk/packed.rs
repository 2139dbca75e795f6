//! A room's participants and timestamps as the walk collects them, in 32
//! and 48 bytes each instead of the 192 of a [`ParticipantRef`] and the
//! 104 of a [`Timestamp`]: texts are offsets into the walked buffer, which
//! a collection holds once, and an item is rebuilt when it is read. A
//! million participants then cost 32 MB, not 192.

use super::{Invalid, ParticipantRef, Place, Timestamp, TsValue};
use crate::json::lexer::JStr;

/// A participant whose key lies within 1 TiB of the start, and whose
/// other texts sit within 4 KiB after it (`leftAt` within 64 KiB), its
/// key, identity and name each shorter than 4 KiB and its times' texts
/// than 256 bytes: every real one. The offsets of its other texts count
/// from the key's; six of the numbers below 4096 go in pairs of 12 bits.
///
/// Aligned to its size: rows are listed in sorted order, so each one read
/// is a cache miss, and an unaligned record would straddle two lines.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
struct Packed {
    /// Offset of the key's opening quote, or, when [`SPILLED`], the index
    /// of the participant in `spilled`: 40 bits, in two parts.
    key_at_low: u32,
    /// The times of `joinedAt` and `leftAt` when they are ones: 48 bits
    /// each, in two parts.
    joined_low: u32,
    left_low: u32,
    joined_high: u16,
    left_high: u16,
    flags: u16,
    left_at: u16,
    key_at_high: u8,
    joined_len: u8,
    left_len: u8,
    key_len_identity_at: [u8; 3],
    identity_len_name_at: [u8; 3],
    name_len_joined_at: [u8; 3],
}

const _: () = assert!(std::mem::size_of::<Packed>() == 32);

impl Packed {
    fn key_at(&self) -> usize {
        (u64::from(self.key_at_high) << 32 | u64::from(self.key_at_low)) as usize
    }

    fn joined(&self) -> i64 {
        i64::from(self.joined_high) << 32 | i64::from(self.joined_low)
    }

    fn left(&self) -> i64 {
        i64::from(self.left_high) << 32 | i64::from(self.left_low)
    }
}

/// `value` in 48 bits, low part first, if it fits.
fn split_48(value: u64) -> Option<(u32, u16)> {
    (value >> 48 == 0).then_some((value as u32, (value >> 32) as u16))
}

/// Two numbers below 4096 in three bytes.
fn pair_12(high: usize, low: usize) -> Option<[u8; 3]> {
    (high < 1 << 12 && low < 1 << 12).then(|| {
        let both = high << 12 | low;
        [both as u8, (both >> 8) as u8, (both >> 16) as u8]
    })
}

/// The two numbers of [`pair_12`].
fn unpair_12(bytes: [u8; 3]) -> (usize, usize) {
    let both = usize::from(bytes[0]) | usize::from(bytes[1]) << 8 | usize::from(bytes[2]) << 16;
    (both >> 12, both & 0xfff)
}

const KEY_ESCAPED: u16 = 1;
const IDENTITY: u16 = 1 << 1;
const IDENTITY_ESCAPED: u16 = 1 << 2;
const NAME: u16 = 1 << 3;
const NAME_ESCAPED: u16 = 1 << 4;
/// Where the state of `joinedAt` (then of `leftAt`) sits: three bits.
const JOINED_SHIFT: u16 = 5;
const LEFT_SHIFT: u16 = 8;
const SPILLED: u16 = 1 << 15;
/// Either timestamp is there but not a time (states 2 to 5).
const INVALID_TIMES: u16 = 0b110 << JOINED_SHIFT | 0b110 << LEFT_SHIFT;

/// The three bits of a timestamp's state: absent, a time, or why not.
pub(super) fn state(value: Option<TsValue<'_>>) -> (u16, i64) {
    match value {
        None => (0, 0),
        Some(TsValue::Ms(ms)) => (1, ms),
        Some(TsValue::Invalid { why, .. }) => (
            match why {
                Invalid::NotANumber => 2,
                Invalid::NotAnInteger => 3,
                Invalid::Negative => 4,
                Invalid::BeyondYear9999 => 5,
            },
            0,
        ),
    }
}

/// The value a state of [`state`] stands for; `raw` gives the text of a
/// value that is not a time.
pub(super) fn value_of<'a>(
    state: u16,
    ms: i64,
    raw: impl FnOnce() -> &'a [u8],
) -> Option<TsValue<'a>> {
    let why = match state {
        0 => return None,
        1 => return Some(TsValue::Ms(ms)),
        2 => Invalid::NotANumber,
        3 => Invalid::NotAnInteger,
        4 => Invalid::Negative,
        _ => Invalid::BeyondYear9999,
    };
    Some(TsValue::Invalid { raw: raw(), why })
}

/// The participants of one walked room, in input order.
#[derive(Debug, Default)]
pub struct Participants<'a> {
    text: &'a [u8],
    packed: Vec<Packed>,
    /// The rare participant that does not pack, kept whole.
    spilled: Vec<ParticipantRef<'a>>,
    /// Those that follow, found by a second walk of the same map: kept
    /// where that walk put them, as a copy would hold both at once.
    more: Option<Box<Participants<'a>>>,
}

impl<'a> Participants<'a> {
    /// Participants of the walked buffer `text`.
    pub fn new(text: &'a [u8]) -> Self {
        Participants {
            text,
            packed: Vec::new(),
            spilled: Vec::new(),
            more: None,
        }
    }

    pub fn len(&self) -> usize {
        self.packed.len() + self.more.as_ref().map_or(0, |more| more.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, p: &ParticipantRef<'a>) {
        if let Some(more) = &mut self.more {
            return more.push(p);
        }
        if self.packed.len() == self.packed.capacity() {
            self.grow(p.key.at);
        }
        match pack(p) {
            Some(packed) => self.packed.push(packed),
            None => {
                let index = self.spilled.len();
                self.packed.push(Packed {
                    key_at_low: index as u32,
                    key_at_high: (index >> 32) as u8,
                    flags: SPILLED,
                    ..EMPTY
                });
                self.spilled.push(*p);
            }
        }
    }

    /// Takes in the participants of `rest`, which follow these in the
    /// same text.
    pub fn append(&mut self, rest: Participants<'a>) {
        match &mut self.more {
            Some(more) => more.append(rest),
            None => self.more = Some(Box::new(rest)),
        }
    }

    /// Makes room for more records, the next one's key being at `at`.
    /// Records are over-aligned (to 32 bytes), and the allocator cannot grow
    /// an over-aligned block in place: each growth copies, and holds the
    /// old block and the new at once. So a large room grows by up to eight
    /// times at a step, as far as the rest of the text could hold
    /// participants (128 bytes each, about the smallest usual one): the
    /// pages of the room never filled are never touched, and cost nothing.
    #[cold]
    fn grow(&mut self, at: usize) {
        let len = self.packed.len();
        let fits = self.text.len().saturating_sub(at) / 128;
        let more = fits.clamp(len, len.saturating_mul(7)).max(16);
        self.packed.reserve_exact(more);
    }

    pub fn pop(&mut self) -> Option<ParticipantRef<'a>> {
        if let Some(more) = &mut self.more {
            if let Some(last) = more.pop() {
                return Some(last);
            }
            self.more = None;
        }
        let last = self.get(self.len().checked_sub(1)?);
        if self.packed.pop().is_some_and(|p| p.flags & SPILLED != 0) {
            self.spilled.pop();
        }
        last
    }

    /// The `joinedAt` and `leftAt` of the participant at `index`: what a
    /// sort by time reads, without rebuilding the rest.
    pub fn times(&self, index: usize) -> (Option<TsValue<'a>>, Option<TsValue<'a>>) {
        match self.locate(index) {
            Some((_, p)) if p.flags & (SPILLED | INVALID_TIMES) == 0 => {
                let ms = |shift: u16, value: i64| {
                    ((p.flags >> shift) & 0b111 == 1).then_some(TsValue::Ms(value))
                };
                (ms(JOINED_SHIFT, p.joined()), ms(LEFT_SHIFT, p.left()))
            }
            Some((part, p)) => part.rebuild(p).map_or((None, None), |p| (p.joined, p.left)),
            None => (None, None),
        }
    }

    /// Reads the record of each participant in `indices` and the first
    /// byte of its key, and nothing else. Rows listed out of input order
    /// miss the cache on both; in a loop this small the misses of many
    /// rows are in flight at once, where rebuilding each row first would
    /// wait for them one or two at a time. The result only keeps the
    /// loads from being optimised away.
    pub fn touch(&self, indices: &[usize]) -> usize {
        indices.iter().fold(0, |acc, &i| {
            let (text, at) = match self.locate(i) {
                Some((part, p)) if p.flags & SPILLED == 0 => (part.text, p.key_at()),
                _ => (self.text, 0),
            };
            acc ^ at ^ usize::from(text.get(at + 1).copied().unwrap_or(0))
        })
    }

    /// The part that holds the participant at `index` (this one, or one
    /// that a second walk added), and its record there.
    fn locate(&self, index: usize) -> Option<(&Self, &Packed)> {
        match self.packed.get(index) {
            Some(p) => Some((self, p)),
            None => self.more.as_ref()?.locate(index - self.packed.len()),
        }
    }

    /// The participant at `index`, rebuilt.
    pub fn get(&self, index: usize) -> Option<ParticipantRef<'a>> {
        let (part, p) = self.locate(index)?;
        part.rebuild(p)
    }

    /// The participant of record `p`, one of this part's.
    fn rebuild(&self, p: &Packed) -> Option<ParticipantRef<'a>> {
        if p.flags & SPILLED != 0 {
            return self.spilled.get(p.key_at()).copied();
        }
        let text = self.text;
        let key_at = p.key_at();
        let string = |at: usize, len: usize, escaped: u16| JStr {
            raw: text.get(at + 1..at + 1 + len).unwrap_or_default(),
            at,
            escaped: p.flags & escaped != 0,
        };
        let (key_len, identity_at) = unpair_12(p.key_len_identity_at);
        let (identity_len, name_at) = unpair_12(p.identity_len_name_at);
        let (name_len, joined_at) = unpair_12(p.name_len_joined_at);
        let after = |delta: usize| key_at + delta;
        let ts = |shift: u16, value: i64, at: usize, len: u8| {
            value_of((p.flags >> shift) & 0b111, value, || {
                let start = after(at);
                text.get(start..start + usize::from(len))
                    .unwrap_or_default()
            })
        };
        let left_at = usize::from(p.left_at);
        let joined = ts(JOINED_SHIFT, p.joined(), joined_at, p.joined_len);
        let left = ts(LEFT_SHIFT, p.left(), left_at, p.left_len);
        let span = |present: bool, at: usize, len: u8| {
            if present {
                (after(at), usize::from(len))
            } else {
                (0, 0)
            }
        };
        let (joined_offset, joined_len) = span(joined.is_some(), joined_at, p.joined_len);
        let (left_offset, left_len) = span(left.is_some(), left_at, p.left_len);
        Some(ParticipantRef {
            key: string(key_at, key_len, KEY_ESCAPED),
            identity: (p.flags & IDENTITY != 0)
                .then(|| string(after(identity_at), identity_len, IDENTITY_ESCAPED)),
            name: (p.flags & NAME != 0).then(|| string(after(name_at), name_len, NAME_ESCAPED)),
            joined,
            left,
            joined_offset,
            joined_len,
            left_offset,
            left_len,
        })
    }

    pub fn iter(&self) -> Iter<'_, 'a> {
        self.into_iter()
    }
}

const EMPTY: Packed = Packed {
    key_at_low: 0,
    joined_low: 0,
    left_low: 0,
    joined_high: 0,
    left_high: 0,
    flags: 0,
    left_at: 0,
    key_at_high: 0,
    joined_len: 0,
    left_len: 0,
    key_len_identity_at: [0; 3],
    identity_len_name_at: [0; 3],
    name_len_joined_at: [0; 3],
};

/// `p` in 32 bytes, or `None` when a text lies before its key, or is
/// further or longer than [`Packed`] holds.
fn pack(p: &ParticipantRef<'_>) -> Option<Packed> {
    let key_at = p.key.at;
    let after = |at: usize| at.checked_sub(key_at);
    let mut flags = if p.key.escaped { KEY_ESCAPED } else { 0 };
    let (mut identity_at, mut identity_len) = (0, 0);
    if let Some(identity) = p.identity {
        flags |= IDENTITY
            | if identity.escaped {
                IDENTITY_ESCAPED
            } else {
                0
            };
        (identity_at, identity_len) = (after(identity.at)?, identity.raw.len());
    }
    let (mut name_at, mut name_len) = (0, 0);
    if let Some(name) = p.name {
        flags |= NAME | if name.escaped { NAME_ESCAPED } else { 0 };
        (name_at, name_len) = (after(name.at)?, name.raw.len());
    }
    let (joined_state, joined) = state(p.joined);
    let (left_state, left) = state(p.left);
    flags |= joined_state << JOINED_SHIFT | left_state << LEFT_SHIFT;
    let span = |present: bool, at: usize, len: usize| -> Option<(usize, u8)> {
        if present {
            Some((after(at)?, u8::try_from(len).ok()?))
        } else {
            Some((0, 0))
        }
    };
    let (joined_at, joined_len) = span(p.joined.is_some(), p.joined_offset, p.joined_len)?;
    let (left_at, left_len) = span(p.left.is_some(), p.left_offset, p.left_len)?;
    let time = |ms: i64| split_48(u64::try_from(ms).ok()?);
    let ((joined_low, joined_high), (left_low, left_high)) = (time(joined)?, time(left)?);
    Some(Packed {
        key_at_low: key_at as u32,
        joined_low,
        left_low,
        joined_high,
        left_high,
        flags,
        left_at: u16::try_from(left_at).ok()?,
        key_at_high: u8::try_from(key_at >> 32).ok()?,
        joined_len,
        left_len,
        key_len_identity_at: pair_12(p.key.raw.len(), identity_at)?,
        identity_len_name_at: pair_12(identity_len, name_at)?,
        name_len_joined_at: pair_12(name_len, joined_at)?,
    })
}

impl<'p, 'a> IntoIterator for &'p Participants<'a> {
    type Item = ParticipantRef<'a>;
    type IntoIter = Iter<'p, 'a>;

    fn into_iter(self) -> Iter<'p, 'a> {
        Iter {
            participants: self,
            next: 0,
        }
    }
}

/// The participants of a room in input order, each rebuilt as it comes.
pub struct Iter<'p, 'a> {
    participants: &'p Participants<'a>,
    next: usize,
}

impl<'a> Iterator for Iter<'_, 'a> {
    type Item = ParticipantRef<'a>;

    fn next(&mut self) -> Option<ParticipantRef<'a>> {
        let p = self.participants.get(self.next)?;
        self.next += 1;
        Some(p)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.participants.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Iter<'_, '_> {}

/// The fields a timestamp's place names, by index.
const FIELDS: [&str; 7] = [
    "createdAt",
    "updatedAt",
    "deletedAt",
    "joinedAt",
    "leftAt",
    "timestamp",
    "",
];

/// A timestamp whose place is a room field, an event's field, a
/// participant's field or a track, with the texts it names within 4 GiB.
#[derive(Debug, Clone, Copy)]
struct PackedStamp {
    /// Absolute offset of the value.
    at: usize,
    /// The participant's key (relative offset of its quote), the event's
    /// index, or, for a spilled timestamp, its index in `spilled`.
    key_at: usize,
    /// The time, when it is one.
    ms: i64,
    len: u32,
    key_len: u32,
    /// A track's ID, from the key.
    sid_at: u32,
    sid_len: u32,
    kind: u8,
    field: u8,
    /// Bit 0: the key has escapes; bit 1: the track ID has.
    escaped: u8,
    /// The value's [`state`]: 1, a time, or why not.
    state: u8,
}

const _: () = assert!(std::mem::size_of::<PackedStamp>() == 48);

const EMPTY_STAMP: PackedStamp = PackedStamp {
    at: 0,
    key_at: 0,
    ms: 0,
    len: 0,
    key_len: 0,
    sid_at: 0,
    sid_len: 0,
    kind: ROOM,
    field: 0,
    escaped: 0,
    state: 0,
};

const ROOM: u8 = 0;
const EVENT: u8 = 1;
const PARTICIPANT: u8 = 2;
const TRACK: u8 = 3;
const SPILLED_STAMP: u8 = 4;

/// A room's timestamps, in the order of the text.
#[derive(Debug, Default)]
pub struct Timestamps<'a> {
    text: &'a [u8],
    /// Absolute offset of `text`.
    base: usize,
    packed: Vec<PackedStamp>,
    spilled: Vec<Timestamp<'a>>,
    /// Those that follow, found by a second walk of the same map: kept
    /// where that walk put them, as a copy would hold both at once.
    more: Option<Box<Timestamps<'a>>>,
}

impl<'a> Timestamps<'a> {
    /// Timestamps of the walked buffer `text`, which starts at `base`.
    pub fn new(text: &'a [u8], base: usize) -> Self {
        Timestamps {
            text,
            base,
            packed: Vec::new(),
            spilled: Vec::new(),
            more: None,
        }
    }

    pub fn len(&self) -> usize {
        self.packed.len() + self.more.as_ref().map_or(0, |more| more.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, t: Timestamp<'a>) {
        if let Some(more) = &mut self.more {
            return more.push(t);
        }
        match pack_stamp(&t) {
            Some(packed) => self.packed.push(packed),
            None => {
                self.packed.push(PackedStamp {
                    at: t.at,
                    key_at: self.spilled.len(),
                    kind: SPILLED_STAMP,
                    ..EMPTY_STAMP
                });
                self.spilled.push(t);
            }
        }
    }

    /// Takes in the timestamps of `rest`, which follow these in the same
    /// text.
    pub fn append(&mut self, rest: Timestamps<'a>) {
        match &mut self.more {
            Some(more) => more.append(rest),
            None => self.more = Some(Box::new(rest)),
        }
    }

    /// The timestamp at `index`, rebuilt.
    pub fn get(&self, index: usize) -> Option<Timestamp<'a>> {
        let Some(p) = self.packed.get(index) else {
            return self.more.as_ref()?.get(index - self.packed.len());
        };
        if p.kind == SPILLED_STAMP {
            return self.spilled.get(p.key_at).copied();
        }
        let text = self.text;
        let string = |at: usize, len: u32, escaped: bool| JStr {
            raw: text.get(at + 1..at + 1 + len as usize).unwrap_or_default(),
            at,
            escaped,
        };
        let field = FIELDS
            .get(usize::from(p.field))
            .copied()
            .unwrap_or_default();
        let key = || string(p.key_at, p.key_len, p.escaped & 1 != 0);
        let loc = match p.kind {
            ROOM => Place::Room(field),
            EVENT => Place::Event(p.key_at, field),
            PARTICIPANT => Place::Participant(key(), field),
            _ => Place::Track(
                key(),
                string(p.key_at + p.sid_at as usize, p.sid_len, p.escaped & 2 != 0),
            ),
        };
        let value = value_of(u16::from(p.state), p.ms, || {
            let start = p.at.wrapping_sub(self.base);
            text.get(start..start + p.len as usize).unwrap_or_default()
        })?;
        Some(Timestamp {
            loc,
            at: p.at,
            len: p.len as usize,
            value,
        })
    }

    /// The timestamps in input order, each rebuilt as it comes.
    pub fn iter(&self) -> impl Iterator<Item = Timestamp<'a>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// `t` in 48 bytes, or `None` for a place or text that does not pack.
fn pack_stamp(t: &Timestamp<'_>) -> Option<PackedStamp> {
    let small = |n: usize| u32::try_from(n).ok();
    let field_of = |name: &str| {
        FIELDS
            .iter()
            .position(|f| *f == name)
            .and_then(|i| u8::try_from(i).ok())
    };
    let (state, ms) = state(Some(t.value));
    let mut packed = PackedStamp {
        at: t.at,
        ms,
        len: small(t.len)?,
        state: state as u8,
        ..EMPTY_STAMP
    };
    match t.loc {
        Place::Room(field) => packed.field = field_of(field)?,
        Place::Event(index, field) => {
            (packed.kind, packed.key_at, packed.field) = (EVENT, index, field_of(field)?);
        }
        Place::Participant(key, field) => {
            packed.kind = PARTICIPANT;
            packed.field = field_of(field)?;
            (packed.key_at, packed.key_len) = (key.at, small(key.raw.len())?);
            packed.escaped = u8::from(key.escaped);
        }
        Place::Track(key, sid) => {
            packed.kind = TRACK;
            (packed.key_at, packed.key_len) = (key.at, small(key.raw.len())?);
            packed.sid_at = small(sid.at.checked_sub(key.at)?)?;
            packed.sid_len = small(sid.raw.len())?;
            packed.escaped = u8::from(key.escaped) | u8::from(sid.escaped) << 1;
        }
        Place::Key(_) => return None,
    }
    Some(packed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::{Collect, Options, Scratch, walk_room};

    /// The room walked from `text`, collecting its participants.
    fn walked(text: &[u8]) -> crate::walk::WalkedRoom<'_> {
        let opts = Options {
            rules: crate::rules::RuleSet::defaults(false),
            now_ms: 1_700_000_000_000,
            split: crate::walk::Split::Never,
            collect: Collect {
                participants: true,
                ..Collect::NOTHING
            },
        };
        match walk_room(text, 0, true, 0, None, &opts, &mut Scratch::default()) {
            Ok((room, _)) => room,
            Err(_) => panic!("the room walks"),
        }
    }

    /// Every field of a participant as text, so two can be compared.
    fn shown(p: &ParticipantRef<'_>, text: &[u8]) -> String {
        let span =
            |at: usize, len: usize| String::from_utf8_lossy(&text[at..at + len]).into_owned();
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            (p.key.decode(), p.key.at, p.key.escaped),
            p.identity.map(|s| (s.decode(), s.at, s.escaped)),
            p.name.map(|s| (s.decode(), s.at, s.escaped)),
            p.joined,
            p.left,
            p.joined.map(|_| span(p.joined_offset, p.joined_len)),
            p.left.map(|_| span(p.left_offset, p.left_len)),
        )
    }

    #[test]
    fn a_participant_reads_back_as_it_was_walked() {
        let text = br#"{"id":"r","participants":{
            "a\u0062":{"identity":"ab","name":"\u00e9mile","joinedAt":1700000000000,"leftAt":"soon"},
            "c":{"joinedAt":-5,"leftAt":1.5,"name":"C"},
            "d":{},
            "e":{"leftAt":99999999999999999,"identity":"x\ty","joinedAt":{"nested":[1,2]}},
            "f":{"joinedAt":"early","leftAt":1700000000000}
        }}"#;
        let text = text.as_slice();
        let room = walked(text);
        let people = &room.participants;
        assert_eq!(people.len(), 5);
        assert!(!people.is_empty() && Participants::new(text).is_empty());
        assert_eq!(
            people.times(4),
            (
                Some(TsValue::Invalid {
                    raw: b"\"early\"",
                    why: Invalid::NotANumber
                }),
                Some(TsValue::Ms(1_700_000_000_000))
            ),
            "an invalid joinedAt beside a valid leftAt"
        );
        // Every time as it was written, from the record and rebuilt.
        let invalid = |raw: &'static [u8], why| Some(TsValue::Invalid { raw, why });
        let expected = [
            (
                Some(TsValue::Ms(1_700_000_000_000)),
                invalid(b"\"soon\"", Invalid::NotANumber),
            ),
            (
                invalid(b"-5", Invalid::Negative),
                invalid(b"1.5", Invalid::NotAnInteger),
            ),
            (None, None),
            (
                invalid(br#"{"nested":[1,2]}"#, Invalid::NotANumber),
                invalid(b"99999999999999999", Invalid::BeyondYear9999),
            ),
            (
                invalid(b"\"early\"", Invalid::NotANumber),
                Some(TsValue::Ms(1_700_000_000_000)),
            ),
        ];
        for (i, times) in expected.iter().enumerate() {
            assert_eq!(people.times(i), *times, "times of {i}");
            let p = people.get(i).map(|p| (p.joined, p.left));
            assert_eq!(p, Some(*times), "participant {i}");
        }
        let mut iter = people.iter();
        assert_eq!((iter.len(), iter.size_hint()), (5, (5, Some(5))));
        iter.next();
        assert_eq!(iter.len(), 4);
        let all: Vec<String> = people.iter().map(|p| shown(&p, text)).collect();
        assert!(all[0].contains(r#"("ab", 39, true)"#), "{}", all[0]);
        assert!(all[0].contains(r#"Some(("émile""#), "{}", all[0]);
        assert!(
            all[1].starts_with(r#"("c", "#) && all[1].contains(r#", false) None Some(("C", "#),
            "{}",
            all[1]
        );
        assert!(all[0].contains(r#"Some("\"soon\"")"#), "{}", all[0]);
        assert!(
            all[1].contains("Negative") && all[1].contains("NotAnInteger"),
            "{}",
            all[1]
        );
        assert!(
            all[2].ends_with("None None None None None None"),
            "{}",
            all[2]
        );
        assert!(
            all[3].contains("BeyondYear9999") && all[3].contains("NotANumber"),
            "{}",
            all[3]
        );
        assert!(
            all[3].contains(r#"Some("{\"nested\":[1,2]}")"#),
            "{}",
            all[3]
        );
        // What is packed is what was walked: pushed again whole, it packs
        // to the same, and times are what the whole participant says.
        let mut again = Participants::new(text);
        for (i, p) in people.iter().enumerate() {
            again.push(&p);
            assert_eq!(people.times(i), (p.joined, p.left));
        }
        let again: Vec<String> = again.iter().map(|p| shown(&p, text)).collect();
        assert_eq!(again, all);
    }

    /// Offsets past 4 GiB and the last time there is keep their high bits;
    /// each 12-bit pair keeps both numbers.
    #[test]
    fn high_bits_of_offsets_and_times_are_kept() {
        let text = br#""k" "i" "n""#;
        let far = (0xAB << 32) + 7;
        let string = |at: usize, from: usize| JStr {
            raw: &text[from + 1..from + 2],
            at,
            escaped: false,
        };
        let last = 253_402_300_799_999;
        let p = ParticipantRef {
            identity: Some(string(far + 4_000, 4)),
            name: Some(string(far + 4_095, 8)),
            joined: Some(TsValue::Ms(last)),
            joined_offset: far + 4_095,
            joined_len: 255,
            left: Some(TsValue::Ms(last - 1)),
            left_offset: far + 65_535,
            left_len: 15,
            ..ParticipantRef::new(string(far, 0))
        };
        let Some(packed) = pack(&p) else {
            panic!("it packs");
        };
        assert_eq!(packed.key_at(), far);
        assert_eq!((packed.joined(), packed.left()), (last, last - 1));
        assert_eq!(unpair_12(packed.identity_len_name_at), (1, 4_095));
        assert_eq!(unpair_12(packed.name_len_joined_at), (1, 4_095));
        for (high, low) in [
            (0, 0),
            (4_095, 0),
            (0, 4_095),
            (4_095, 4_095),
            (1_234, 3_210),
        ] {
            assert_eq!(pair_12(high, low).map(unpair_12), Some((high, low)));
        }
        assert_eq!(pair_12(4_096, 0), None);
        assert_eq!(pair_12(0, 4_096), None);
    }

    /// Texts as long and as far from their key as a record holds pack;
    /// one byte more and the participant is kept whole. Both read back as
    /// they were written.
    #[test]
    fn texts_at_the_edges_of_a_record_pack_and_past_them_are_kept_whole() {
        const JOINED: &str = "1700000000000";
        const LEFT: &str = "1700000000001";
        // A member with its fields in the order given, `x` and `y` padding.
        let member = |key: &str, fields: &[(&str, String)]| {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!(r#""{k}":{v}"#))
                .collect();
            format!(r#""{key}":{{{}}}"#, fields.join(","))
        };
        let quoted = |text: String| format!("\"{text}\"");
        let pad = |len: usize| quoted(" ".repeat(len));
        // The padding that puts `value` `to` bytes after the key's quote.
        let padded = |key: &str, field: &str, value: &str, to: usize| {
            let plain = member(key, &[("x", pad(0)), (field, value.to_string())]);
            let at = plain.find(&format!(r#""{field}":"#)).unwrap_or_default() + field.len() + 3;
            member(key, &[("x", pad(to - at)), (field, value.to_string())])
        };
        let mut cases = Vec::new();
        for over in [0, 1] {
            let k = |name: &str| format!("{name}{over}");
            cases.push(member(&"k".repeat(4095 + over), &[]));
            let name = quoted("n".repeat(4095 + over));
            cases.push(member(
                &k("a"),
                &[("joinedAt", JOINED.into()), ("name", name)],
            ));
            cases.push(padded(&k("b"), "joinedAt", JOINED, 4095 + over));
            cases.push(padded(&k("c"), "leftAt", LEFT, 65_535 + over));
            let long = quoted("t".repeat(253 + over));
            cases.push(member(
                &k("d"),
                &[("joinedAt", long), ("leftAt", LEFT.into())],
            ));
        }
        let text = format!(r#"{{"id":"r","participants":{{{}}}}}"#, cases.join(","));
        let text = text.as_bytes();
        let room = walked(text);
        let people = &room.participants;
        let spilled: Vec<bool> = people
            .packed
            .iter()
            .map(|p| p.flags & SPILLED != 0)
            .collect();
        assert_eq!(spilled, [[false; 5], [true; 5]].concat());
        let span =
            |at: usize, len: usize| String::from_utf8_lossy(&text[at..at + len]).into_owned();
        for (p, case) in people.iter().zip(&cases) {
            let written = |field: &str| {
                let value = case.split(&format!(r#""{field}":"#)).nth(1)?;
                value.split([',', '}']).next().map(str::to_string)
            };
            assert_eq!(
                Some(p.key.decode().into_owned()),
                case.split('"').nth(1).map(str::to_string)
            );
            assert_eq!(
                p.name.map(|n| quoted(n.decode().into_owned())),
                written("name")
            );
            let joined = p.joined.map(|_| span(p.joined_offset, p.joined_len));
            assert_eq!(joined, written("joinedAt"), "{}", p.key.decode());
            let left = p.left.map(|_| span(p.left_offset, p.left_len));
            assert_eq!(left, written("leftAt"), "{}", p.key.decode());
            if left.is_some() {
                assert_eq!(p.left, Some(TsValue::Ms(1_700_000_000_001)));
            }
            if written("joinedAt").as_deref() == Some(JOINED) {
                assert_eq!(p.joined, Some(TsValue::Ms(1_700_000_000_000)));
            }
        }
        // The times a sort reads, from the record alone where it can.
        for i in 0..people.len() {
            let p = people.get(i).map(|p| (p.joined, p.left));
            assert_eq!(Some(people.times(i)), p, "times of {i}");
        }
    }

    #[test]
    fn a_participant_that_does_not_pack_is_kept_whole() {
        let text = br#""k" "i" "n" 1"#;
        let string = |at: usize, len: usize| JStr {
            raw: &text[at + 1..at + 1 + len],
            at,
            escaped: false,
        };
        // The identity before the key: no offset from the key reaches it.
        let odd = ParticipantRef {
            identity: Some(string(0, 1)),
            name: Some(string(8, 1)),
            joined: Some(TsValue::Ms(1)),
            joined_offset: 12,
            joined_len: 1,
            ..ParticipantRef::new(string(4, 1))
        };
        let plain = ParticipantRef::new(string(0, 1));
        let other = ParticipantRef { name: None, ..odd };
        let mut people = Participants::new(text);
        people.push(&plain);
        people.push(&other);
        people.push(&odd);
        people.push(&plain);
        assert_eq!(people.len(), 4);
        assert_eq!(people.spilled.len(), 2);
        let got = people.get(1).map(|p| shown(&p, text));
        assert_eq!(got, Some(shown(&other, text)));
        assert_eq!(people.pop().map(|p| p.key.at), Some(0));
        let got = people.get(2).map(|p| shown(&p, text));
        assert_eq!(got, Some(shown(&odd, text)));
        assert_eq!(people.times(2), (Some(TsValue::Ms(1)), None));
        assert_eq!(people.pop().map(|p| p.key.at), Some(4));
        assert_eq!(people.spilled.len(), 1);
        assert_eq!(people.pop().map(|p| p.key.at), Some(4));
        assert!(people.spilled.is_empty());
        assert_eq!(people.get(1).map(|p| p.key.at), None);
    }

    #[test]
    fn a_large_room_grows_in_few_steps_and_no_further_than_its_text_allows() {
        // 20,000 keys of 20 bytes: the text could hold 160 participants of
        // 128 bytes, and far more of these.
        let key = |i: usize| format!("\"p{i:017}\"");
        let text: String = (0..20_000).map(key).collect();
        let text = text.as_bytes();
        let mut people = Participants::new(text);
        let mut grown = Vec::new();
        for i in 0..20_000 {
            let at = i * 20;
            people.push(&ParticipantRef::new(JStr {
                raw: &text[at + 1..at + 19],
                at,
                escaped: false,
            }));
            if grown.last() != Some(&people.packed.capacity()) {
                grown.push(people.packed.capacity());
            }
        }
        // Eight times a step while the rest of the text has room for as
        // many (3,122 at the first step, 2,965 at 1,024), then as many as
        // it has room for, then doubling.
        assert_eq!(grown, [16, 128, 1024, 3989, 7978, 15_956, 31_912]);
        // A room with its participants far apart grows to what the rest
        // of the text could hold at 128 bytes each, in one step.
        let wide = vec![b' '; 1 << 18];
        let mut people = Participants::new(&wide);
        let blank = ParticipantRef::new(JStr {
            raw: &wide[1..2],
            at: 0,
            escaped: false,
        });
        for _ in 0..1024 {
            people.push(&blank);
        }
        assert_eq!(people.packed.capacity(), 1024);
        people.push(&blank);
        assert_eq!(people.packed.capacity(), 1024 + (1 << 18) / 128);
        assert_eq!(people.len(), 1025);
    }

    #[test]
    fn a_timestamp_reads_back_as_it_was_pushed() {
        // The buffer starts 100 bytes into the input: values are absolute,
        // keys relative to the buffer, as the walker gives them.
        let base = 100;
        let text = br#""k\"1" "t1" 1700000000000 "soon" -5 1.5 99999999999999999 "s\"2""#;
        let rel = |needle: &[u8]| {
            text.windows(needle.len())
                .position(|w| w == needle)
                .unwrap_or(usize::MAX)
        };
        let key = JStr {
            raw: &text[1..5],
            at: 0,
            escaped: true,
        };
        let sid = JStr {
            raw: &text[8..10],
            at: 7,
            escaped: false,
        };
        // An unescaped key, and a track ID with an escape after it.
        let plain = sid;
        let escaped_sid = JStr {
            raw: &text[59..63],
            at: 58,
            escaped: true,
        };
        assert_eq!(escaped_sid.raw, br#"s\"2"#);
        let value = |needle: &'static [u8], why: Option<Invalid>| {
            let at = rel(needle);
            let raw = &text[at..at + needle.len()];
            let value = match why {
                None => TsValue::Ms(1_700_000_000_000),
                Some(why) => TsValue::Invalid { raw, why },
            };
            (base + at, needle.len(), value)
        };
        let stamp = |loc: Place<'static>, (at, len, value)| Timestamp {
            loc,
            at,
            len,
            value,
        };
        let ms: &[u8] = b"1700000000000";
        let all = [
            stamp(Place::Room("createdAt"), value(ms, None)),
            stamp(
                Place::Event(7, "timestamp"),
                value(b"\"soon\"", Some(Invalid::NotANumber)),
            ),
            stamp(
                Place::Participant(key, "joinedAt"),
                value(b"-5", Some(Invalid::Negative)),
            ),
            stamp(
                Place::Participant(key, "leftAt"),
                value(b"1.5", Some(Invalid::NotAnInteger)),
            ),
            stamp(
                Place::Track(key, sid),
                value(b"99999999999999999", Some(Invalid::BeyondYear9999)),
            ),
            stamp(Place::Participant(plain, "leftAt"), value(ms, None)),
            stamp(Place::Track(plain, escaped_sid), value(ms, None)),
            // A whole participant, and a field no table names: kept whole.
            stamp(Place::Key(key), value(ms, None)),
            stamp(Place::Room("deletedAt"), value(ms, None)),
            stamp(Place::Room("elsewhen"), value(ms, None)),
            stamp(Place::Event(0, ""), value(ms, None)),
        ];
        let mut stamps = Timestamps::new(text, base);
        for t in all {
            stamps.push(t);
        }
        assert_eq!(stamps.len(), all.len());
        assert!(!stamps.is_empty() && Timestamps::new(text, base).is_empty());
        assert_eq!(stamps.spilled.len(), 2);
        let shown = |t: &Timestamp<'_>| format!("{t:?}");
        let expected: Vec<String> = all.iter().map(shown).collect();
        let got: Vec<String> = stamps.iter().map(|t| shown(&t)).collect();
        assert_eq!(got, expected);
        assert!(stamps.get(all.len()).is_none());
    }
}
