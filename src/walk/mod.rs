//! One pass over one room: builds what the commands need, records where each
//! value sits, notices duplicate keys at every level and keeps going after a
//! type error, so `validate` can report every problem in one run.

use crate::diag::{Finding, Rule, Severity};
use crate::json::lexer::{JNum, JStr, Kind, Lexed, Lexer, MAX_DEPTH, NumValue};
use crate::term::quoted;
use crate::time;

/// The largest millisecond timestamp before year 10000.
pub const MAX_MS: i64 = 253_402_300_799_999;
/// Values in this range read as ms fall before 1973 but read as seconds
/// fall between 1973 and 5138: the media server's seconds (SPEC.md).
pub const SECONDS_LIKE: std::ops::Range<i64> = 100_000_000..100_000_000_000;
/// JavaScript clients lose integer precision beyond this.
const JS_SAFE_INT: i64 = (1 << 53) - 1;

#[derive(Debug, Clone, Copy, Default)]
pub struct Collect {
    pub participants: bool,
    pub timestamps: bool,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub strict: bool,
    pub now_ms: i64,
    pub collect: Collect,
}

/// A timestamp field's value as far as a reader can use it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TsValue<'a> {
    /// Milliseconds in range (0 ..= year 9999).
    Ms(i64),
    /// Anything else: wrong type, negative, beyond 9999, not integral where
    /// that is required. Holds the text as written.
    Invalid { raw: &'a [u8], why: Invalid },
}

/// Why a timestamp value cannot be read as a time; one byte, so a
/// participant's two timestamps stay small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    NotANumber,
    NotAnInteger,
    Negative,
    BeyondYear9999,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Invalid::NotANumber => "not a number",
            Invalid::NotAnInteger => "not an integer",
            Invalid::Negative => "negative",
            Invalid::BeyondYear9999 => "beyond year 9999",
        })
    }
}

/// Where a timestamp sits, kept cheap and turned into a pointer on demand.
#[derive(Debug, Clone, Copy)]
pub enum TsLoc<'a> {
    Room(&'static str),
    Event(usize),
    Participant(JStr<'a>, &'static str),
    Track(JStr<'a>, JStr<'a>),
}

#[derive(Debug, Clone, Copy)]
pub struct Timestamp<'a> {
    pub loc: TsLoc<'a>,
    /// Byte span of the value in the input.
    pub at: usize,
    pub len: usize,
    pub value: TsValue<'a>,
}

#[derive(Debug, Clone, Copy)]
pub struct ParticipantRef<'a> {
    pub key: JStr<'a>,
    pub identity: Option<JStr<'a>>,
    pub name: Option<JStr<'a>>,
    pub joined: Option<TsValue<'a>>,
    pub left: Option<TsValue<'a>>,
}

/// What one pass over one room found.
#[derive(Debug, Default)]
pub struct WalkedRoom<'a> {
    /// The room's pointer prefix: `/3` for the fourth room of an array.
    pub index_in_array: Option<usize>,
    pub is_object: bool,
    pub id: Option<JStr<'a>>,
    /// Room timestamps that passed their checks.
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub egress_id: Option<JStr<'a>>,
    pub participants_seen: bool,
    pub participants: Vec<ParticipantRef<'a>>,
    pub timestamps: Vec<Timestamp<'a>>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(JStr<'a>),
    Index(usize),
}

/// Objects up to this many keys are checked for duplicates pairwise.
const SMALL_OBJECT: usize = 16;

/// The keys of one object so far. Small objects (participants, tracks) are
/// compared pairwise as keys arrive. A large one (the participants map)
/// keeps (hash, offset) pairs, 16 bytes a key, hashed while the key is in
/// cache and sorted once at the end: a hash table would miss the cache on
/// every insert, and growing it would re-hash keys scattered over the input.
#[derive(Default)]
struct KeySet {
    /// Hash and offset of each key; equal hashes are compared as text.
    small: Vec<(u64, usize)>,
    large: Vec<(u64, usize)>,
}

impl KeySet {
    fn clear(&mut self) {
        self.small.clear();
        self.large.clear();
    }

