//! One pass over one room. The walk reads the text once, records where each
//! value sits, notices duplicate keys at every level, keeps going after a
//! type error, calls the rules' hooks (see `crate::rules`) and collects what
//! the commands asked for ([`Collect`]), so `validate` reports every
//! problem in one run and the listings need no second pass.
//!
//! What is collected is the one interface between the walk and the
//! commands: a command that needs more of a room adds a field to
//! [`WalkedRoom`] and a flag to [`Collect`]; the rules never need either.

mod halves;
mod keys;
mod packed;

use std::ops::RangeInclusive;

use keys::KeySet;
pub use keys::{repeated, repeated_by, text_hash};
pub use packed::{Participants, Timestamps};

use crate::diag::Finding;
use crate::json::lexer::{JNum, JStr, KeyWord, Kind, Lexed, Lexer, MAX_DEPTH, NumValue};
use crate::rules::{self, Facts, Found, HOOKS, Hit, Rule, RuleSet, misspelled, number, timestamp};

pub use rules::timestamp::{MAX_MS, SECONDS_LIKE};

/// What a walk keeps beyond the findings. Collecting costs memory and
/// time per value, so each command asks for what it shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collect {
    /// Every participant ([`ParticipantRef`]).
    pub participants: bool,
    /// Every millisecond timestamp with its place ([`Timestamp`]).
    pub timestamps: bool,
    /// The admin view's events ([`EventRef`]).
    pub events: bool,
    /// Every published track ([`TrackRef`]).
    pub tracks: bool,
    /// When participants were there ([`Presence`]): those the rules that
    /// compare participants with the room keep ([`rules::Check::Roster`]).
    pub roster: bool,
    /// The latest `leftAt` and track timestamp.
    pub latest: bool,
    /// Each participant's identity by how it looks
    /// ([`rules::identity`]), for the rules that find two alike.
    pub identities: bool,
    /// When every participant was there ([`Presence`]): a third of what
    /// [`Collect::participants`] keeps, for what reads only the times.
    pub stays: bool,
}

impl Collect {
    pub const NOTHING: Collect = Collect {
        participants: false,
        timestamps: false,
        events: false,
        tracks: false,
        roster: false,
        latest: false,
        identities: false,
        stays: false,
    };

    pub const fn union(self, other: Collect) -> Collect {
        Collect {
            participants: self.participants || other.participants,
            timestamps: self.timestamps || other.timestamps,
            events: self.events || other.events,
            tracks: self.tracks || other.tracks,
            roster: self.roster || other.roster,
            latest: self.latest || other.latest,
            identities: self.identities || other.identities,
            stays: self.stays || other.stays,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// What runs, and at what severity.
    pub rules: RuleSet,
    pub now_ms: i64,
    pub collect: Collect,
    pub split: Split,
}

/// Whether the participants of one room may be walked by two threads, the
/// second from a participant near the middle of the map on. Rooms are
/// walked in order, one at a time, so a single large room would otherwise
/// leave every core but one idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One thread: the other cores are busy with other rooms already.
    Never,
    /// A second thread for a participants map of [`SPLIT_FROM`] bytes
    /// and more, where one can be started.
    Large,
    /// At the participant whose key's quote is at this offset of the
    /// walked buffer, whatever the map's size; any other offset is a
    /// guess that does not hold, and the walk goes on in one thread.
    At(usize),
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

impl TsValue<'_> {
    pub fn ms(self) -> Option<i64> {
        match self {
            TsValue::Ms(ms) => Some(ms),
            TsValue::Invalid { .. } => None,
        }
    }
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

/// Where a value of a known field sits in its room, kept cheap and turned
/// into a JSON Pointer on demand.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    Room(&'static str),
    /// A field of the event at this index; `""` is the event itself.
    Event(usize, &'static str),
    Participant(JStr<'a>, &'static str),
    /// A participant as a whole, at its key.
    Key(JStr<'a>),
    /// The timestamp of a participant's published track.
    Track(JStr<'a>, JStr<'a>),
}

#[derive(Debug, Clone, Copy)]
pub struct Timestamp<'a> {
    pub loc: Place<'a>,
    /// Byte span of the value in the input.
    pub at: usize,
    pub len: usize,
    pub value: TsValue<'a>,
}

/// A room-level timestamp that is a valid time, and where it is (relative
/// to the walked buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub ms: i64,
    pub at: usize,
    pub len: usize,
}

/// A participant as it sits in the text.
#[derive(Debug, Clone, Copy)]
pub struct ParticipantRef<'a> {
    pub key: JStr<'a>,
    pub identity: Option<JStr<'a>>,
    pub name: Option<JStr<'a>>,
    pub joined: Option<TsValue<'a>>,
    pub left: Option<TsValue<'a>>,
    /// Byte spans of the `joinedAt` and `leftAt` values (relative to the
    /// walked buffer), for findings about them.
    pub joined_offset: usize,
    pub joined_len: usize,
    pub left_offset: usize,
    pub left_len: usize,
}

impl<'a> ParticipantRef<'a> {
    fn new(key: JStr<'a>) -> Self {
        ParticipantRef {
            key,
            identity: None,
            name: None,
            joined: None,
            left: None,
            joined_offset: 0,
            joined_len: 0,
            left_offset: 0,
            left_len: 0,
        }
    }
}

/// One of the admin view's events.
#[derive(Debug, Clone, Copy)]
pub struct EventRef<'a> {
    pub name: Option<JStr<'a>>,
    pub timestamp: Option<TsValue<'a>>,
    /// Byte span of the timestamp's value (relative to the walked buffer).
    pub timestamp_at: usize,
    pub timestamp_len: usize,
}

/// When a participant was there, in 24 bytes: a rule that compares every
/// participant with the room keeps this rather than the participant, and
/// reads the few it reports again from `key_at` ([`participant_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    /// Offset of the participant's key (relative to the walked buffer).
    pub key_at: usize,
    joined: i64,
    left: i64,
}

/// A `Presence` time is the time itself or, below 0, the state
/// ([`packed::state`]) of a value that is absent or not a time, as
/// `-1 - state`.
const ABSENT: i64 = -1;

