//! The rule catalogue: one row per rule with its code, default severity,
//! summary, explanation, a failing and a passing example, the check that
//! raises it and the words of its message. The row is the only list of
//! rules: the diagnostics, `validate --help` and the README's rule table
//! are all read from [`CATALOGUE`] (a test holds the README to it).
//!
//! Checks are pure functions of what the walk read. Rules about the text's
//! own shape ([`Check::Walk`]) are raised by the walk as it reads; every
//! other rule hangs on a hook the walk calls: each timestamp, each number,
//! each participant once read, the room once read. A new rule of that kind
//! is one file here and one row below; the walk's fast paths ask the hooks
//! when nothing can fire ([`timestamp::quiet_range`], [`number::is_quiet`])
//! rather than restating their conditions.

pub mod api_error;
pub mod confusable_identity;
pub mod deleted_inconsistent;
pub mod duplicate_identity;
pub mod epoch_timestamp;
pub mod events_out_of_order;
pub mod identity;
pub mod joined_before_created;
pub mod key;
pub mod misspelled;
pub mod not_from_studio;
pub mod number;
pub mod participant;
pub mod present_after_finished;
pub mod room;
pub mod room_id_shape;
pub mod structure;
pub mod timestamp;
pub mod unknown_event;
pub mod updated_before_activity;

use std::fmt;
use std::ops::RangeInclusive;

use serde::{Serialize, Serializer};

use crate::json::lexer::{JNum, JStr};
use crate::walk::{Collect, ParticipantRef, Place, WalkedRoom};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How loud a rule is in a run: not run, or the severity of its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One row of the catalogue.
pub struct RuleDef {
    /// Stable: the string form is the contract (SPEC.md, "Rules").
    pub code: &'static str,
    /// The level by default, and under `--strict`.
    pub default: Level,
    pub strict: Level,
    /// One line: what it catches (README, `--help`).
    pub summary: &'static str,
    /// Why it matters and where the fact comes from.
    pub explanation: &'static str,
    /// A room (or text) that raises it, and one that does not.
    pub bad: &'static str,
    pub good: &'static str,
    /// What the walk must collect for the check (a room rule that looks at
    /// every participant needs them collected even for `validate`).
    pub needs: Collect,
    pub check: Check,
    /// The words of a finding, from its facts.
    pub message: fn(&Facts) -> String,
}

/// Where the walk asks a rule.
pub enum Check {
    /// Raised by the walk itself while it reads: the text's own shape.
    Walk,
    /// Each timestamp that is a valid time. `quiet` is the range of values
    /// the rule never fires on at this `now`; `check` gives the facts of a
    /// finding.
    Timestamp {
        quiet: fn(now_ms: i64) -> RangeInclusive<i64>,
        check: fn(ms: i64, raw: &[u8], now_ms: i64) -> Option<Facts>,
    },
    /// Each number that is not a timestamp.
    Number(NumberCheck),
    /// Each participant once its fields are read.
    Participant(ParticipantCheck),
    /// The room once it is read, with what the walk collected.
    Room(RoomCheck),
    /// The room once it is read, with the participants it kept: `keep`
    /// says, as each participant is read, whether the check may report
    /// it, from the room read so far (a join before a `createdAt` already
    /// read is known at once; one read before `createdAt` is kept). What
    /// no check keeps costs nothing.
    Roster { keep: KeepCheck, check: RoomCheck },
}