    /// The earlier key equal to `key`, if the object is small enough to
    /// know at once.
    #[inline]
    fn insert<'a>(&mut self, key: JStr<'a>, buf: &'a [u8]) -> Option<JStr<'a>> {
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

    /// Every (first, repeat) pair among the keys of a large object. A
    /// bitset (16 bits a key) finds the few hashes seen twice in one pass;
    /// only their keys are sorted and compared.
    fn repeats<'a>(&mut self, buf: &'a [u8]) -> Vec<(JStr<'a>, JStr<'a>)> {
        let mut pairs = Vec::new();
        if self.large.is_empty() {
            return pairs;
        }
        let bits = (self.large.len() * 16).next_power_of_two().max(64);
        let shift = 64 - bits.trailing_zeros();
        let slot = |hash: u64| ((hash >> shift) as usize / 64, 1u64 << (hash & 63));
        let mut seen = vec![0u64; bits / 64];
        let mut twice = vec![0u64; bits / 64];
        let mut any_twice = false;
        for &(hash, _) in &self.large {
            let (word, bit) = slot(hash);
            if seen[word] & bit != 0 {
                twice[word] |= bit;
                any_twice = true;
            }
            seen[word] |= bit;
        }
        if !any_twice {
            return pairs;
        }
        let mut suspects: Vec<(u64, usize)> = self
            .large
            .iter()
            .copied()
            .filter(|&(hash, _)| {
                let (word, bit) = slot(hash);
                twice[word] & bit != 0
            })
            .collect();
        suspects.sort_unstable();
        for run in suspects.chunk_by(|a, b| a.0 == b.0) {
            if run.len() < 2 {
                continue;
            }
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

struct Walker<'a, 'o> {
    sc: Lexer<'a>,
    /// Absolute offset of `sc.buf[0]` in the input.
    base: usize,
    opts: &'o Options,
    path: Vec<Seg<'a>>,
    keysets: Vec<KeySet>,
    out: WalkedRoom<'a>,
}

/// The type a field of a known-shape object should have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    Number,
    /// A number of Unix milliseconds, with the timestamp rules.
    Time,
}

const TRACK_FIELDS: [(&str, Shape); 5] = [
    ("sid", Shape::Text),
    ("mimeType", Shape::Text),
    ("width", Shape::Number),
    ("height", Shape::Number),
    ("timestamp", Shape::Time),
];

const EVENT_FIELDS: [(&str, Shape); 2] = [("eventName", Shape::Text), ("timestamp", Shape::Time)];

/// Every field a room may have, admin-view ones included.
const ROOM_KEYS: [&str; 9] = [
    "id",
    "createdAt",
    "updatedAt",
    "egressId",
    "participants",
    "userId",
    "deleted",
    "deletedAt",
    "events",
];

/// What an unknown-field message lists as expected.
const ROOM_FIELDS: &str = "id, createdAt, updatedAt, egressId, participants";
const PARTICIPANT_FIELDS: &str = "identity, name, joinedAt, leftAt";
/// The participant fields checked for repeats by slot, in slot order.
const PARTICIPANT_KEYS: [&str; 5] = ["identity", "name", "joinedAt", "leftAt", "tracksPublished"];

/// Buffers kept from one room to the next, so a stream of small rooms does
/// not allocate them again for every room.
#[derive(Default)]
pub struct Scratch {
    path: Vec<Seg<'static>>,
    keysets: Vec<KeySet>,
}

/// Scans the room value at `pos`. On `Incomplete` nothing of the attempt is
/// kept and the caller retries with more input.
pub fn walk_room<'a>(
    buf: &'a [u8],
    pos: usize,
    eof: bool,
    base: usize,
    index_in_array: Option<usize>,
    opts: &Options,
    scratch: &mut Scratch,
) -> Lexed<(WalkedRoom<'a>, usize)> {
    let mut walker = Walker {
        sc: Lexer::new(buf, pos, eof),
        base,
        opts,
        // An empty Vec<Seg<'static>> is a Vec<Seg<'a>> (covariance).
        path: std::mem::take(&mut scratch.path),
        keysets: std::mem::take(&mut scratch.keysets),
        out: WalkedRoom {
            index_in_array,
            ..WalkedRoom::default()
        },
    };
    walker.path.clear();
    if let Some(i) = index_in_array {
        walker.path.push(Seg::Index(i));
    }
    let result = walker.room();
    // Hand the buffers back. The path is empty, so the map never runs; it
    // only changes the lifetime, and the in-place collect keeps the
    // allocation.
    walker.path.clear();
    scratch.path = std::mem::take(&mut walker.path)
        .into_iter()
        .map(|_| Seg::Index(0))
        .collect();
    scratch.keysets = std::mem::take(&mut walker.keysets);
    result?;
    let end = walker.sc.pos;
    Ok((walker.out, end))
}

impl<'a> Walker<'a, '_> {
    fn pointer(&self) -> String {
        let mut p = String::new();
        for seg in &self.path {
            p.push('/');
            match seg {
                Seg::Key(k) => push_pointer_token(&mut p, &k.decode()),
                Seg::Index(i) => p.push_str(&i.to_string()),
            }
        }
        p
    }