impl Presence {
    fn of(p: &ParticipantRef<'_>) -> Presence {
        let kept = |value: Option<TsValue<'_>>| match packed::state(value) {
            (1, ms) => ms,
            (state, _) => ABSENT - i64::from(state),
        };
        Presence {
            key_at: p.key.at,
            joined: kept(p.joined),
            left: kept(p.left),
        }
    }

    /// `joinedAt`, when it is a time.
    pub fn joined(&self) -> Option<i64> {
        (self.joined >= 0).then_some(self.joined)
    }

    /// Whether the participant has a `leftAt` at all, time or not.
    pub fn has_left(&self) -> bool {
        self.left != ABSENT
    }

    /// `joinedAt` and `leftAt` as values, with why a value is not a time;
    /// its text is not kept, so it comes back empty.
    pub fn times(&self) -> (Option<TsValue<'static>>, Option<TsValue<'static>>) {
        let value = |kept: i64| match u16::try_from(ABSENT - kept) {
            Ok(state) => packed::value_of(state, 0, || b""),
            Err(_) => Some(TsValue::Ms(kept)),
        };
        (value(self.joined), value(self.left))
    }
}

/// A boolean field and where its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    pub value: bool,
    pub at: usize,
    pub len: usize,
}

/// One published track of a participant (admin view).
#[derive(Debug, Clone, Copy)]
pub struct TrackRef<'a> {
    pub participant: JStr<'a>,
    pub sid: JStr<'a>,
    pub mime_type: Option<JStr<'a>>,
    pub timestamp: Option<TsValue<'a>>,
}

/// What one pass over one room found.
#[derive(Debug, Default)]
pub struct WalkedRoom<'a> {
    /// The room's pointer prefix: `/3` for the fourth room of an array.
    pub index_in_array: Option<usize>,
    /// Offset of the room's first byte (relative to the walked buffer).
    pub start: usize,
    pub is_object: bool,
    /// The room ID when it is a string.
    pub id: Option<JStr<'a>>,
    /// An `id` field is present, of whatever type.
    pub id_seen: bool,
    /// Room timestamps that passed their checks.
    pub created_at: Option<Stamp>,
    pub updated_at: Option<Stamp>,
    pub deleted_at: Option<Stamp>,
    /// A `deletedAt` field is present, of whatever type.
    pub deleted_at_seen: bool,
    pub deleted: Option<Flag>,
    pub egress_id: Option<JStr<'a>>,
    pub participants_seen: bool,
    /// Collected with [`Collect::participants`], in input order.
    pub participants: Participants<'a>,
    /// Collected with [`Collect::timestamps`], in input order.
    pub timestamps: Timestamps<'a>,
    /// Collected with [`Collect::events`], in input order.
    pub events: Vec<EventRef<'a>>,
    /// Collected with [`Collect::tracks`], in input order.
    pub tracks: Vec<TrackRef<'a>>,
    /// Collected with [`Collect::roster`], in input order: only the
    /// participants a rule keeps.
    pub roster: Vec<Presence>,
    /// Collected with [`Collect::stays`], in input order.
    pub stays: Vec<Presence>,
    /// The latest `leftAt` and track timestamp that are times (the first
    /// of equals), collected with [`Collect::latest`].
    pub latest_left: Option<Timestamp<'a>>,
    pub latest_track: Option<Timestamp<'a>>,
    /// The groups of participants whose identities may look alike
    /// ([`rules::identity::alike`]), each in input order (by key offset);
    /// collected with [`Collect::identities`].
    pub look_alikes: Vec<Vec<usize>>,
    /// The walked buffer, for a rule that reads a participant again.
    pub text: &'a [u8],
    pub findings: Vec<Finding>,
    /// The `errors`, `error` or `message` field of an object with no room
    /// field at all, and its value's text: an API error body.
    pub api_error: Option<(JStr<'a>, &'a [u8])>,
}

#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(JStr<'a>),
    Index(usize),
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

/// The order the service writes a track's and an event's fields in.
const TRACK_ORDER: [KeyWord; 5] = [
    KeyWord::new("sid"),
    KeyWord::new("width"),
    KeyWord::new("height"),
    KeyWord::new("mimeType"),
    KeyWord::new("timestamp"),
];
const EVENT_ORDER: [KeyWord; 2] = [KeyWord::new("eventName"), KeyWord::new("timestamp")];

/// Every field a room may have, admin-view ones included; "id" first.
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
/// The common [`PARTICIPANT_KEYS`] in the order the service writes them.
const PARTICIPANT_ORDER: [KeyWord; 4] = [
    KeyWord::new("identity"),
    KeyWord::new("name"),
    KeyWord::new("joinedAt"),
    KeyWord::new("leftAt"),
];
/// The participant fields checked for repeats by slot, in slot order.
const PARTICIPANT_KEYS: [&str; 5] = ["identity", "name", "joinedAt", "leftAt", "tracksPublished"];

/// The slot of a participant's known field, off the hot path: in line, its
/// comparisons merge with the fast path's into one jump table on the
/// name's length, an indirect branch that mispredicts on every field.
#[inline(never)]
fn participant_slot(name: &[u8]) -> Option<usize> {
    PARTICIPANT_KEYS.iter().position(|k| k.as_bytes() == name)
}

/// The texts and the timestamp of an object of known shape (a track, an
/// event). Only the first slots of a field list are kept: small, so it is
/// returned in registers rather than copied.
#[derive(Default)]
struct Shaped<'a> {
    texts: [Option<JStr<'a>>; SHAPED_TEXTS],
    time: Option<TsValue<'a>>,
    /// Byte span of the time's value.
    time_at: usize,
    time_len: usize,
}

/// The texts kept of a shaped object: the track's `sid` and `mimeType`,
/// the event's `eventName`.
const SHAPED_TEXTS: usize = 2;