pub type NumberCheck = fn(&JNum<'_>) -> Option<Facts>;
pub type ParticipantCheck = for<'a> fn(&ParticipantRef<'a>) -> Option<Hit<'a>>;
pub type RoomCheck = for<'a> fn(&WalkedRoom<'a>, &mut dyn FnMut(Hit<'a>));
pub type KeepCheck = fn(&crate::walk::Presence, &WalkedRoom<'_>) -> bool;

impl RuleDef {
    /// Its levels in a few words: `error`, `off`, `error under --strict`,
    /// `warning; error under --strict`.
    pub fn level_text(&self) -> String {
        match (self.default, self.strict) {
            (default, strict) if default == strict => default.as_str().to_string(),
            (Level::Off, strict) => format!("{} under --strict", strict.as_str()),
            (default, strict) => {
                format!("{}; {} under --strict", default.as_str(), strict.as_str())
            }
        }
    }

    /// The severity of its findings when it runs: its level by default,
    /// else under `--strict`; a rule that is off in both reports warnings
    /// when it is selected.
    pub const fn severity(&self) -> Severity {
        match (self.default, self.strict) {
            (Level::Error, _) | (Level::Off, Level::Error) => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

/// A rule's identity: its row's place in the catalogue, so that a run's
/// levels are an array lookup, not a search.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rule(u8);

/// The rules the walk raises by name.
#[allow(non_upper_case_globals)]
impl Rule {
    pub const Syntax: Rule = Rule::named("syntax");
    pub const NoRoom: Rule = Rule::named("no-room");
    pub const Type: Rule = Rule::named("type");
    pub const UnknownField: Rule = Rule::named("unknown-field");
    pub const MisspelledField: Rule = Rule::named("misspelled-field");
    pub const ApiError: Rule = Rule::named("api-error");
    pub const DuplicateKey: Rule = Rule::named("duplicate-key");
    pub const TimestampRange: Rule = Rule::named("timestamp-range");
}

impl Rule {
    /// The row with `code`, at compile time: a code with no row does not
    /// build.
    const fn named(code: &str) -> Rule {
        let mut i = 0;
        while i < CATALOGUE.len() {
            if const_eq(CATALOGUE[i].code, code) {
                return Rule(i as u8);
            }
            i += 1;
        }
        panic!("no such rule in the catalogue")
    }
    pub fn def(self) -> &'static RuleDef {
        &CATALOGUE[self.0 as usize]
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
    pub fn code(self) -> &'static str {
        self.def().code
    }
    pub fn severity(self) -> Severity {
        self.def().severity()
    }
    pub fn message(self, facts: &Facts) -> String {
        (self.def().message)(facts)
    }
    /// The row with this code.
    pub fn from_code(code: &str) -> Option<Rule> {
        CATALOGUE
            .iter()
            .position(|r| r.code == code)
            .map(|i| Rule(i as u8))
    }
    pub fn all() -> impl Iterator<Item = Rule> {
        (0..CATALOGUE.len()).map(|i| Rule(i as u8))
    }
    /// The code nearest to a mistyped one, if one is near enough to be
    /// what was meant: judged as a misspelt field is
    /// ([`misspelled::meant`]), so `seconds_not_ms` finds `seconds-not-ms`.
    pub fn nearest(code: &str) -> Option<Rule> {
        let meant = misspelled::meant(code.as_bytes(), CATALOGUE.iter().map(|r| r.code))?;
        Rule::from_code(meant)
    }
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How many rules the catalogue holds.
pub const RULES: usize = CATALOGUE.len();

/// The level of every rule in one run: the catalogue's defaults (or its
/// `--strict` levels), then what the command line selects, ignores and
/// denies. `syntax` always runs: a text that is not JSON has nothing else
/// to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSet {
    levels: [Level; RULES],
    /// What the rules that run need collected.
    needs: Collect,
}

/// What the command line says of the rules, as codes already checked.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub strict: bool,
    /// Only these run (`--select`); `None` is the defaults.
    pub select: Option<Vec<Rule>>,
    /// These run as well (`--extend-select`).
    pub extend: Vec<Rule>,
    /// These do not run (`--ignore`).
    pub ignore: Vec<Rule>,
    /// These run, as errors (`--deny`).
    pub deny: Vec<Rule>,
}

impl RuleSet {
    /// The catalogue's levels, by default or under `--strict`.
    pub fn defaults(strict: bool) -> RuleSet {
        RuleSet::of(&Selection {
            strict,
            ..Selection::default()
        })
    }

    /// `select` replaces the defaults; `extend` adds to them; `ignore`
    /// then turns rules off and `deny` makes them errors (and runs them).
    /// A rule that runs only because it was named runs at its severity.
    pub fn of(selection: &Selection) -> RuleSet {
        let catalogued = |r: Rule| {
            if selection.strict {
                r.def().strict
            } else {
                r.def().default
            }
        };
        let named = |r: Rule| match catalogued(r) {
            Level::Off => match r.severity() {
                Severity::Error => Level::Error,
                Severity::Warning => Level::Warning,
            },
            on => on,
        };
        let mut levels = [Level::Off; RULES];
        for r in Rule::all() {
            levels[r.index()] = match &selection.select {
                None => catalogued(r),
                Some(only) if only.contains(&r) => named(r),
                Some(_) => Level::Off,
            };
        }
        for &r in &selection.extend {
            levels[r.index()] = named(r);
        }
        for &r in &selection.ignore {
            levels[r.index()] = Level::Off;
        }
        for &r in &selection.deny {
            levels[r.index()] = Level::Error;
        }
        levels[Rule::Syntax.index()] = Level::Error;
        let mut needs = Collect::NOTHING;
        for r in Rule::all() {
            if levels[r.index()] != Level::Off {
                needs = needs.union(r.def().needs);
            }
        }
        RuleSet { levels, needs }
    }

    /// What the walk must collect for the rules that run: a rule that is
    /// off costs nothing.
    pub fn needs(&self) -> Collect {
        self.needs
    }

    #[inline]
    pub fn level(&self, rule: Rule) -> Level {
        self.levels[rule.index()]
    }

    #[inline]
    pub fn runs(&self, rule: Rule) -> bool {
        self.level(rule) != Level::Off
    }
}

impl Default for RuleSet {
    fn default() -> RuleSet {
        RuleSet::defaults(false)
    }
}

// JSON output spells severities and rules as the human report does.
impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Every rule, in the order the README and `--help` list them: errors,
/// then warnings.
pub static CATALOGUE: &[RuleDef] = &[
    structure::SYNTAX,
    structure::NO_ROOM,
    structure::TYPE,
    room::MISSING_FIELD,
    key::DUPLICATE_KEY,
    timestamp::TIMESTAMP_RANGE,
    api_error::API_ERROR,
    structure::UNKNOWN_FIELD,
    misspelled::MISSPELLED_FIELD,
    timestamp::SECONDS_NOT_MS,
    participant::LEFT_BEFORE_JOINED,
    room::UPDATED_BEFORE_CREATED,
    key::KEY_IDENTITY_MISMATCH,
    timestamp::TIMESTAMP_IN_FUTURE,
    number::PRECISION_LOSS,
    epoch_timestamp::EPOCH_TIMESTAMP,
    joined_before_created::JOINED_BEFORE_CREATED,
    updated_before_activity::UPDATED_BEFORE_ACTIVITY,
    events_out_of_order::EVENTS_OUT_OF_ORDER,
    unknown_event::UNKNOWN_EVENT,
    deleted_inconsistent::DELETED_INCONSISTENT,
    present_after_finished::PRESENT_AFTER_FINISHED,
    duplicate_identity::DUPLICATE_IDENTITY,
    confusable_identity::CONFUSABLE_IDENTITY,
    not_from_studio::NOT_FROM_STUDIO,
    room_id_shape::ROOM_ID_SHAPE,
];

/// What a finding says, as data; the words come from the rule's
/// `message` at the edge, once the finding is placed.
#[derive(Debug, Clone, PartialEq)]
pub enum Facts {
    /// The lexer's own description of what is wrong with the text.
    Syntax(String),
    None,
    /// A value of the wrong type.
    Type {
        expected: &'static str,
        found: Found,
    },
    /// A required field that is absent.
    Missing {
        field: &'static str,
        what: &'static str,
    },
    /// A key seen before in the same object; `first_at` is the absolute
    /// offset of the first.
    Duplicate {
        key: String,
        first_at: usize,
    },
    /// A field the model does not define; `admin_of` names the admin view
    /// it belongs to, else `expected` lists the known fields.
    Unknown {
        key: String,
        admin_of: Option<&'static str>,
        expected: &'static str,
    },
    /// A number as written and what it means as ms.
    Number {
        text: String,
        ms: i64,
    },
    /// A number as written, now, and its time.
    Future {
        text: String,
        ms: i64,
        now_ms: i64,
    },
    /// A timestamp out of range, and why.
    Range {
        text: String,
        why: crate::walk::Invalid,
    },
    /// Two times that are in the wrong order: `this` should not be before
    /// `other`.
    Order {
        this: i64,
        other: i64,
    },
    /// A field the model does not define, and the one it likely means.
    Misspelled {
        key: String,
        meant: &'static str,
    },
    /// The messages of an API error body, shown as quoted texts.
    ApiError {
        messages: Vec<String>,
    },
    /// Two texts that should be equal.
    Differ {
        this: String,
        other: String,
    },
    /// Two times out of order, each with what it is: `this` (the value
    /// found) should not be before `other`.
    Before {
        this: i64,
        this_what: String,
        other: i64,
        other_what: String,
    },
    /// A name the model does not know, and the known one it likely means.
    UnknownName {
        name: String,
        meant: Option<&'static str>,
    },
    /// The `deleted` flag as found (absent, or its value).
    Deleted(Option<bool>),
    /// Two participants' identities that are alike: the identity found,
    /// the earlier one, where that one is, and how they are alike.
    Alike {
        this: String,
        other: String,
        other_at: String,
        how: identity::Alike,
    },
    /// Participants without `leftAt` although the room finished after
    /// they joined: how many, when it finished, and the first few keys.
    Stale {
        count: usize,
        finished: i64,
        keys: Vec<String>,
    },
    /// A text as found.
    Text(String),
}

/// A value described for a "found ..." message.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    Array,
    Object,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Str(s) => write!(f, "string {}", crate::term::quoted(s)),
            Found::Num(n) => write!(f, "number {n}"),
            Found::Bool(b) => write!(f, "{b}"),
            Found::Null => f.write_str("null"),
            Found::Array => f.write_str("an array"),
            Found::Object => f.write_str("an object"),
        }
    }
}