    fn find(&mut self, severity: Severity, rule: Rule, at: usize, message: String) {
        let pointer = self.pointer();
        self.out.findings.push(Finding {
            severity,
            rule,
            at: self.base + at,
            pointer,
            message,
            first_at: None,
        });
    }

    /// A finding about `field` of the current object, which the path does
    /// not hold yet.
    fn find_field(
        &mut self,
        field: &'static str,
        severity: Severity,
        rule: Rule,
        at: usize,
        message: String,
    ) {
        self.path.push(Seg::Key(JStr {
            raw: field.as_bytes(),
            at,
            escaped: false,
        }));
        self.find(severity, rule, at, message);
        self.path.pop();
    }

    fn error(&mut self, rule: Rule, at: usize, message: String) {
        self.find(Severity::Error, rule, at, message);
    }

    fn warn(&mut self, rule: Rule, at: usize, message: String) {
        self.find(Severity::Warning, rule, at, message);
    }

    fn room(&mut self) -> Lexed<()> {
        let kind = self.sc.peek_kind("a room (a JSON object)")?;
        let at = self.sc.pos;
        if kind != Kind::Object {
            let found = self.any_value()?;
            self.error(
                Rule::Type,
                at,
                format!("expected a room (a JSON object), found {found}"),
            );
            return Ok(());
        }
        self.out.is_object = true;
        let mut created: Option<(i64, usize)> = None;
        let mut updated: Option<(i64, usize)> = None;
        let level = self.open_object();
        // Known fields are checked for repeats by slot, as in participants.
        let mut known: [Option<JStr<'a>>; 9] = [None; 9];
        let mut first = true;
        while let Some(key) = self.sc.next_key(first)? {
            first = false;
            let name = key.name();
            let slot = ROOM_KEYS.iter().position(|k| k.as_bytes() == name.as_ref());
            self.record_key(slot.map(|i| &mut known[i]), level, key);
            self.path.push(Seg::Key(key));
            match name.as_ref() {
                b"id" => {
                    self.out.id = self.string_field("a string (the room ID)")?;
                }
                b"createdAt" => {
                    created = self.room_ts("createdAt")?;
                }
                b"updatedAt" => {
                    updated = self.room_ts("updatedAt")?;
                }
                b"egressId" => {
                    self.out.egress_id = self.string_field("a string (the egress ID)")?;
                }
                b"participants" => {
                    self.out.participants_seen = true;
                    if self.sc.peek_kind("a value")? == Kind::Object {
                        self.participants()?;
                    } else {
                        self.type_error("an object mapping identity to participant")?;
                    }
                }
                b"userId" | b"deleted" | b"deletedAt" | b"events" => {
                    self.admin_field(key, "room");
                    match name.as_ref() {
                        b"userId" => {
                            self.string_field("a string (the owner's user ID)")?;
                        }
                        b"deleted" => self.bool_field()?,
                        b"deletedAt" => {
                            self.room_ts("deletedAt")?;
                        }
                        _ => self.events()?,
                    }
                }
                _ => {
                    self.unknown_field(key, ROOM_FIELDS);
                    self.any_value()?;
                }
            }
            self.path.pop();
            if !self.sc.more_members()? {
                break;
            }
        }
        self.close_object(level);
        self.out.created_at = created.map(|(ms, _)| ms);
        self.out.updated_at = updated.map(|(ms, _)| ms);
        for (present, field, what) in [
            // known[0] is "id", the first of ROOM_KEYS.
            (known[0].is_some(), "id", "a string, the room ID"),
            (
                self.out.participants_seen,
                "participants",
                "an object mapping identity to participant; may be {}",
            ),
        ] {
            if !present {
                self.find_field(
                    field,
                    Severity::Error,
                    Rule::MissingField,
                    at,
                    format!("missing required field \"{field}\" ({what})"),
                );
            }
        }
        if let (Some((c, _)), Some((u, at))) = (created, updated)
            && u < c
        {
            self.find_field(
                "updatedAt",
                Severity::Warning,
                Rule::UpdatedBeforeCreated,
                at,
                format!(
                    "updatedAt {} is before createdAt {}",
                    time::utc_ms(u),
                    time::utc_ms(c)
                ),
            );
        }
        Ok(())
    }

    fn participants(&mut self) -> Lexed<()> {
        let level = self.open_object();
        // The scanner stays in a local across the whole map.
        let mut sc = self.sc;
        let mut first = true;
        while let Some(key) = sc.next_key(first)? {
            first = false;
            self.note_key(level, key);
            self.path.push(Seg::Key(key));
            if sc.peek_byte() == Some(b'{') {
                self.participant(key, &mut sc)?;
            } else {
                self.sc = sc;
                self.type_error("an object (a participant)")?;
                sc = self.sc;
            }
            self.path.pop();
            if !sc.more_members()? {
                break;
            }
        }
        self.sc = sc;
        self.close_object(level);
        Ok(())
    }

    /// One participant. The common fields of the common types are read
    /// with the scanner held in a local (kept in registers); anything else
    /// hands the scanner back to the general walk for that one field.
    #[inline]
    fn participant(&mut self, key: JStr<'a>, sc: &mut Lexer<'a>) -> Lexed<()> {
        let mut p = ParticipantRef {
            key,
            identity: None,
            name: None,
            joined: None,
            left: None,
        };
        let mut left_at = 0;
        // Known fields are checked for repeats by slot, which is cheaper
        // than comparing keys pairwise; other keys go through the key set.
        let mut known: [Option<JStr<'a>>; 5] = [None; 5];
        sc.pos += 1;
        let level = self.keyset_level();
        let mut first = true;
        while let Some(field) = sc.next_key(first)? {
            first = false;
            let name = field.name();
            match (name.as_ref(), sc.peek_byte()) {
                (b"identity", Some(b'"')) if known[0].is_none() => {
                    known[0] = Some(field);
                    p.identity = Some(sc.string()?);
                }
                (b"name", Some(b'"')) if known[1].is_none() => {
                    known[1] = Some(field);
                    p.name = Some(sc.string()?);
                }
                (b"joinedAt", Some(b'-' | b'0'..=b'9')) if known[2].is_none() => {
                    known[2] = Some(field);
                    let n = sc.number()?;
                    p.joined = Some(self.quick_timestamp(
                        n,
                        "joinedAt",
                        TsLoc::Participant(key, "joinedAt"),
                        true,
                    ));
                }
                (b"leftAt", Some(b'-' | b'0'..=b'9')) if known[3].is_none() => {
                    known[3] = Some(field);
                    let n = sc.number()?;
                    left_at = n.at;
                    p.left = Some(self.quick_timestamp(
                        n,
                        "leftAt",
                        TsLoc::Participant(key, "leftAt"),
                        true,
                    ));
                }
                _ => {
                    self.sc = *sc;
                    let slot = PARTICIPANT_KEYS
                        .iter()
                        .position(|k| k.as_bytes() == name.as_ref());
                    self.record_key(slot.map(|i| &mut known[i]), level, field);
                    self.path.push(Seg::Key(field));
                    self.participant_field(&mut p, &mut left_at, field)?;
                    self.path.pop();
                    *sc = self.sc;
                }
            }
            if !sc.more_members()? {
                break;
            }
        }
        self.close_object(level);
        self.participant_done(key, p, left_at);
        Ok(())
    }

    /// A timestamp read on the fast path: the same checks and records as
    /// `timestamp`, with the path extended only for this call.
    fn quick_timestamp(
        &mut self,
        n: JNum<'a>,
        field: &'static str,
        loc: TsLoc<'a>,
        integer_only: bool,
    ) -> TsValue<'a> {
        let value = match n.value {
            // Most timestamps: no rule has anything to say, so the path
            // need not be extended for a pointer.
            NumValue::Int(ms)
                if (SECONDS_LIKE.end..=self.opts.now_ms.min(MAX_MS)).contains(&ms) =>
            {
                TsValue::Ms(ms)
            }
            _ => {
                self.path.push(Seg::Key(JStr {
                    raw: field.as_bytes(),
                    at: n.at,
                    escaped: false,
                }));
                let value = self.check_timestamp(n, integer_only);
                self.path.pop();
                value
            }
        };
        self.record_timestamp(loc, n.at, n.raw.len(), value);
        value
    }

    /// Keeps a timestamp for the `timestamps` command.
    #[inline]
    fn record_timestamp(&mut self, loc: TsLoc<'a>, at: usize, len: usize, value: TsValue<'a>) {
        if self.opts.collect.timestamps {
            self.out.timestamps.push(Timestamp {
                loc,
                at: self.base + at,
                len,
                value,
            });
        }
    }

    /// Any field of a participant, of any type, repeated or unknown; the
    /// key is recorded and the path holds it.
    fn participant_field(
        &mut self,
        p: &mut ParticipantRef<'a>,
        left_at: &mut usize,
        field: JStr<'a>,
    ) -> Lexed<()> {
        let key = p.key;
        match field.name().as_ref() {
            b"identity" => {
                p.identity = self.string_field("a string (the participant ID)")?;
            }
            b"name" => {
                p.name = self.string_field("a string (the display name)")?;
            }
            b"joinedAt" => {
                p.joined = Some(self.timestamp(TsLoc::Participant(key, "joinedAt"), true)?);
            }
            b"leftAt" => {
                self.sc.skip_ws();
                *left_at = self.sc.pos;
                p.left = Some(self.timestamp(TsLoc::Participant(key, "leftAt"), true)?);
            }
            b"tracksPublished" => {
                self.admin_field(field, "participant");
                self.tracks(key)?;
            }
            _ => {
                self.unknown_field(field, PARTICIPANT_FIELDS);
                self.any_value()?;
            }
        }
        Ok(())
    }

    /// The checks that need the whole participant.
    fn participant_done(&mut self, key: JStr<'a>, p: ParticipantRef<'a>, left_at: usize) {
        if let Some(identity) = p.identity
            && !identity.same_text(&key)
        {
            self.find_field(
                "identity",
                Severity::Warning,
                Rule::KeyIdentityMismatch,
                identity.at,
                format!(
                    "identity {} differs from its key {}; the server keys participants by identity",
                    quoted(&identity.decode()),
                    quoted(&key.decode())
                ),
            );
        }
        if let (Some(TsValue::Ms(j)), Some(TsValue::Ms(l))) = (p.joined, p.left)
            && l < j
        {
            self.find_field(
                "leftAt",
                Severity::Warning,
                Rule::LeftBeforeJoined,
                left_at,
                format!(
                    "leftAt {} is before joinedAt {}",
                    time::utc_ms(l),
                    time::utc_ms(j)
                ),
            );
        }
        if self.opts.collect.participants {
            self.out.participants.push(p);
        }
    }

    fn tracks(&mut self, participant: JStr<'a>) -> Lexed<()> {
        if self.sc.peek_kind("a value")? != Kind::Object {
            return self.type_error("an object mapping track SID to track");
        }
        let level = self.open_object();
        let mut first = true;
        while let Some(sid) = self.sc.next_key(first)? {
            first = false;
            self.note_key(level, sid);
            self.path.push(Seg::Key(sid));
            if self.sc.peek_kind("a value")? == Kind::Object {
                self.shaped(&TRACK_FIELDS, TsLoc::Track(participant, sid))?;
            } else {
                self.type_error("an object (a published track)")?;
            }
            self.path.pop();
            if !self.sc.more_members()? {
                break;
            }
        }
        self.close_object(level);
        Ok(())
    }

    /// An object of known shape (a published track, an event), read like
    /// a participant: the common fields of the expected types with a local
    /// scanner, anything else (another type, a repeat, an unknown field)
    /// through the general walk. `loc` places its timestamp.
    fn shaped(&mut self, fields: &[(&'static str, Shape)], loc: TsLoc<'a>) -> Lexed<()> {
        let mut known: [Option<JStr<'a>>; 8] = [None; 8];
        let level = self.open_object();
        let mut sc = self.sc;
        let mut first = true;
        while let Some(field) = sc.next_key(first)? {
            first = false;
            let name = field.name();
            let slot = fields
                .iter()
                .position(|(f, _)| f.as_bytes() == name.as_ref());
            let fresh = slot.is_some_and(|i| known[i].is_none());
            let shape = slot.map(|i| fields[i]);
            match (shape, sc.peek_byte()) {
                (Some((_, Shape::Text)), Some(b'"')) if fresh => {
                    sc.string()?;
                }
                (Some((_, Shape::Number)), Some(b'-' | b'0'..=b'9')) if fresh => {
                    let n = sc.number()?;
                    if is_unsafe_integer(&n) {
                        self.path.push(Seg::Key(field));
                        self.check_precision(&n);
                        self.path.pop();
                    }
                }
                (Some((name, Shape::Time)), Some(b'-' | b'0'..=b'9')) if fresh => {
                    let n = sc.number()?;
                    self.quick_timestamp(n, name, loc, false);
                }
                _ => {
                    self.sc = sc;
                    self.record_key(slot.map(|i| &mut known[i]), level, field);
                    self.path.push(Seg::Key(field));
                    match shape {
                        Some((_, Shape::Text)) => self.string_field("a string").map(drop)?,
                        Some((_, Shape::Number)) => self.number_field()?,
                        Some((_, Shape::Time)) => self.timestamp(loc, false).map(drop)?,
                        None => self.any_value().map(drop)?,
                    }
                    self.path.pop();
                    sc = self.sc;
                }
            }
            if let Some(i) = slot
                && known[i].is_none()
            {
                known[i] = Some(field);
            }
            if !sc.more_members()? {
                break;
            }
        }
        self.sc = sc;
        self.close_object(level);
        Ok(())
    }

    fn events(&mut self) -> Lexed<()> {
        if self.sc.peek_kind("a value")? != Kind::Array {
            return self.type_error("an array of events");
        }
        self.sc.pos += 1;
        let mut index = 0;
        while self.sc.more_elements(index == 0)? {
            self.depth_check()?;
            self.path.push(Seg::Index(index));
            if self.sc.peek_kind("a value")? == Kind::Object {
                self.shaped(&EVENT_FIELDS, TsLoc::Event(index))?;
            } else {
                self.type_error("an object (an event)")?;
            }
            self.path.pop();
            index += 1;
        }
        Ok(())
    }

    /// The members of an object of no known shape, each walked as any
    /// value, with duplicate checks.
    fn any_members(&mut self) -> Lexed<()> {
        let level = self.open_object();
        let mut first = true;
        while let Some(key) = self.sc.next_key(first)? {
            first = false;
            self.note_key(level, key);
            self.path.push(Seg::Key(key));
            self.any_value()?;
            self.path.pop();
            if !self.sc.more_members()? {
                break;
            }
        }
        self.close_object(level);
        Ok(())
    }

    fn admin_field(&mut self, key: JStr<'a>, of: &str) {
        if self.opts.strict {
            self.error(
                Rule::UnknownField,
                key.at,
                format!(
                    "unknown field {} (an admin-view {of} field, accepted without --strict)",
                    quoted(&key.decode())
                ),
            );
        }
    }

    fn unknown_field(&mut self, key: JStr<'a>, known: &str) {
        if self.opts.strict {
            self.error(
                Rule::UnknownField,
                key.at,
                format!(
                    "unknown field {}; expected one of {known}",
                    quoted(&key.decode())
                ),
            );
        }
    }

    fn depth_check(&self) -> Lexed<()> {
        if self.path.len() >= MAX_DEPTH {
            return self.sc.syntax(
                self.sc.pos,
                format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
            );
        }
        Ok(())
    }

    fn open_object(&mut self) -> usize {
        self.sc.pos += 1;
        self.keyset_level()
    }

    /// The cleared key set for an object at the current depth.
    fn keyset_level(&mut self) -> usize {
        let depth = self.path.len();
        while self.keysets.len() <= depth {
            self.keysets.push(KeySet::default());
        }
        self.keysets[depth].clear();
        depth
    }

    /// Records a known field in its slot; a second one is a duplicate.
    #[inline]
    /// Records a key of the object at `level` before the path enters it:
    /// a known field in its slot, any other key in the object's key set.
    /// A repeat is reported at once (for a large object's key set, when
    /// the object closes).
    fn record_key(&mut self, slot: Option<&mut Option<JStr<'a>>>, level: usize, key: JStr<'a>) {
        match slot {
            Some(Some(first)) => {
                let first = *first;
                self.duplicate(first, key);
            }
            Some(empty) => *empty = Some(key),
            None => self.note_key(level, key),
        }
    }

    /// Records a key of the object at `level`, reporting it at once if it
    /// repeats an earlier one of a small object.
    #[inline]
    fn note_key(&mut self, level: usize, key: JStr<'a>) {
        if let Some(first) = self.keysets[level].insert(key, self.sc.buf) {
            self.duplicate(first, key);
        }
    }

    /// Reports the repeated keys of a large object.
    #[inline]
    fn close_object(&mut self, level: usize) {
        if self.keysets[level].large.is_empty() {
            return;
        }
        for (first, repeat) in self.keysets[level].repeats(self.sc.buf) {
            self.duplicate(first, repeat);
        }
    }

    fn duplicate(&mut self, first: JStr<'a>, second: JStr<'a>) {
        self.path.push(Seg::Key(second));
        let pointer = self.pointer();
        self.path.pop();
        self.out.findings.push(Finding {
            severity: Severity::Error,
            rule: Rule::DuplicateKey,
            at: self.base + second.at,
            pointer,
            message: format!(
                "duplicate key {}; a JSON parser keeps only the last one, hiding the other",
                quoted(&second.decode())
            ),
            first_at: Some(self.base + first.at),
        });
    }

    /// A string field; a value of another type is a type error.
    fn string_field(&mut self, expected: &str) -> Lexed<Option<JStr<'a>>> {
        if self.sc.peek_kind("a value")? == Kind::String {
            return self.sc.string().map(Some);
        }
        self.type_error(expected)?;
        Ok(None)
    }

    fn bool_field(&mut self) -> Lexed<()> {
        if self.sc.peek_kind("a value")? == Kind::Bool {
            return self.sc.literal().map(drop);
        }
        self.type_error("a boolean")
    }

    fn number_field(&mut self) -> Lexed<()> {
        if self.sc.peek_kind("a value")? == Kind::Number {
            let n = self.sc.number()?;
            self.check_precision(&n);
            return Ok(());
        }
        self.type_error("a number")
    }

    fn type_error(&mut self, expected: &str) -> Lexed<()> {
        self.sc.skip_ws();
        let at = self.sc.pos;
        let found = self.any_value()?;
        self.error(
            Rule::Type,
            at,
            format!("expected {expected}, found {found}"),
        );
        Ok(())
    }

    /// A room-level timestamp: its value and offset when it is usable.
    fn room_ts(&mut self, field: &'static str) -> Lexed<Option<(i64, usize)>> {
        self.sc.skip_ws();
        let at = self.sc.pos;
        Ok(match self.timestamp(TsLoc::Room(field), false)? {
            TsValue::Ms(v) => Some((v, at)),
            TsValue::Invalid { .. } => None,
        })
    }

    /// A millisecond timestamp field, with the range and plausibility rules.
    fn timestamp(&mut self, loc: TsLoc<'a>, integer_only: bool) -> Lexed<TsValue<'a>> {
        self.sc.skip_ws();
        let at = self.sc.pos;
        let value = if self.sc.peek_kind("a value")? == Kind::Number {
            let n = self.sc.number()?;
            self.check_timestamp(n, integer_only)
        } else {
            let found = self.any_value()?;
            let expected = expected_timestamp(integer_only);
            self.error(
                Rule::Type,
                at,
                format!("expected {expected}, found {found}"),
            );
            let end = self.sc.pos;
            TsValue::Invalid {
                raw: &self.sc.buf[at..end],
                why: Invalid::NotANumber,
            }
        };
        self.record_timestamp(loc, at, self.sc.pos - at, value);
        Ok(value)
    }

    fn check_timestamp(&mut self, n: JNum<'a>, integer_only: bool) -> TsValue<'a> {
        let expected = expected_timestamp(integer_only);
        let invalid = |why| TsValue::Invalid { raw: n.raw, why };
        let ms = match n.value {
            NumValue::Int(v) => v,
            NumValue::Float(_) if integer_only => {
                self.error(
                    Rule::Type,
                    n.at,
                    format!("expected {expected}, found number {}", n.text()),
                );
                return invalid(Invalid::NotAnInteger);
            }
            NumValue::Float(f) if f.is_finite() && f.abs() < 1e18 => f.floor() as i64,
            NumValue::Float(f) if f < 0.0 => i64::MIN,
            NumValue::Float(_) | NumValue::BigInt { negative: false } => i64::MAX,
            NumValue::BigInt { negative: true } => i64::MIN,
        };
        if ms < 0 {
            self.error(
                Rule::TimestampRange,
                n.at,
                format!(
                    "{} is negative; expected Unix milliseconds from 0 to {MAX_MS} (year 9999)",
                    n.text()
                ),
            );
            return invalid(Invalid::Negative);
        }
        if ms > MAX_MS {
            self.error(
                Rule::TimestampRange,
                n.at,
                format!(
                    "{} is beyond year 9999 as Unix milliseconds (at most {MAX_MS})",
                    n.text()
                ),
            );
            return invalid(Invalid::BeyondYear9999);
        }
        if SECONDS_LIKE.contains(&ms) {
            self.warn(
                Rule::SecondsNotMs,
                n.at,
                format!(
                    "{} looks like seconds; as ms it is {}, as seconds {}",
                    n.text(),
                    time::utc_ms(ms),
                    time::utc_seconds(ms)
                ),
            );
        } else if ms > self.opts.now_ms {
            self.warn(
                Rule::TimestampInFuture,
                n.at,
                format!(
                    "{} is {}, later than now ({})",
                    n.text(),
                    time::utc_ms(ms),
                    time::utc_ms(self.opts.now_ms)
                ),
            );
        }
        TsValue::Ms(ms)
    }

    fn check_precision(&mut self, n: &JNum<'a>) {
        if is_unsafe_integer(n) {
            self.warn(
                Rule::PrecisionLoss,
                n.at,
                format!(
                    "integer {} is beyond 2^53 and loses precision in JavaScript clients; send it as a string",
                    n.text()
                ),
            );
        }
    }

    /// Walks any value (checking nested keys for duplicates) and describes it.
    fn any_value(&mut self) -> Lexed<Found<'a>> {
        self.depth_check()?;
        match self.sc.peek_kind("a value")? {
            Kind::String => self.sc.string().map(Found::Str),
            Kind::Number => {
                let n = self.sc.number()?;
                self.check_precision(&n);
                Ok(Found::Num(n))
            }
            Kind::Bool => {
                let at = self.sc.pos;
                self.sc.literal()?;
                Ok(Found::Bool(self.sc.literal_is_true(at)))
            }
            Kind::Null => self.sc.literal().map(|_| Found::Null),
            Kind::Array => {
                self.sc.pos += 1;
                let mut index = 0;
                while self.sc.more_elements(index == 0)? {
                    self.path.push(Seg::Index(index));
                    self.any_value()?;
                    self.path.pop();
                    index += 1;
                }
                Ok(Found::Array)
            }
            Kind::Object => {
                self.any_members()?;
                Ok(Found::Object)
            }
        }
    }
}

/// A value described for a "found ..." message.
enum Found<'a> {
    Str(JStr<'a>),
    Num(JNum<'a>),
    Bool(bool),
    Null,
    Array,
    Object,
}

impl std::fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Found::Str(s) => write!(f, "string {}", quoted(&s.decode())),
            Found::Num(n) => write!(f, "number {}", n.text()),
            Found::Bool(b) => write!(f, "{b}"),
            Found::Null => f.write_str("null"),
            Found::Array => f.write_str("an array"),
            Found::Object => f.write_str("an object"),
        }
    }
}

/// What a timestamp field holds, for "expected ..." messages.
fn expected_timestamp(integer_only: bool) -> &'static str {
    if integer_only {
        "an integer (Unix ms)"
    } else {
        "a number (Unix ms)"
    }
}

/// The key whose opening quote is at `at`, read again from the text.
fn key_at(buf: &[u8], at: usize) -> Option<JStr<'_>> {
    Lexer::new(buf, at, true).string().ok()
}

