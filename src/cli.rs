//! The command line: commands, shared options and the help that teaches.

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::report::{
    ReportSink, github::Github, gitlab::Gitlab, human::Human, json::Json, junit::Junit,
    sarif::Sarif,
};
use crate::rules::{Rule, RuleSet, Selection};
use crate::term::{ColorChoice, Paint};

macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  success; for validate, every room is valid (warnings allowed unless --deny-warnings)
  1  the input was read but is not valid: not JSON, or not a valid Room
  2  usage error, or an input could not be read (missing file, permission, directory without rooms)"
    };
}

/// The exit codes of the commands that show a room rather than judge it.
macro_rules! listing_exit_codes {
    () => {
        "Exit codes:
  0  success
  1  an input was read but is not valid: not JSON, or not a valid Room (what could be read
     is still shown; `validate` says what is wrong)
  2  usage error, or an input could not be read (missing file, permission, directory without rooms)"
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "room-inspector",
    version = crate::time::VERSION_WITH_TZDB,
    about = "Validate Livepeer Room JSON, list its participants, read its timestamps",
    long_about = "Reads Livepeer Room JSON (what the Livepeer Studio API returns for GET /room/{id}): \
one room, an array of rooms, or a stream of rooms (NDJSON or concatenated), from files or \
standard input.",
    after_help = concat!("Examples:
  room-inspector validate room.json
  room-inspector validate --format github rooms/
  curl -s -H \"Authorization: Bearer $LIVEPEER_API_KEY\" \"$API/room/$ID\" | room-inspector participants
  room-inspector timestamps --tz Europe/Berlin room.json

", exit_codes!()),
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Deferred: clap builds a command's arguments and help only when that
/// command is parsed or its help shown. Building all of them before
/// reading one argument took as long as the rest of a run on a small room.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Check rooms and report every problem with file:line:col, a JSON Pointer and a rule code
    // The usage is spelled out: on a conflict error, clap's own shows the
    // flags given and the FILE as `<FILE>...`, as if it were required.
    // Its after_help is on `ValidateArgs`, so that it is built only with
    // the command.
    #[command(override_usage = "room-inspector validate [OPTIONS] [FILE]...")]
    Validate(ValidateArgs),
    /// Show who was in each room: identity, name, joined, left, duration, status
    #[command(override_usage = "room-inspector participants [OPTIONS] [FILE]...", after_help = concat!("Examples:
  room-inspector participants room.json
  room-inspector participants --active --sort name room.json
  room-inspector participants --format csv --tz Europe/Berlin rooms.ndjson > people.csv
  room-inspector participants --format json room.json | jq '.[] | select(.status == \"active\")'

leftAt is not exact: on every participant_left event the service stamps leftAt on every
participant still listed, so someone who is still present may carry a leftAt. Treat LEFT
and DURATION as upper bounds, not measurements.

", listing_exit_codes!()))]
    Participants(ParticipantsArgs),
    /// Show every millisecond timestamp in each room as a readable time
    #[command(override_usage = "room-inspector timestamps [OPTIONS] [FILE]...", after_help = concat!("Examples:
  room-inspector timestamps room.json
  room-inspector timestamps --tz Asia/Tokyo --time-style rfc2822 room.json
  room-inspector timestamps --time-style '+%Y-%m-%d %H:%M' room.json
  room-inspector timestamps --format json room.json | jq .participants

", listing_exit_codes!()))]
    Timestamps(TimestampsArgs),
    /// Answer what happened in each room: who came, how many at once, who stayed longest
    #[command(override_usage = "room-inspector summary [OPTIONS] [FILE]...", after_help = concat!("Examples:
  room-inspector summary room.json
  room-inspector summary --format json rooms.ndjson | jq '.[] | .peak.count'
  curl -s \"$API/room/$ID\" | room-inspector summary --tz Europe/Berlin

Peak: the most participants present at once, and when that first happened. A stay runs
from joinedAt to leftAt, or to --now (or deletedAt, if earlier) for someone with no
leftAt; at an instant where one leaves and another joins, the one leaving has gone. leftAt is stamped on everyone still
listed at each leave event upstream, so stays, and the peak, are upper bounds.

", listing_exit_codes!()))]
    Summary(SummaryArgs),
    /// Show what changed between two snapshots of rooms: who joined, who left, which fields
    #[command(
        override_usage = "room-inspector diff [OPTIONS] <OLD> <NEW>",
        after_help = "Examples:
  room-inspector diff before.json after.json
  curl -s \"$API/room/$ID\" > now.json; room-inspector diff then.json now.json
  room-inspector diff --format json old.ndjson new.ndjson | jq '.[] | select(.change == \"participantAdded\")'

Rooms are matched by ID (rooms without one, by their place in the input), participants by
their key in the participants map. Lines start with + (only in NEW), - (only in OLD) or ~
(changed). The smaller input is held in memory and the other is streamed against it.

Exit codes (as diff(1)):
  0  the rooms are the same
  1  the rooms differ
  2  trouble: usage error, an input that cannot be read, or is not JSON or not a room"
    )]
    Diff(DiffArgs),
    /// Print the JSON Schema (draft 2020-12) of a room, for editors and other validators
    #[command(after_help = "Examples:
  room-inspector schema > room.schema.json
  room-inspector schema | jq '.properties | keys'

Point an editor at the file: \"$schema\": \"./room.schema.json\" in a room, or VS Code's
json.schemas setting. The schema checks types, required fields and timestamp ranges;
validate also catches duplicate keys, seconds instead of milliseconds, times out of order,
misspelled fields, keys that differ from identities and API error bodies.")]
    Schema,
    /// Print a shell completion script for bash, zsh, fish, powershell or elvish
    #[command(after_help = "Install (a new shell picks the script up):
  bash:
    room-inspector completions bash > ~/.local/share/bash-completion/completions/room-inspector
  zsh (and fpath=(~/.zfunc $fpath) in ~/.zshrc, before compinit):
    room-inspector completions zsh > ~/.zfunc/_room-inspector
  fish:
    room-inspector completions fish > ~/.config/fish/completions/room-inspector.fish
  powershell:
    room-inspector completions powershell >> $PROFILE
  elvish:
    room-inspector completions elvish >> ~/.config/elvish/rc.elv")]
    Completions(CompletionsArgs),
    /// Print the man page (roff) of the tool and all its commands
    #[command(after_help = "Install:
  mkdir -p ~/.local/share/man/man1
  room-inspector man > ~/.local/share/man/man1/room-inspector.1
  man room-inspector

Or read it at once: room-inspector man | man -l -")]
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The help after `validate`'s options: examples, the rules by level
/// (read from the catalogue, so it cannot miss one), and the exit codes.
fn validate_after_help() -> String {
    use crate::rules::{CATALOGUE, Level};
    let codes = |default: Level, strict: Option<Level>| -> String {
        CATALOGUE
            .iter()
            .filter(|r| r.default == default && strict.is_none_or(|s| r.strict == s))
            .map(|r| r.code)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rules = format!(
        "Rules: {} (errors); {} (warnings); {} (errors, only with --strict)",
        codes(Level::Error, None),
        codes(Level::Warning, None),
        codes(Level::Off, Some(Level::Error)),
    );
    let off = codes(Level::Off, Some(Level::Off));
    if !off.is_empty() {
        rules.push_str(&format!("; {off} (off unless selected)"));
    }
    let raised: Vec<&str> = CATALOGUE
        .iter()
        .filter(|r| r.default != Level::Off && r.strict != r.default)
        .map(|r| r.code)
        .collect();
    if !raised.is_empty() {
        rules.push_str(&format!(
            ". Under --strict, {} {} an error too",
            raised.join(", "),
            if raised.len() == 1 { "is" } else { "are" }
        ));
    }
    rules.push_str(". --list-rules lists them; --explain RULE says what one checks and why.");
    format!(
        "Examples:
  room-inspector validate room.json
  room-inspector validate --strict --deny-warnings rooms/*.json
  room-inspector validate rooms/ --glob '!drafts/'   # *.json, *.ndjson, *.jsonl below rooms/
  room-inspector validate --format github room.json     # annotations in GitHub Actions
  room-inspector validate --format sarif rooms/*.json > rooms.sarif   # code scanning
  room-inspector validate --format json room.json | jq 'select(.type == \"diagnostic\")'
  room-inspector validate --ignore key-identity-mismatch --deny seconds-not-ms room.json
  room-inspector validate --extend-select not-from-studio,room-id-shape room.json   # off by default
  room-inspector validate --explain seconds-not-ms

{}

Choosing rules: --select replaces the default rules (`all` is every rule), --extend-select
adds to them, then --ignore turns rules off and --deny makes them errors. --strict changes
the defaults, before the others apply; --deny-warnings fails the run on any warning that is
still reported. `syntax` always runs.

A room that is not JSON never hides the next one: in NDJSON, reading goes on at the next
line; in other streams, at the next line that begins with `{{` in column 1 (or one more
diagnostic says where reading stopped). Text after a room is an error of that room.

Exit codes:
  0  every room is valid (warnings allowed unless --deny-warnings)
  1  an input is not JSON, or holds a room that is not valid
  2  usage error, or an input could not be read (missing file, permission, directory without rooms)",
        wrap(&rules, 90)
    )
}

/// Greedy word wrap, so generated help reads like the hand-written rest.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split(' ') {
        // Counted in characters: an ellipsis is one column, not three.
        let word_len = word.chars().count();
        if line_len > 0 && line_len + 1 + word_len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word_len;
    }
    out
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Room JSON files or directories; `-` or nothing reads standard input
    #[arg(value_name = "FILE|DIR")]
    pub files: Vec<OsString>,

    /// Which files of a directory are read, in gitignore syntax; repeat it for several, `!`
    /// excludes [default: *.json, *.ndjson, *.jsonl]
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,

    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// The time that "now" means, as RFC 3339 or Unix ms (default: the clock); a number that
    /// reads as Unix seconds is refused
    #[arg(long, value_name = "RFC3339|MS", value_parser = crate::time::parse_now)]
    pub now: Option<i64>,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Unknown fields (admin-view ones included) are errors, and so are misspelt ones
    #[arg(long, help_heading = "Rules")]
    pub strict: bool,

    /// Run only these rules: comma-separated codes, or `all` (`validate --list-rules` lists
    /// them)
    #[arg(long, help_heading = "Rules", value_name = "RULE,...", value_delimiter = ',', value_parser = parse_selector)]
    pub select: Option<Vec<Selector>>,

    /// Run these rules as well as the default ones (a rule that is off by default, say)
    #[arg(long, help_heading = "Rules", value_name = "RULE,...", value_delimiter = ',', value_parser = parse_rule)]
    pub extend_select: Vec<Rule>,

    /// Do not run these rules
    #[arg(long, help_heading = "Rules", value_name = "RULE,...", value_delimiter = ',', value_parser = parse_rule)]
    pub ignore: Vec<Rule>,

    /// Report these rules as errors, and run them if they are off
    #[arg(long, help_heading = "Rules", value_name = "RULE,...", value_delimiter = ',', value_parser = parse_rule)]
    pub deny: Vec<Rule>,
}

/// One value of `--select`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    All,
    One(Rule),
}

impl RuleArgs {
    /// What runs, at what level. `syntax` cannot be turned off: a text that
    /// is not JSON has nothing else to check.
    pub fn rule_set(&self) -> Result<RuleSet, crate::Error> {
        if self.ignore.contains(&Rule::Syntax) {
            return Err(crate::Error::Usage(
                "the syntax rule cannot be ignored: a text that is not JSON has nothing else to \
                 check"
                    .to_string(),
            ));
        }
        let select = self.select.as_ref().map(|selectors| {
            if selectors.contains(&Selector::All) {
                Rule::all().collect()
            } else {
                selectors
                    .iter()
                    .filter_map(|s| match s {
                        Selector::One(rule) => Some(*rule),
                        Selector::All => None,
                    })
                    .collect()
            }
        });
        Ok(RuleSet::of(&Selection {
            strict: self.strict,
            select,
            extend: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            deny: self.deny.clone(),
        }))
    }
}

/// A rule code, or a usage error that names the nearest one.
pub fn parse_rule(code: &str) -> Result<Rule, String> {
    let code = code.trim();
    Rule::from_code(code).ok_or_else(|| {
        let hint = match Rule::nearest(code) {
            Some(near) => format!("; did you mean `{}`?", near.code()),
            None => String::new(),
        };
        format!(
            "unknown rule `{}`{hint} (`room-inspector validate --list-rules` lists them)",
            crate::term::sanitize(code)
        )
    })
}

fn parse_selector(code: &str) -> Result<Selector, String> {
    if code.trim() == "all" {
        Ok(Selector::All)
    } else {
        parse_rule(code).map(Selector::One)
    }
}

#[derive(Debug, Args)]
#[command(after_help = validate_after_help())]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Warnings fail the run (exit 1)
    #[arg(long, help_heading = "Rules")]
    pub deny_warnings: bool,

    /// Print no report; the exit code is the answer (an unreadable input is
    /// still named on stderr)
    #[arg(short, long)]
    pub quiet: bool,

    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human, value_name = "FORMAT")]
    pub format: ReportFormat,

    /// Print the rules (code, level, what each catches) and exit; with `--format json`, as
    /// JSON
    #[arg(long, help_heading = "Rules", conflicts_with_all = ["explain", "files"])]
    pub list_rules: bool,

    /// Say what a rule checks, why it matters for room data, and show a room it fails and one
    /// it passes; then exit
    #[arg(long, help_heading = "Rules", value_name = "RULE", value_parser = parse_rule, conflicts_with = "files")]
    pub explain: Option<Rule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// file:line:col: severity[rule]: /pointer: message
    Human,
    /// JSON Lines: one object per diagnostic and per file, then a summary
    Json,
    /// GitHub Actions workflow commands (::error file=…,line=…,col=…::…)
    Github,
    /// SARIF 2.1.0 log, every rule included (GitHub code scanning); stdin is uri -
    Sarif,
    /// GitLab Code Quality report (artifacts:reports:codequality)
    Gitlab,
    /// JUnit XML: a testsuite per file, a testcase per room (Jenkins, GitLab, Azure)
    Junit,
}

impl ReportFormat {
    /// The name `--format` takes.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }

    /// The one place a format meets its sink. `paint` is the colour decided
    /// for stdout; formats for machines ignore it.
    pub fn sink(self, paint: Paint) -> Box<dyn ReportSink> {
        match self {
            ReportFormat::Human => Box::new(Human { paint }),
            ReportFormat::Json => Box::new(Json),
            ReportFormat::Github => Box::new(Github),
            ReportFormat::Sarif => Box::<Sarif>::default(),
            ReportFormat::Gitlab => Box::<Gitlab>::default(),
            ReportFormat::Junit => Box::<Junit>::default(),
        }
    }
}

#[derive(Debug, Args)]
pub struct TimeArgs {
    /// Time zone: an IANA name (Europe/Berlin), `local`, or a UTC offset (+05:30, -0800, UTC+2)
    #[arg(
        long,
        value_name = "ZONE",
        default_value = "UTC",
        allow_hyphen_values = true
    )]
    pub tz: String,

    /// rfc3339, rfc2822, iso-date, relative, unix-seconds, or +FORMAT (strftime)
    #[arg(long, value_name = "STYLE", default_value = "rfc3339")]
    pub time_style: String,
}

#[derive(Debug, Args)]
pub struct ParticipantsArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Output format [default: table on a terminal, plain when piped]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ParticipantsFormat>,

    /// Order of the rows
    #[arg(long, value_enum, default_value_t = SortKey::Joined, value_name = "KEY")]
    pub sort: SortKey,

    /// Reverse the order
    #[arg(long)]
    pub reverse: bool,

    /// With several rooms, sort and write each room on its own, as it is read, instead of
    /// sorting all rooms' rows together (the default for plain, csv, tsv, json and ndjson,
    /// which holds every listed row in memory; the table and markdown are always per room)
    #[arg(long)]
    pub per_room: bool,

    /// Only participants still in the room: joined, and no leftAt (status active)
    #[arg(long, conflicts_with = "left")]
    pub active: bool,

    /// Only participants who left: joined, and a leftAt (status left)
    #[arg(long)]
    pub left: bool,

    /// Only participants whose identity, key or name contains TEXT, ignoring case
    /// (`*` matches any run of characters: --match 'ann*smith')
    #[arg(long = "match", value_name = "TEXT")]
    pub matching: Option<String>,

    /// Leave out the header row (plain, csv, tsv)
    #[arg(long)]
    pub no_header: bool,

    /// csv/tsv: only these fields, in this order, named as in the header
    /// (room,key,identity,name,joined_at_ms,joined_at,left_at_ms,left_at,duration_ms,duration,
    /// status,source), e.g. --columns identity,name,duration
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',')]
    pub columns: Vec<String>,

    /// csv/tsv: write text exactly as in the input. By default a text cell that starts with
    /// = + - @ TAB or CR gets a leading ' (so a spreadsheet does not run it as a formula) and
    /// control, bidi and zero-width characters are shown as \u{..} escapes
    #[arg(long)]
    pub raw_csv: bool,

    /// List at most N participants of each room (after --sort); stderr says how many were
    /// left out
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Draw each participant's stay as a bar across the room's time span, with a time axis
    #[arg(long, conflicts_with = "format")]
    pub timeline: bool,

    /// With --timeline: plain ASCII instead of Unicode block characters
    #[arg(long, requires = "timeline")]
    pub ascii: bool,

    /// Fit the table and --timeline to N columns, on a terminal or in a pipe
    /// [default: $COLUMNS, else the terminal's width; no limit in a pipe]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParticipantsFormat {
    /// A bordered table fitted to the terminal
    Table,
    /// Aligned columns without borders or colour
    Plain,
    /// An array of objects with raw ms values and rendered strings
    Json,
    /// One JSON object per participant per line
    Ndjson,
    /// Comma-separated, a header row, fields quoted only where needed
    Csv,
    /// Tab-separated; a field holding a tab, quote or line break is quoted
    /// as in CSV
    Tsv,
    /// A GitHub-flavoured Markdown table
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Identity,
    Name,
    Joined,
    Left,
    Duration,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier snapshot: a room, an array or a stream of rooms; `-` reads standard input
    #[arg(value_name = "OLD")]
    pub old: OsString,

    /// The later snapshot
    #[arg(value_name = "NEW")]
    pub new: OsString,

    #[command(flatten)]
    pub time: TimeArgs,

    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// The time that "now" means, as RFC 3339 or Unix ms (default: the clock)
    #[arg(long, value_name = "RFC3339|MS", value_parser = crate::time::parse_now)]
    pub now: Option<i64>,

    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text, value_name = "FORMAT")]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One line per change: + added, - removed, ~ changed
    Text,
    /// An array of change objects with raw values and rendered times
    Json,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text, value_name = "FORMAT")]
    pub format: SummaryFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// A block of labelled lines per room, then the totals
    Text,
    /// An array of one object per room, raw ms beside rendered strings
    Json,
    /// One JSON object per room per line
    Ndjson,
    /// A heading and a two-column table per room
    Markdown,
}

#[derive(Debug, Args)]
pub struct TimestampsArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub time: TimeArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Output format [default: table on a terminal, plain when piped]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<TimestampsFormat>,

    /// Leave out the header row (plain)
    #[arg(long)]
    pub no_header: bool,

    /// Fit the table to N columns, on a terminal or in a pipe
    /// [default: $COLUMNS, else the terminal's width; no limit in a pipe]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimestampsFormat {
    /// One row per timestamp: pointer, raw value, time, relative time
    Table,
    /// The same rows, aligned, without borders or colour
    Plain,
    /// The room itself with every timestamp replaced by its rendered time
    Json,
    /// Like json, one room per line
    Ndjson,
}