/// A finding of a hook: which value, where it starts and ends, what it says.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub place: Place<'a>,
    /// Byte span of the value (relative to the walked buffer).
    pub at: usize,
    pub end: usize,
    pub facts: Facts,
}

/// The hooks of the catalogue, sorted by where the walk calls them. Built
/// at compile time from [`CATALOGUE`], so the walk's calls through them are
/// direct calls the compiler can inline.
pub struct Hooks {
    pub timestamp: &'static [(Rule, TimestampHook)],
    pub number: &'static [(Rule, NumberCheck)],
    pub participant: &'static [(Rule, ParticipantCheck)],
    pub room: &'static [(Rule, RoomCheck)],
    pub roster: &'static [(Rule, (KeepCheck, RoomCheck))],
}

pub type TimestampHook = (
    fn(i64) -> RangeInclusive<i64>,
    fn(i64, &[u8], i64) -> Option<Facts>,
);

pub static HOOKS: Hooks = Hooks {
    timestamp: &TIMESTAMP_HOOKS,
    number: &NUMBER_HOOKS,
    participant: &PARTICIPANT_HOOKS,
    room: &ROOM_HOOKS,
    roster: &ROSTER_HOOKS,
};

/// Which hook a row hangs on: 0 is none (raised by the walk).
const fn hook_of(check: &Check) -> u8 {
    match check {
        Check::Walk => 0,
        Check::Timestamp { .. } => 1,
        Check::Number(_) => 2,
        Check::Participant(_) => 3,
        Check::Room(_) => 4,
        Check::Roster { .. } => 5,
    }
}