/// A value the general walk went through, for a "found ..." message.
enum Value<'a> {
    Str(JStr<'a>),
    Num(JNum<'a>),
    Bool(bool),
    Null,
    Array,
    Object,
}

impl Value<'_> {
    fn found(&self) -> Found {
        match self {
            Value::Str(s) => Found::Str(rules::text(s)),
            Value::Num(n) => Found::Num(rules::shown_number(n.text())),
            Value::Bool(b) => Found::Bool(*b),
            Value::Null => Found::Null,
            Value::Array => Found::Array,
            Value::Object => Found::Object,
        }
    }
}

/// Buffers kept from one room to the next, so a stream of small rooms does
/// not allocate them again for every room.
#[derive(Default)]
pub struct Scratch {
    path: Vec<Seg<'static>>,
    keysets: Vec<KeySet>,
    /// Where a participant starts was guessed for an earlier room of this
    /// input. One guess an input: the guess is made in the middle of what
    /// is left of the input, which in a stream or an array of rooms lies
    /// in a later room, not in the map being walked.
    guessed: bool,
}

/// The walk's context; the lexer is passed beside it, so there is one
/// reading position and nothing to keep in step.
struct Walker<'a, 'o> {
    /// The text being walked (the lexer reads the same).
    buf: &'a [u8],
    /// Absolute offset of the buffer's first byte in the input.
    base: usize,
    opts: &'o Options,
    collect: Collect,
    /// Timestamps no rule fires on; the fast path asks nothing of these.
    quiet: RangeInclusive<i64>,
    path: Vec<Seg<'a>>,
    keysets: Vec<KeySet>,
    /// Each identity's look ([`rules::identity::looks`]) and its
    /// participant's key offset, with [`Collect::identities`]; and the
    /// looks whose hashes repeat, when `duplicate-key` found them already.
    looks: Vec<(u64, usize)>,
    /// The looks of the keys a second walk of the participants map found,
    /// kept apart as [`KeySet::rest`] is; with a mark first.
    looks_rest: Vec<(u64, usize)>,
    looks_repeated: Option<Vec<(u64, usize)>>,
    out: WalkedRoom<'a>,
    /// Whether a second thread may still be started ([`Split`]).
    may_split: bool,
    /// Set, on a second walk, when its result is no longer wanted.
    abandon: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// Walks the room value at `pos`. On `Incomplete` nothing of the attempt is
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
        buf,
        base,
        opts,
        collect: opts.collect.union(opts.rules.needs()),
        quiet: timestamp::quiet_range(opts.now_ms),
        // An empty Vec<Seg<'static>> is a Vec<Seg<'a>> (covariance).
        path: std::mem::take(&mut scratch.path),
        keysets: std::mem::take(&mut scratch.keysets),
        looks: Vec::new(),
        looks_rest: Vec::new(),
        looks_repeated: None,
        may_split: !scratch.guessed,
        abandon: None,
        out: WalkedRoom {
            index_in_array,
            text: buf,
            participants: Participants::new(buf),
            timestamps: Timestamps::new(buf, base),
            ..WalkedRoom::default()
        },
    };
    walker.path.clear();
    if let Some(i) = index_in_array {
        walker.path.push(Seg::Index(i));
    }
    let mut lexer = Lexer::new(buf, pos, eof);
    let result = walker.room(&mut lexer);
    // Hand the buffers back. The path is empty, so the map never runs; it
    // only changes the lifetime, and the in-place collect keeps the
    // allocation.
    walker.path.clear();
    scratch.path = std::mem::take(&mut walker.path)
        .into_iter()
        .map(|_| Seg::Index(0))
        .collect();
    scratch.keysets = std::mem::take(&mut walker.keysets);
    scratch.guessed |= !walker.may_split;
    result?;
    Ok((walker.out, lexer.pos))
}

/// The participant whose key starts at `key_at` in `text`, read again:
/// the rules across a room keep a [`Presence`] or a look of each
/// participant, not the participant, and read again the few they report.
/// `None` if no participant starts there.
pub fn participant_at(text: &[u8], key_at: usize) -> Option<ParticipantRef<'_>> {
    let opts = Options {
        rules: RuleSet::of(&rules::Selection {
            select: Some(Vec::new()),
            ..rules::Selection::default()
        }),
        now_ms: 0,
        split: crate::walk::Split::Never,
        collect: Collect {
            participants: true,
            ..Collect::NOTHING
        },
    };
    let mut walker = Walker {
        buf: text,
        base: 0,
        opts: &opts,
        collect: opts.collect,
        quiet: 0..=MAX_MS,
        path: Vec::new(),
        keysets: Vec::new(),
        looks: Vec::new(),
        looks_rest: Vec::new(),
        looks_repeated: None,
        may_split: false,
        abandon: None,
        out: WalkedRoom {
            participants: Participants::new(text),
            ..WalkedRoom::default()
        },
    };
    let mut lx = Lexer::new(text, key_at, true);
    let key = lx.next_key(false).ok()??;
    if lx.peek_byte() != Some(b'{') {
        return None;
    }
    walker.participant(&mut lx, key).ok()?;
    walker.out.participants.pop()
}