/// An integer that JavaScript clients cannot hold exactly.
fn is_unsafe_integer(n: &JNum<'_>) -> bool {
    match n.value {
        NumValue::Int(v) => v.unsigned_abs() > JS_SAFE_INT as u64,
        NumValue::BigInt { .. } => true,
        NumValue::Float(_) => false,
    }
}

/// RFC 6901: `~` becomes `~0` and `/` becomes `~1`.
pub fn push_pointer_token(out: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        out.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// FxHash over the decoded key: cheap, and only compared within one object.
fn key_hash(key: &JStr<'_>) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let decoded;
    let bytes: &[u8] = if key.escaped {
        decoded = key.decode();
        decoded.as_bytes()
    } else {
        key.raw
    };
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

impl<'a> TsLoc<'a> {
    /// The JSON Pointer of this timestamp inside its room.
    pub fn pointer(&self, index_in_array: Option<usize>) -> String {
        let mut p = String::new();
        self.pointer_into(index_in_array, &mut p);
        p
    }

    /// Appends the pointer to `p`.
    pub fn pointer_into(&self, index_in_array: Option<usize>, p: &mut String) {
        let mut number = itoa::Buffer::new();
        if let Some(i) = index_in_array {
            p.push('/');
            p.push_str(number.format(i));
        }
        match self {
            TsLoc::Room(field) => {
                p.push('/');
                p.push_str(field);
            }
            TsLoc::Event(i) => {
                p.push_str("/events/");
                p.push_str(number.format(*i));
                p.push_str("/timestamp");
            }
            TsLoc::Participant(key, field) => {
                p.push_str("/participants/");
                push_pointer_token(p, &key.decode());
                p.push('/');
                p.push_str(field);
            }
            TsLoc::Track(key, sid) => {
                p.push_str("/participants/");
                push_pointer_token(p, &key.decode());
                p.push_str("/tracksPublished/");
                push_pointer_token(p, &sid.decode());
                p.push_str("/timestamp");
            }
        }
    }
}