const fn count(hook: u8) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < CATALOGUE.len() {
        if hook_of(&CATALOGUE[i].check) == hook {
            n += 1;
        }
        i += 1;
    }
    n
}

// Each table starts filled with the first row's rule and a check that
// never fires, then takes the rows of its hook in catalogue order.
fn never_timestamp(_: i64, _: &[u8], _: i64) -> Option<Facts> {
    None
}
fn never_quiet(_: i64) -> RangeInclusive<i64> {
    0..=i64::MAX
}
fn never_number(_: &JNum<'_>) -> Option<Facts> {
    None
}
fn never_participant<'a>(_: &ParticipantRef<'a>) -> Option<Hit<'a>> {
    None
}
fn never_room<'a>(_: &WalkedRoom<'a>, _: &mut dyn FnMut(Hit<'a>)) {}
fn never_keep(_: &crate::walk::Presence, _: &WalkedRoom<'_>) -> bool {
    false
}

static TIMESTAMP_HOOKS: [(Rule, TimestampHook); count(1)] = {
    let mut table = [(
        Rule(0),
        (
            never_quiet as fn(i64) -> RangeInclusive<i64>,
            never_timestamp as fn(i64, &[u8], i64) -> Option<Facts>,
        ),
    ); count(1)];
    let (mut n, mut i) = (0, 0);
    while i < CATALOGUE.len() {
        if let Check::Timestamp { quiet, check } = CATALOGUE[i].check {
            table[n] = (Rule(i as u8), (quiet, check));
            n += 1;
        }
        i += 1;
    }
    table
};

static NUMBER_HOOKS: [(Rule, NumberCheck); count(2)] = {
    let mut table = [(Rule(0), never_number as NumberCheck); count(2)];
    let (mut n, mut i) = (0, 0);
    while i < CATALOGUE.len() {
        if let Check::Number(check) = CATALOGUE[i].check {
            table[n] = (Rule(i as u8), check);
            n += 1;
        }
        i += 1;
    }
    table
};

static PARTICIPANT_HOOKS: [(Rule, ParticipantCheck); count(3)] = {
    let mut table = [(Rule(0), never_participant as ParticipantCheck); count(3)];
    let (mut n, mut i) = (0, 0);
    while i < CATALOGUE.len() {
        if let Check::Participant(check) = CATALOGUE[i].check {
            table[n] = (Rule(i as u8), check);
            n += 1;
        }
        i += 1;
    }
    table
};

static ROOM_HOOKS: [(Rule, RoomCheck); count(4)] = {
    let mut table = [(Rule(0), never_room as RoomCheck); count(4)];
    let (mut n, mut i) = (0, 0);
    while i < CATALOGUE.len() {
        if let Check::Room(check) = CATALOGUE[i].check {
            table[n] = (Rule(i as u8), check);
            n += 1;
        }
        i += 1;
    }
    table
};

static ROSTER_HOOKS: [(Rule, (KeepCheck, RoomCheck)); count(5)] = {
    let mut table = [(Rule(0), (never_keep as KeepCheck, never_room as RoomCheck)); count(5)];
    let (mut n, mut i) = (0, 0);
    while i < CATALOGUE.len() {
        if let Check::Roster { keep, check } = CATALOGUE[i].check {
            table[n] = (Rule(i as u8), (keep, check));
            n += 1;
        }
        i += 1;
    }
    table
};

/// At most this many characters of a value, or of one key in a pointer,
/// go into a message, as `term::quoted` does for strings: one huge value
/// must not make a huge line in a CI log. The position stays exact.
pub const SHOWN_CHARS: usize = 60;

/// A number as written, for a message: a longer one keeps its first
/// characters and says how long it is.
pub fn shown_number(raw: &str) -> String {
    match raw.char_indices().nth(SHOWN_CHARS) {
        None => raw.to_string(),
        Some((cut, _)) => format!("{}… ({} characters)", &raw[..cut], raw.chars().count()),
    }
}

/// How far apart two times are, for a message: to the millisecond under
/// a minute ("1.001 s"), as a duration above ("1h 02m 05s").
pub fn gap(ms: i64) -> String {
    if ms.unsigned_abs() < 60_000 {
        format!("{}.{:03} s", ms / 1000, (ms % 1000).unsigned_abs())
    } else {
        crate::time::duration(ms)
    }
}

/// A JSON Pointer for a message: each reference token longer than
/// [`SHOWN_CHARS`] is cut there and marked with `…`.
pub fn shown_pointer(pointer: String) -> String {
    if pointer.len() <= SHOWN_CHARS + 1 {
        return pointer;
    }
    let long = |token: &str| token.char_indices().nth(SHOWN_CHARS).map(|(cut, _)| cut);
    if pointer.split('/').all(|token| long(token).is_none()) {
        return pointer;
    }
    let tokens: Vec<String> = pointer
        .split('/')
        .map(|token| match long(token) {
            Some(cut) => format!("{}…", &token[..cut]),
            None => token.to_string(),
        })
        .collect();
    tokens.join("/")
}

/// The key of an object as its decoded text, for facts.
pub fn text(s: &JStr<'_>) -> String {
    s.decode().into_owned()
}

/// The number `text`, as the lexer reads it, for the rules' unit tests.
#[cfg(test)]
pub(crate) fn num(text: &str) -> JNum<'_> {
    match crate::json::lexer::Lexer::new(text.as_bytes(), 0, true).number() {
        Ok(n) => n,
        Err(e) => panic!("{text}: {e:?}"),
    }
}