/// Keeps in `latest` the time `later` if it is a time later than the one
/// kept (the first of equals stays): for one time, or for the latest of
/// the rest of a map walked by another thread.
fn keep_later<'a>(latest: &mut Option<Timestamp<'a>>, later: Option<Timestamp<'a>>) {
    if let Some(t) = later
        && t.value.ms().is_some()
        && latest.is_none_or(|l| l.value.ms() < t.value.ms())
    {
        *latest = Some(t);
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

/// A field name as a path segment.
fn field_key(field: &'static str, at: usize) -> JStr<'static> {
    JStr {
        raw: field.as_bytes(),
        at,
        escaped: false,
    }
}

impl<'a> Walker<'a, '_> {
    fn pointer(&self) -> String {
        let mut p = String::new();
        for seg in &self.path {
            p.push('/');
            match seg {
                Seg::Key(k) => push_pointer_token(&mut p, &k.decode()),
                Seg::Index(i) => p.push_str(itoa::Buffer::new().format(*i)),
            }
        }
        p
    }

    /// A finding about the value at the current path; `at..end` relative.
    /// Nothing is spent on a rule that does not run, not even its pointer.
    fn raise(&mut self, rule: Rule, at: usize, end: usize, facts: Facts) {
        if !self.opts.rules.runs(rule) {
            return;
        }
        let pointer = self.pointer();
        self.push_finding(rule, at, end, pointer, facts);
    }

    /// A finding of a hook, placed by the hook (hooks of rules that do
    /// not run are not asked).
    fn hit(&mut self, rule: Rule, hit: Hit<'a>) {
        let pointer = hit.place.pointer(self.out.index_in_array);
        self.push_finding(rule, hit.at, hit.end, pointer, hit.facts);
    }

    fn push_finding(&mut self, rule: Rule, at: usize, end: usize, pointer: String, facts: Facts) {
        let Some(severity) = self.opts.rules.level(rule).severity() else {
            return;
        };
        self.out.findings.push(Finding {
            rule,
            severity,
            at: self.base + at,
            end: self.base + end,
            pointer: rules::shown_pointer(pointer),
            facts,
        });
    }

    /// The one object-member loop. `lx` is at the `{`. `member` is handed
    /// each key with the object's level in the key sets; it records the
    /// key (by slot, or with `note_key`) and reads the value.
    #[inline(always)]
    fn members(
        &mut self,
        lx: &mut Lexer<'a>,
        member: impl FnMut(&mut Self, &mut Lexer<'a>, usize, JStr<'a>) -> Lexed<()>,
    ) -> Lexed<()> {
        self.members_in_order(lx, &[], member)
    }

    /// `members` for an object whose keys mostly come in `order`: after
    /// each key the one that follows it in `order` is tried first, by one
    /// comparison ([`Lexer::key_if`]). With no order, every key is scanned.
    #[inline(always)]
    fn members_in_order(
        &mut self,
        lx: &mut Lexer<'a>,
        order: &[KeyWord],
        member: impl FnMut(&mut Self, &mut Lexer<'a>, usize, JStr<'a>) -> Lexed<()>,
    ) -> Lexed<()> {
        lx.pos += 1;
        let level = self.keyset_level();
        let no_stop = |_: &mut Self, _: &mut Lexer<'a>, _: JStr<'a>| Ok(false);
        self.member_loop(lx, order, level, true, usize::MAX, no_stop, member)?;
        self.close_object(level);
        Ok(())
    }

    /// The members of the object at `level` from `lx` on: after its `{`
    /// (`first`) or after a comma. The key at or past offset `stop` is
    /// handed to `at_stop` first, which returns true when the rest of the
    /// object has been read (by another thread) and `lx` is past its `}`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn member_loop(
        &mut self,
        lx: &mut Lexer<'a>,
        order: &[KeyWord],
        level: usize,
        mut first: bool,
        mut stop: usize,
        mut at_stop: impl FnMut(&mut Self, &mut Lexer<'a>, JStr<'a>) -> Lexed<bool>,
        mut member: impl FnMut(&mut Self, &mut Lexer<'a>, usize, JStr<'a>) -> Lexed<()>,
    ) -> Lexed<()> {
        let mut next = 0;
        loop {
            let expected = order.get(next).copied().unwrap_or(KeyWord::NONE);
            let key = match lx.key_if(expected) {
                Some(key) => {
                    next += 1;
                    key
                }
                None => {
                    let Some(key) = lx.next_key(first)? else {
                        break;
                    };
                    next = order
                        .iter()
                        .position(|k| k.is(&key))
                        .map_or(order.len(), |i| i + 1);
                    key
                }
            };
            first = false;
            self.go_on()?;
            if key.at >= stop {
                stop = usize::MAX;
                if at_stop(self, lx, key)? {
                    return Ok(());
                }
            }
            member(self, lx, level, key)?;
            if !lx.more_members()? {
                break;
            }
        }
        Ok(())
    }

    fn room(&mut self, lx: &mut Lexer<'a>) -> Lexed<()> {
        let kind = lx.peek_kind("a room (a JSON object)")?;
        let at = lx.pos;
        self.out.start = at;
        if kind != Kind::Object {
            let found = self.any_value(lx)?.found();
            let expected = "a room (a JSON object)";
            self.raise(Rule::Type, at, lx.pos, Facts::Type { expected, found });
            return Ok(());
        }
        self.out.is_object = true;
        // Known fields are checked for repeats by slot, as in participants.
        let mut known: [Option<JStr<'a>>; 9] = [None; 9];
        self.members(lx, |w, lx, level, key| {
            let name = key.name();
            let slot = ROOM_KEYS.iter().position(|k| k.as_bytes() == name.as_ref());
            w.record_key(slot.map(|i| &mut known[i]), level, key);
            w.path.push(Seg::Key(key));
            w.room_field(lx, key, &name)?;
            w.path.pop();
            Ok(())
        })?;
        self.out.id_seen = known[0].is_some();
        if known.iter().any(Option::is_some) {
            // A room that also says "error" is still a room.
            self.out.api_error = None;
        }
        if self.collect.identities {
            let looks = std::mem::take(&mut self.looks);
            let rest = std::mem::take(&mut self.looks_rest);
            let known = self.looks_repeated.take();
            let parts = [&looks[..], rest.get(1..).unwrap_or_default()];
            self.out.look_alikes = rules::identity::alike(&parts, known);
        }
        let mut hits = Vec::new();
        let roster = HOOKS.roster.iter().map(|&(rule, (_, check))| (rule, check));
        for (rule, check) in HOOKS.room.iter().copied().chain(roster) {
            if self.opts.rules.runs(rule) {
                check(&self.out, &mut |hit| hits.push((rule, hit)));
            }
        }
        for (rule, hit) in hits {
            self.hit(rule, hit);
        }
        Ok(())
    }

    fn room_field(&mut self, lx: &mut Lexer<'a>, key: JStr<'a>, name: &[u8]) -> Lexed<()> {
        match name {
            b"id" => self.out.id = self.string_field(lx, "a string (the room ID)")?,
            b"createdAt" => self.out.created_at = self.room_stamp(lx, "createdAt")?,
            b"updatedAt" => self.out.updated_at = self.room_stamp(lx, "updatedAt")?,
            b"egressId" => {
                self.out.egress_id = self.string_field(lx, "a string (the egress ID)")?
            }
            b"participants" => {
                self.out.participants_seen = true;
                if lx.peek_kind("a value")? == Kind::Object {
                    self.participants(lx)?;
                } else {
                    self.type_error(lx, "an object mapping identity to participant")?;
                }
            }
            b"userId" | b"deleted" | b"deletedAt" | b"events" => {
                self.admin_field(key, "room");
                match name {
                    b"userId" => {
                        self.string_field(lx, "a string (the owner's user ID)")?;
                    }
                    b"deleted" => self.out.deleted = self.bool_field(lx)?,
                    b"deletedAt" => {
                        self.out.deleted_at_seen = true;
                        self.out.deleted_at = self.room_stamp(lx, "deletedAt")?;
                    }
                    _ => self.events(lx)?,
                }
            }
            _ => {
                self.unknown_field(key, &ROOM_KEYS, ROOM_FIELDS);
                lx.skip_ws();
                let at = lx.pos;
                self.any_value(lx)?;
                // Kept only when `api-error` runs: a room it does not
                // report is judged as any room, missing fields and all.
                if matches!(name, b"errors" | b"error" | b"message")
                    && self.out.api_error.is_none()
                    && self.opts.rules.runs(Rule::ApiError)
                {
                    self.out.api_error = Some((key, &self.buf[at..lx.pos]));
                }
            }
        }
        Ok(())
    }

    fn participants(&mut self, lx: &mut Lexer<'a>) -> Lexed<()> {
        // The lexer is held in a local across the whole map, so the hot
        // loop can keep it in registers; it goes back once, at the end.
        let mut local = *lx;
        let level = self.path.len();
        let result = match self.split_at(&local) {
            Some(at) => self.participants_in_halves(&mut local, at),
            None => self.members(&mut local, Self::participant_member),
        };
        *lx = local;
        result?;
        if self.collect.identities {
            // The keys' hashes stand for the identities that are their
            // keys ([`rules::identity::looks`]).
            if !self.looks_rest.is_empty() {
                // Another map's halves, now joined with more looks.
                let rest = std::mem::take(&mut self.looks_rest);
                self.looks
                    .extend_from_slice(rest.get(1..).unwrap_or_default());
            }
            let keys = &mut self.keysets[level];
            if keys.large.is_empty() {
                self.looks.extend_from_slice(keys.small());
                // Repeats found among fewer looks than there now are.
                self.looks_repeated = None;
            } else if self.looks.is_empty() {
                // Taken, not copied: a million keys are 16 MB. With no
                // other looks, the keys' repeats are the looks' repeats.
                self.looks = std::mem::take(&mut keys.large);
                self.looks_rest = std::mem::take(&mut keys.rest);
                self.looks_repeated = Some(std::mem::take(&mut keys.repeated));
            } else {
                self.looks.append(&mut keys.large);
                self.looks.extend_from_slice(keys.rest_keys());
                self.looks_repeated = None;
            }
        }
        Ok(())
    }

    /// One member of the participants map.
    #[inline(always)]
    fn participant_member(&mut self, lx: &mut Lexer<'a>, level: usize, key: JStr<'a>) -> Lexed<()> {
        self.note_key(level, key);
        self.path.push(Seg::Key(key));
        if lx.peek_byte() == Some(b'{') {
            self.participant(lx, key)?;
        } else {
            self.type_error(lx, "an object (a participant)")?;
        }
        self.path.pop();
        Ok(())
    }

    /// One participant. The common fields of the common types are read in
    /// line; anything else (another type, a repeat, an unknown field) goes
    /// through `participant_field`.
    #[inline]
    fn participant(&mut self, lx: &mut Lexer<'a>, key: JStr<'a>) -> Lexed<()> {
        let mut p = ParticipantRef::new(key);
        // Known fields are checked for repeats by slot, which is cheaper
        // than comparing keys pairwise; other keys go through the key set.
        let mut known: [Option<JStr<'a>>; 5] = [None; 5];
        self.members_in_order(lx, &PARTICIPANT_ORDER, |w, lx, level, field| {
            let name = field.name();
            let name = name.as_ref();
            match (name, lx.peek_byte()) {
                (b"identity", Some(b'"')) if known[0].is_none() => {
                    known[0] = Some(field);
                    p.identity = Some(lx.string()?);
                }
                (b"name", Some(b'"')) if known[1].is_none() => {
                    known[1] = Some(field);
                    p.name = Some(lx.string()?);
                }
                (b"joinedAt", Some(b'-' | b'0'..=b'9')) if known[2].is_none() => {
                    known[2] = Some(field);
                    let n = lx.number()?;
                    let place = Place::Participant(key, "joinedAt");
                    p.joined = Some(w.quick_timestamp(n, "joinedAt", place, true));
                    (p.joined_offset, p.joined_len) = (n.at, n.raw.len());
                }
                (b"leftAt", Some(b'-' | b'0'..=b'9')) if known[3].is_none() => {
                    known[3] = Some(field);
                    let n = lx.number()?;
                    let place = Place::Participant(key, "leftAt");
                    p.left = Some(w.quick_timestamp(n, "leftAt", place, true));
                    (p.left_offset, p.left_len) = (n.at, n.raw.len());
                }
                _ => {
                    let slot = participant_slot(name);
                    w.record_key(slot.map(|i| &mut known[i]), level, field);
                    w.path.push(Seg::Key(field));
                    w.participant_field(lx, &mut p, field)?;
                    w.path.pop();
                }
            }
            Ok(())
        })?;
        self.participant_done(&p);
        Ok(())
    }

    /// A timestamp read in line: the same checks and records as
    /// `timestamp`, with the path extended only when a rule may fire.
    #[inline]
    fn quick_timestamp(
        &mut self,
        n: JNum<'a>,
        field: &'static str,
        loc: Place<'a>,
        integer_only: bool,
    ) -> TsValue<'a> {
        let value = match n.value {
            NumValue::Int(ms) if self.quiet.contains(&ms) => TsValue::Ms(ms),
            _ => {
                self.path.push(Seg::Key(field_key(field, n.at)));
                let value = self.check_timestamp(&n, integer_only);
                self.path.pop();
                value
            }
        };
        self.record_timestamp(loc, n.at, n.raw.len(), value);
        value
    }

    /// Keeps a timestamp for the `timestamps` command.
    #[inline]
    fn record_timestamp(&mut self, loc: Place<'a>, at: usize, len: usize, value: TsValue<'a>) {
        if self.collect.timestamps {
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
        lx: &mut Lexer<'a>,
        p: &mut ParticipantRef<'a>,
        field: JStr<'a>,
    ) -> Lexed<()> {
        let key = p.key;
        match field.name().as_ref() {
            b"identity" => p.identity = self.string_field(lx, "a string (the participant ID)")?,
            b"name" => p.name = self.string_field(lx, "a string (the display name)")?,
            b"joinedAt" => {
                lx.skip_ws();
                let at = lx.pos;
                let place = Place::Participant(key, "joinedAt");
                p.joined = Some(self.timestamp(lx, place, true)?);
                (p.joined_offset, p.joined_len) = (at, lx.pos - at);
            }
            b"leftAt" => {
                lx.skip_ws();
                let at = lx.pos;
                let place = Place::Participant(key, "leftAt");
                p.left = Some(self.timestamp(lx, place, true)?);
                (p.left_offset, p.left_len) = (at, lx.pos - at);
            }
            b"tracksPublished" => {
                self.admin_field(field, "participant");
                self.tracks(lx, key)?;
            }
            _ => {
                self.unknown_field(field, &PARTICIPANT_KEYS, PARTICIPANT_FIELDS);
                self.any_value(lx)?;
            }
        }
        Ok(())
    }

    /// The participant hooks, then collection.
    #[inline]
    fn participant_done(&mut self, p: &ParticipantRef<'a>) {
        for &(rule, check) in HOOKS.participant {
            // A rule that does not run is not asked: its facts cost.
            if !self.opts.rules.runs(rule) {
                continue;
            }
            if let Some(hit) = check(p) {
                self.hit(rule, hit);
            }
        }
        if self.collect.participants {
            self.out.participants.push(p);
        }
        if self.collect.stays {
            self.out.stays.push(Presence::of(p));
        }
        if self.collect.roster {
            let presence = Presence::of(p);
            let kept = HOOKS
                .roster
                .iter()
                .any(|&(rule, (keep, _))| self.opts.rules.runs(rule) && keep(&presence, &self.out));
            if kept {
                self.out.roster.push(presence);
            }
        }
        if self.collect.latest
            && let Some(left) = p.left
        {
            let later = Timestamp {
                loc: Place::Participant(p.key, "leftAt"),
                at: p.left_offset,
                len: p.left_len,
                value: left,
            };
            keep_later(&mut self.out.latest_left, Some(later));
        }
        if self.collect.identities {
            let key_at = p.key.at;
            rules::identity::looks(p, &mut |look| self.looks.push((look, key_at)));
        }
    }

    fn tracks(&mut self, lx: &mut Lexer<'a>, participant: JStr<'a>) -> Lexed<()> {
        if lx.peek_kind("a value")? != Kind::Object {
            return self.type_error(lx, "an object mapping track SID to track");
        }
        self.members(lx, |w, lx, level, sid| {
            w.note_key(level, sid);
            w.path.push(Seg::Key(sid));
            if lx.peek_kind("a value")? == Kind::Object {
                let place = Place::Track(participant, sid);
                let shaped = w.shaped(lx, &TRACK_FIELDS, &TRACK_ORDER, place)?;
                if w.collect.latest
                    && let Some(time) = shaped.time
                {
                    let later = Timestamp {
                        loc: place,
                        at: shaped.time_at,
                        len: shaped.time_len,
                        value: time,
                    };
                    keep_later(&mut w.out.latest_track, Some(later));
                }
                if w.collect.tracks {
                    w.out.tracks.push(TrackRef {
                        participant,
                        sid,
                        mime_type: shaped.texts[1],
                        timestamp: shaped.time,
                    });
                }
            } else {
                w.type_error(lx, "an object (a published track)")?;
            }
            w.path.pop();
            Ok(())
        })
    }

    fn events(&mut self, lx: &mut Lexer<'a>) -> Lexed<()> {
        if lx.peek_kind("a value")? != Kind::Array {
            return self.type_error(lx, "an array of events");
        }
        lx.pos += 1;
        let mut index = 0;
        while lx.more_elements(index == 0)? {
            self.depth_check(lx)?;
            self.path.push(Seg::Index(index));
            if lx.peek_kind("a value")? == Kind::Object {
                let place = Place::Event(index, "timestamp");
                let shaped = self.shaped(lx, &EVENT_FIELDS, &EVENT_ORDER, place)?;
                if self.collect.events {
                    self.out.events.push(EventRef {
                        name: shaped.texts[0],
                        timestamp: shaped.time,
                        timestamp_at: shaped.time_at,
                        timestamp_len: shaped.time_len,
                    });
                }
            } else {
                self.type_error(lx, "an object (an event)")?;
            }
            self.path.pop();
            index += 1;
        }
        Ok(())
    }

    /// An object of known shape (a published track, an event), read like
    /// a participant: the common fields of the expected types in line,
    /// anything else through the general walk. `loc` places its timestamp;
    /// `order` is the order its fields usually come in.
    fn shaped(
        &mut self,
        lx: &mut Lexer<'a>,
        fields: &[(&'static str, Shape)],
        order: &[KeyWord],
        loc: Place<'a>,
    ) -> Lexed<Shaped<'a>> {
        let mut known: [Option<JStr<'a>>; 8] = [None; 8];
        let mut shaped = Shaped::default();
        self.members_in_order(lx, order, |w, lx, level, field| {
            let name = field.name();
            let slot = fields
                .iter()
                .position(|(f, _)| f.as_bytes() == name.as_ref());
            let fresh = slot.is_some_and(|i| known[i].is_none());
            match (slot.map(|i| (i, fields[i])), lx.peek_byte()) {
                (Some((i, (_, Shape::Text))), Some(b'"')) if fresh => {
                    let text = lx.string()?;
                    if let Some(slot) = shaped.texts.get_mut(i) {
                        *slot = Some(text);
                    }
                }
                (Some((_, (_, Shape::Number))), Some(b'-' | b'0'..=b'9')) if fresh => {
                    let n = lx.number()?;
                    if !number::is_quiet(&n) {
                        w.path.push(Seg::Key(field));
                        w.check_number(&n);
                        w.path.pop();
                    }
                }
                (Some((_, (name, Shape::Time))), Some(b'-' | b'0'..=b'9')) if fresh => {
                    let n = lx.number()?;
                    shaped.time = Some(w.quick_timestamp(n, name, loc, false));
                    (shaped.time_at, shaped.time_len) = (n.at, n.raw.len());
                }
                (shape, _) => {
                    w.record_key(slot.map(|i| &mut known[i]), level, field);
                    w.path.push(Seg::Key(field));
                    match shape {
                        Some((i, (_, Shape::Text))) => {
                            let text = w.string_field(lx, "a string")?;
                            if let Some(slot) = shaped.texts.get_mut(i) {
                                *slot = text;
                            }
                        }
                        Some((_, (_, Shape::Number))) => w.number_field(lx)?,
                        Some((_, (_, Shape::Time))) => {
                            lx.skip_ws();
                            let at = lx.pos;
                            shaped.time = Some(w.timestamp(lx, loc, false)?);
                            (shaped.time_at, shaped.time_len) = (at, lx.pos - at);
                        }
                        None => {
                            // Tracks and events know no unknown-field; a near miss is all there is to say.
                            let _ = w.misspelled_field(field, fields.iter().map(|(f, _)| *f));
                            w.any_value(lx)?;
                        }
                    }
                    w.path.pop();
                }
            }
            if let Some(i) = slot
                && known[i].is_none()
            {
                known[i] = Some(field);
            }
            Ok(())
        })?;
        Ok(shaped)
    }

    /// The members of an object of no known shape, each walked as any
    /// value, with duplicate checks.
    fn any_members(&mut self, lx: &mut Lexer<'a>) -> Lexed<()> {
        self.members(lx, |w, lx, level, key| {
            w.note_key(level, key);
            w.path.push(Seg::Key(key));
            w.any_value(lx)?;
            w.path.pop();
            Ok(())
        })
    }

    fn admin_field(&mut self, key: JStr<'a>, of: &'static str) {
        if self.opts.rules.runs(Rule::UnknownField) {
            let facts = Facts::Unknown {
                key: rules::text(&key),
                admin_of: Some(of),
                expected: "",
            };
            self.raise_key(Rule::UnknownField, key, facts);
        }
    }

    /// A key of a track or an event that is near a known one; others are
    /// not the model's to judge.
    /// Whether it raised a finding.
    fn misspelled_field(
        &mut self,
        key: JStr<'a>,
        known: impl Iterator<Item = &'static str>,
    ) -> bool {
        if !self.opts.rules.runs(Rule::MisspelledField) {
            return false;
        }
        let Some(meant) = misspelled::meant(&key.name(), known) else {
            return false;
        };
        let facts = Facts::Misspelled {
            key: rules::text(&key),
            meant,
        };
        self.raise_key(Rule::MisspelledField, key, facts);
        true
    }

    /// A key the model does not define at its level: misspelt if it is
    /// near one of `known`, else unknown.
    fn unknown_field(&mut self, key: JStr<'a>, known: &[&'static str], expected: &'static str) {
        if !self.misspelled_field(key, known.iter().copied())
            && self.opts.rules.runs(Rule::UnknownField)
        {
            let facts = Facts::Unknown {
                key: rules::text(&key),
                admin_of: None,
                expected,
            };
            self.raise_key(Rule::UnknownField, key, facts);
        }
    }

    /// A finding about a key of the current path (the path holds it).
    fn raise_key(&mut self, rule: Rule, key: JStr<'a>, facts: Facts) {
        self.raise(rule, key.at, key_end(&key), facts);
    }

    /// Stops a second walk whose result is no longer wanted, at its next
    /// member or element at any depth, so the thread that abandoned it
    /// waits for no more than one value.
    #[inline]
    fn go_on(&self) -> Lexed<()> {
        match &self.abandon {
            Some(flag) if flag.load(std::sync::atomic::Ordering::Relaxed) => {
                Err(crate::json::lexer::Stop::Incomplete)
            }
            _ => Ok(()),
        }
    }

    fn depth_check(&self, lx: &Lexer<'a>) -> Lexed<()> {
        if self.path.len() >= MAX_DEPTH {
            return lx.syntax(
                lx.pos,
                format!("nesting deeper than {MAX_DEPTH} levels is not supported"),
            );
        }
        Ok(())
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

    /// Records a key of the object at `level` before the path enters it:
    /// a known field in its slot, any other key in the object's key set.
    /// A repeat is reported at once (for a large object's key set, when
    /// the object closes).
    #[inline]
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
        if let Some(first) = self.keysets[level].insert(key, self.buf) {
            self.duplicate(first, key);
        }
    }

    /// Reports the repeated keys of a large object.
    #[inline]
    fn close_object(&mut self, level: usize) {
        if self.keysets[level].large.is_empty() {
            return;
        }
        for (first, repeat) in self.keysets[level].repeats(self.buf) {
            self.duplicate(first, repeat);
        }
    }

    fn duplicate(&mut self, first: JStr<'a>, second: JStr<'a>) {
        self.path.push(Seg::Key(second));
        let facts = Facts::Duplicate {
            key: rules::text(&second),
            first_at: self.base + first.at,
        };
        self.raise_key(Rule::DuplicateKey, second, facts);
        self.path.pop();
    }

    /// A string field; a value of another type is a type error.
    fn string_field(
        &mut self,
        lx: &mut Lexer<'a>,
        expected: &'static str,
    ) -> Lexed<Option<JStr<'a>>> {
        if lx.peek_kind("a value")? == Kind::String {
            return lx.string().map(Some);
        }
        self.type_error(lx, expected)?;
        Ok(None)
    }

    fn bool_field(&mut self, lx: &mut Lexer<'a>) -> Lexed<Option<Flag>> {
        if lx.peek_kind("a value")? == Kind::Bool {
            let at = lx.pos;
            lx.literal()?;
            return Ok(Some(Flag {
                value: lx.literal_is_true(at),
                at,
                len: lx.pos - at,
            }));
        }
        self.type_error(lx, "a boolean")?;
        Ok(None)
    }

    fn number_field(&mut self, lx: &mut Lexer<'a>) -> Lexed<()> {
        if lx.peek_kind("a value")? == Kind::Number {
            let n = lx.number()?;
            self.check_number(&n);
            return Ok(());
        }
        self.type_error(lx, "a number")
    }

    fn type_error(&mut self, lx: &mut Lexer<'a>, expected: &'static str) -> Lexed<()> {
        lx.skip_ws();
        let at = lx.pos;
        let found = self.any_value(lx)?.found();
        self.raise(Rule::Type, at, lx.pos, Facts::Type { expected, found });
        Ok(())
    }

    /// A room-level timestamp: its value and place when it is a time.
    fn room_stamp(&mut self, lx: &mut Lexer<'a>, field: &'static str) -> Lexed<Option<Stamp>> {
        lx.skip_ws();
        let at = lx.pos;
        Ok(match self.timestamp(lx, Place::Room(field), false)? {
            TsValue::Ms(ms) => Some(Stamp {
                ms,
                at,
                len: lx.pos - at,
            }),
            TsValue::Invalid { .. } => None,
        })
    }

    /// A millisecond timestamp field, with the timestamp rules.
    fn timestamp(
        &mut self,
        lx: &mut Lexer<'a>,
        loc: Place<'a>,
        integer_only: bool,
    ) -> Lexed<TsValue<'a>> {
        lx.skip_ws();
        let at = lx.pos;
        let value = if lx.peek_kind("a value")? == Kind::Number {
            let n = lx.number()?;
            self.check_timestamp(&n, integer_only)
        } else {
            let found = self.any_value(lx)?.found();
            let expected = expected_timestamp(integer_only);
            self.raise(Rule::Type, at, lx.pos, Facts::Type { expected, found });
            TsValue::Invalid {
                raw: &lx.buf[at..lx.pos],
                why: Invalid::NotANumber,
            }
        };
        self.record_timestamp(loc, at, lx.pos - at, value);
        Ok(value)
    }

    /// Whether `n` is a time (`timestamp-range`, `type`), then the
    /// timestamp hooks.
    fn check_timestamp(&mut self, n: &JNum<'a>, integer_only: bool) -> TsValue<'a> {
        let end = n.at + n.raw.len();
        match timestamp::classify(n, integer_only) {
            Ok(ms) if self.quiet.contains(&ms) => TsValue::Ms(ms),
            Ok(ms) => {
                for &(rule, (_, check)) in HOOKS.timestamp {
                    if !self.opts.rules.runs(rule) {
                        continue;
                    }
                    if let Some(facts) = check(ms, n.raw, self.opts.now_ms) {
                        self.raise(rule, n.at, end, facts);
                    }
                }
                TsValue::Ms(ms)
            }
            Err(why) => {
                let facts = if why == Invalid::NotAnInteger {
                    Facts::Type {
                        expected: expected_timestamp(integer_only),
                        found: Found::Num(rules::shown_number(n.text())),
                    }
                } else {
                    Facts::Range {
                        text: rules::shown_number(n.text()),
                        why,
                    }
                };
                let rule = if why == Invalid::NotAnInteger {
                    Rule::Type
                } else {
                    Rule::TimestampRange
                };
                self.raise(rule, n.at, end, facts);
                TsValue::Invalid { raw: n.raw, why }
            }
        }
    }

    /// The number hooks, for a number that is not a timestamp.
    fn check_number(&mut self, n: &JNum<'a>) {
        if number::is_quiet(n) {
            return;
        }
        for &(rule, check) in HOOKS.number {
            if !self.opts.rules.runs(rule) {
                continue;
            }
            if let Some(facts) = check(n) {
                self.raise(rule, n.at, n.at + n.raw.len(), facts);
            }
        }
    }

    /// Walks any value (checking nested keys for duplicates).
    fn any_value(&mut self, lx: &mut Lexer<'a>) -> Lexed<Value<'a>> {
        self.depth_check(lx)?;
        match lx.peek_kind("a value")? {
            Kind::String => lx.string().map(Value::Str),
            Kind::Number => {
                let n = lx.number()?;
                self.check_number(&n);
                Ok(Value::Num(n))
            }
            Kind::Bool => {
                let at = lx.pos;
                lx.literal()?;
                Ok(Value::Bool(lx.literal_is_true(at)))
            }
            Kind::Null => lx.literal().map(|_| Value::Null),
            Kind::Array => {
                lx.pos += 1;
                let mut index = 0;
                while lx.more_elements(index == 0)? {
                    self.go_on()?;
                    self.path.push(Seg::Index(index));
                    self.any_value(lx)?;
                    self.path.pop();
                    index += 1;
                }
                Ok(Value::Array)
            }
            Kind::Object => {
                self.any_members(lx)?;
                Ok(Value::Object)
            }
        }
    }
}

/// Where a key's closing quote ends.
fn key_end(key: &JStr<'_>) -> usize {
    key.at + key.raw.len() + 2
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

impl Place<'_> {
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
            Place::Room(field) => {
                p.push('/');
                p.push_str(field);
            }
            Place::Event(i, field) => {
                p.push_str("/events/");
                p.push_str(number.format(*i));
                if !field.is_empty() {
                    p.push('/');
                    p.push_str(field);
                }
            }
            Place::Participant(key, field) => {
                p.push_str("/participants/");
                push_pointer_token(p, &key.decode());
                p.push('/');
                p.push_str(field);
            }
            Place::Key(key) => {
                p.push_str("/participants/");
                push_pointer_token(p, &key.decode());
            }
            Place::Track(key, sid) => {
                p.push_str("/participants/");
                push_pointer_token(p, &key.decode());
                p.push_str("/tracksPublished/");
                push_pointer_token(p, &sid.decode());
                p.push_str("/timestamp");
            }
        }
    }
}