/// What the walk finds in a snippet, as `code pointer: message` lines, for
/// the rules' unit tests. `now` is 2024-06-01.
#[cfg(test)]
pub(crate) fn findings_of(text: &str, strict: bool) -> Vec<String> {
    findings_with(text, RuleSet::defaults(strict))
}

/// The findings of rule `code` in a room of `participants` (the members
/// of its participants map, as text).
#[cfg(test)]
pub(crate) fn findings_among(participants: &str, code: &str) -> Vec<String> {
    findings_of(
        &format!(r#"{{"id":"r","participants":{{{participants}}}}}"#),
        false,
    )
    .into_iter()
    .filter(|l| l.split(' ').next() == Some(code))
    .collect()
}

/// As [`findings_of`], with `codes` run beside the defaults
/// (`--extend-select`).
#[cfg(test)]
pub(crate) fn findings_extending(text: &str, codes: &[&str]) -> Vec<String> {
    let extend = codes
        .iter()
        .map(|c| Rule::from_code(c).unwrap_or_else(|| panic!("no rule {c}")))
        .collect();
    findings_with(
        text,
        RuleSet::of(&Selection {
            extend,
            ..Selection::default()
        }),
    )
}

/// The keys of the participants the walk keeps in the roster of `text`,
/// with only rule `code` running: what its keep predicate lets through.
#[cfg(test)]
pub(crate) fn kept_by(text: &str, code: &str) -> Vec<String> {
    let opts = crate::walk::Options {
        rules: RuleSet::of(&Selection {
            select: Some(Rule::from_code(code).into_iter().collect()),
            ..Selection::default()
        }),
        now_ms: 1_717_200_000_000,
        split: crate::walk::Split::Never,
        collect: Collect::NOTHING,
    };
    let mut scratch = crate::walk::Scratch::default();
    match crate::walk::walk_room(text.as_bytes(), 0, true, 0, None, &opts, &mut scratch) {
        Ok((room, _)) => room
            .roster
            .iter()
            .filter_map(|p| crate::walk::participant_at(text.as_bytes(), p.key_at))
            .map(|p| p.key.decode().into_owned())
            .collect(),
        Err(e) => vec![format!("stopped: {e:?}")],
    }
}

#[cfg(test)]
pub(crate) fn findings_with(text: &str, rules: RuleSet) -> Vec<String> {
    let opts = crate::walk::Options {
        rules,
        now_ms: 1_717_200_000_000,
        split: crate::walk::Split::Never,
        collect: Collect::NOTHING,
    };
    let mut scratch = crate::walk::Scratch::default();
    match crate::walk::walk_room(text.as_bytes(), 0, true, 0, None, &opts, &mut scratch) {
        Ok((room, _)) => room
            .findings
            .iter()
            .map(|f| {
                let span = &text[f.at..f.end.min(text.len())];
                format!(
                    "{} {} [{span}]: {}",
                    f.rule.code(),
                    f.pointer,
                    crate::diag::message(f, None)
                )
            })
            .collect(),
        Err(e) => vec![format!("stopped: {e:?}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_values_and_pointers_keep_sixty_characters() {
        let sixty = "é".repeat(60);
        assert_eq!(shown_number(&"1".repeat(60)), "1".repeat(60));
        assert_eq!(
            shown_number(&"1".repeat(61)),
            format!("{}… (61 characters)", "1".repeat(60))
        );
        let whole = format!("/participants/{sixty}/leftAt");
        assert_eq!(shown_pointer(whole.clone()), whole);
        assert_eq!(
            shown_pointer(format!("/participants/{sixty}x/0")),
            format!("/participants/{sixty}…/0")
        );
        assert_eq!(
            shown_pointer(format!("/{}", "a".repeat(61))),
            format!("/{}…", "a".repeat(60))
        );
    }

    #[test]
    fn codes_are_unique_kebab_case_and_errors_come_first() {
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|r| r.code).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        );
        let first_warning = CATALOGUE
            .iter()
            .position(|r| r.severity() == Severity::Warning)
            .unwrap_or(CATALOGUE.len());
        assert!(
            CATALOGUE[first_warning..]
                .iter()
                .all(|r| r.severity() == Severity::Warning)
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
    }

    #[test]
    fn named_rules_are_rows_of_the_catalogue() {
        for rule in [
            Rule::Syntax,
            Rule::NoRoom,
            Rule::Type,
            Rule::UnknownField,
            Rule::DuplicateKey,
            Rule::TimestampRange,
        ] {
            assert_eq!(Rule::from_code(rule.code()), Some(rule));
        }
        assert_ne!(Rule::Syntax, Rule::Type);
        assert_eq!(Rule::from_code("no-such-rule"), None);
        assert_eq!(format!("{:?}", Rule::DuplicateKey), "duplicate-key");
    }

    #[test]
    fn each_hook_table_holds_exactly_its_rows_in_catalogue_order() {
        let rows = |hook: u8| -> Vec<&str> {
            CATALOGUE
                .iter()
                .filter(|r| hook_of(&r.check) == hook)
                .map(|r| r.code)
                .collect()
        };
        let codes = |table: Vec<Rule>| -> Vec<&str> { table.into_iter().map(Rule::code).collect() };
        assert_eq!(
            codes(HOOKS.timestamp.iter().map(|h| h.0).collect()),
            rows(1)
        );
        assert_eq!(codes(HOOKS.number.iter().map(|h| h.0).collect()), rows(2));
        assert_eq!(
            codes(HOOKS.participant.iter().map(|h| h.0).collect()),
            rows(3)
        );
        assert_eq!(codes(HOOKS.room.iter().map(|h| h.0).collect()), rows(4));
        assert_eq!(codes(HOOKS.roster.iter().map(|h| h.0).collect()), rows(5));
        assert_eq!(rows(5), ["joined-before-created", "present-after-finished"]);
        assert_eq!(
            rows(1),
            ["seconds-not-ms", "timestamp-in-future", "epoch-timestamp"]
        );
        assert_eq!(
            rows(3),
            [
                "left-before-joined",
                "key-identity-mismatch",
                "not-from-studio"
            ]
        );
    }

    #[test]
    fn a_run_collects_what_the_rules_it_runs_need_and_no_more() {
        let only = |codes: &[&str]| {
            RuleSet::of(&Selection {
                select: Some(codes.iter().filter_map(|c| Rule::from_code(c)).collect()),
                ..Selection::default()
            })
            .needs()
        };
        assert_eq!(only(&[]), Collect::NOTHING);
        assert_eq!(
            only(&["syntax", "type", "left-before-joined"]),
            Collect::NOTHING
        );
        let identities = Collect {
            identities: true,
            ..Collect::NOTHING
        };
        assert_eq!(only(&["duplicate-identity"]), identities);
        let roster_and_events = Collect {
            roster: true,
            events: true,
            ..Collect::NOTHING
        };
        assert_eq!(
            only(&["joined-before-created", "events-out-of-order"]),
            roster_and_events
        );
        let roster_and_events = roster_and_events.union(Collect {
            latest: true,
            ..Collect::NOTHING
        });
        assert_eq!(
            RuleSet::default().needs(),
            roster_and_events.union(identities)
        );
        // A rule turned off costs nothing.
        let ignored = RuleSet::of(&Selection {
            ignore: ["duplicate-identity", "confusable-identity"]
                .iter()
                .filter_map(|c| Rule::from_code(c))
                .collect(),
            ..Selection::default()
        });
        assert_eq!(ignored.needs(), roster_and_events);
    }

    #[test]
    fn every_row_has_its_words_and_examples() {
        for r in CATALOGUE {
            assert!(
                !r.summary.is_empty() && !r.explanation.is_empty(),
                "{}",
                r.code
            );
            assert!(!r.bad.is_empty() && !r.good.is_empty(), "{}", r.code);
            assert_ne!(r.bad, r.good, "{}", r.code);
        }
    }
}
