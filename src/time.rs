//! Time rendering shared by every command: zone, style and the clock.
//! Default zone is UTC so CI logs are deterministic; `--now` pins anything
//! relative to the present.

use std::fmt::Write as _;
use std::sync::LazyLock;

use jiff::fmt::{rfc2822, strtime};
use jiff::tz::{self, Offset, TimeZone, TimeZoneDatabase};
use jiff::{Timestamp, Zoned};

pub const VERSION_WITH_TZDB: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (time zones: the system's zoneinfo when present, else a bundled copy of the IANA database)"
);

/// Used when the system database lacks a zone or is missing entirely (minimal
/// containers): jiff only falls back to its bundle when no system copy exists.
static BUNDLED: LazyLock<TimeZoneDatabase> = LazyLock::new(TimeZoneDatabase::bundled);

/// RFC 3339 in UTC with milliseconds, the form used in messages.
pub fn utc_ms(ms: i64) -> String {
    rfc3339_utc_ms(ms)
}

/// A value read as Unix seconds, in RFC 3339 UTC.
pub fn utc_seconds(value: i64) -> String {
    match Timestamp::from_second(value) {
        Ok(ts) => format!("{ts:.0}"),
        Err(_) => format!("{value} s (out of range)"),
    }
}

/// `--now`: RFC 3339 or Unix milliseconds.
///
/// A number that reads as Unix seconds (the range the `seconds-not-ms`
/// rule flags in the data) is refused with both readings: taken as
/// milliseconds it would mean a day in 1970 and make every timestamp of
/// the room "in the future", and guessing the unit silently would hide a
/// script's mistake.
pub fn parse_now(text: &str) -> Result<i64, String> {
    if let Ok(ms) = text.parse::<i64>() {
        if crate::rules::timestamp::SECONDS_LIKE.contains(&ms) {
            return Err(format!(
                "{ms} looks like Unix seconds ({}), but --now takes milliseconds (as ms it is {}); \
                 give {}000 or an RFC 3339 time",
                utc_seconds(ms),
                utc_ms(ms),
                ms
            ));
        }
        return in_range(ms, text);
    }
    match text.parse::<Timestamp>() {
        Ok(ts) => in_range(ts.as_millisecond(), text),
        // jiff refuses times past its range with the same error as bad
        // text; a well-formed RFC 3339 time in year 9999 is the former.
        Err(_) if text.starts_with("9999-") || text.starts_with('+') || text.starts_with('-') => {
            Err(out_of_range(text))
        }
        Err(_) => Err(format!(
            "expected RFC 3339 (2024-01-02T03:04:05Z) or Unix milliseconds, found {}",
            crate::term::quoted(text)
        )),
    }
}

/// `--now` takes the times a timestamp may: every duration and relative
/// time is then a difference of two values in range, far from overflow.
fn in_range(ms: i64, text: &str) -> Result<i64, String> {
    if (0..=crate::rules::timestamp::MAX_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(out_of_range(text))
    }
}

fn out_of_range(text: &str) -> String {
    format!(
        "{} is out of range; --now must be from 1970-01-01T00:00:00Z to \
         9999-12-30T22:00:00.999Z (Unix ms 0 to {}), as timestamps must",
        crate::term::quoted(text),
        crate::rules::timestamp::MAX_MS
    )
}

pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// The longest zone name looked up; real ones are under 40 characters.
/// Anything longer is refused at once, without comparing it against every
/// zone for a suggestion.
const MAX_ZONE_NAME: usize = 64;

/// The largest `TZ` file read. TZif files are a few kilobytes; a bound
/// keeps `TZ=/dev/zero` or a huge file from being read whole.
const MAX_TZIF: u64 = 256 << 10;

/// A zone by IANA name, a UTC offset, or `local` (`tz` is `$TZ`); an
/// unknown name suggests close ones.
pub fn zone(name: &str, tz: Option<&str>) -> Result<TimeZone, String> {
    if name.eq_ignore_ascii_case("utc") || name == "Z" {
        return Ok(TimeZone::UTC);
    }
    if name == "local" {
        return local_zone(tz);
    }
    if name.chars().count() > MAX_ZONE_NAME {
        return Err(format!(
            "unknown time zone {}: longer than any zone name",
            crate::term::quoted(name)
        ));
    }
    if let Some(offset) = fixed_offset(name) {
        return offset.map(TimeZone::fixed);
    }
    if let Ok(zone) = tz::db().get(name).or_else(|_| BUNDLED.get(name)) {
        return Ok(zone);
    }
    let mut message = format!("unknown time zone {name:?}");
    match suggest_zone(name) {
        Some(close) => message.push_str(&format!("; did you mean {close:?}?")),
        None => message.push_str("; use an IANA name such as Europe/Berlin, or UTC, or local"),
    }
    Err(message)
}

/// The zone `TZ` names, as the C library reads it: unset is the system's
/// zone, empty is UTC, `:/path` or `/path` a TZif file, otherwise a zone
/// name or a POSIX TZ string. A file is read only when it is a regular
/// file of a sane size, so a FIFO or `/dev/zero` cannot hang the run, and
/// a `TZ` that is none of these is an error that names it.
fn local_zone(tz: Option<&str>) -> Result<TimeZone, String> {
    let Some(value) = tz else {
        return Ok(TimeZone::try_system().unwrap_or(TimeZone::UTC));
    };
    let spec = value.strip_prefix(':').unwrap_or(value);
    let bad = |why: &str| format!("TZ={}: {why}", crate::term::quoted(value));
    if spec.is_empty() {
        return Ok(TimeZone::UTC);
    }
    if spec.starts_with('/') {
        let meta = std::fs::metadata(spec).map_err(|e| bad(&format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(bad("not a regular file, so not a TZif time zone file"));
        }
        if meta.len() > MAX_TZIF {
            return Err(bad(&format!(
                "{} bytes is too large for a TZif time zone file",
                meta.len()
            )));
        }
        let mut bytes = Vec::new();
        std::fs::File::open(spec)
            .and_then(|f| {
                std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_TZIF), &mut bytes)
            })
            .map_err(|e| bad(&format!("cannot read it: {e}")))?;
        return TimeZone::tzif(spec, &bytes)
            .map_err(|e| bad(&format!("not a TZif time zone file ({e})")));
    }
    if spec.len() <= MAX_ZONE_NAME
        && !spec.contains("..")
        && let Ok(zone) = tz::db().get(spec).or_else(|_| BUNDLED.get(spec))
    {
        return Ok(zone);
    }
    TimeZone::posix(spec).map_err(|_| {
        bad("neither a zone name (Europe/Berlin), a POSIX TZ string (EST5EDT,M3.2.0,M11.1.0) nor a TZif file path; unset it for the system's zone")
    })
}

/// A fixed offset from UTC: `+05:00`, `-0800`, `+5`, or the same after
/// `UTC` or `GMT` (`UTC+2`). The sign is read as in RFC 3339, east of UTC
/// positive, as people write it; POSIX TZ strings, where `UTC+2` means two
/// hours west, are not taken. `None` when `name` is not shaped like an
/// offset at all, so it is looked up as a zone name.
fn fixed_offset(name: &str) -> Option<Result<Offset, String>> {
    let upper = name.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1, &rest[1..]),
        Some(b'-') => (-1, &rest[1..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let number = |text: &str| {
        (!text.is_empty() && text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<i32>().ok())
            .flatten()
    };
    let bad = || format!("{name:?} is not a UTC offset; write one as +05:00, -0800 or UTC+2");
    let (Some(h), Some(m)) = (number(hours), number(minutes)) else {
        return Some(Err(bad()));
    };
    if h > 18 || m > 59 {
        return Some(Err(format!(
            "{name:?} is out of range; a UTC offset is at most 18 hours either way"
        )));
    }
    Some(Offset::from_seconds(sign * (h * 3600 + m * 60)).map_err(|_| bad()))
}

fn suggest_zone(query: &str) -> Option<String> {
    let q = query.trim().to_ascii_lowercase().replace(' ', "_");
    let names: Vec<String> = if tz::db().is_definitively_empty() {
        BUNDLED.available().map(|n| n.to_string()).collect()
    } else {
        tz::db().available().map(|n| n.to_string()).collect()
    };
    names
        .into_iter()
        .map(|name| {
            let lower = name.to_ascii_lowercase();
            let city = lower.rsplit('/').next().unwrap_or(&lower);
            let score = strsim::normalized_damerau_levenshtein(&q, &lower)
                .max(strsim::normalized_damerau_levenshtein(&q, city));
            (score, name)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
        .filter(|(score, _)| *score >= 0.7)
        .map(|(_, name)| name)
}

/// A jiff timestamp for Unix milliseconds. `Timestamp::from_millisecond`
/// stops at 9999-12-30T22:00:00.000Z, a millisecond short of the last
/// millisecond jiff can hold, so build it from seconds and nanoseconds.
fn timestamp(ms: i64) -> Result<Timestamp, jiff::Error> {
    let nanos = ms.rem_euclid(1000) as i32 * 1_000_000;
    Timestamp::new(ms.div_euclid(1000), nanos)
}

/// How a time is written (`--time-style`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Style {
    Rfc3339,
    Rfc2822,
    IsoDate,
    Relative,
    UnixSeconds,
    /// strftime directives, as `date +FORMAT` and `ls --time-style=+FORMAT`.
    Strftime(String),
}

impl Style {
    /// Whether every time this style writes is digits and `-:.TZ+` only
    /// (or the "(out of range)" note), so it can never need quoting or
    /// escaping: RFC 2822 has commas and a `+FORMAT` may hold anything.
    pub fn is_plain(&self) -> bool {
        matches!(self, Style::Rfc3339 | Style::IsoDate | Style::UnixSeconds)
    }

    pub fn parse(text: &str) -> Result<Style, String> {
        Ok(match text {
            "rfc3339" => Style::Rfc3339,
            "rfc2822" => Style::Rfc2822,
            "iso-date" => Style::IsoDate,
            "relative" => Style::Relative,
            "unix-seconds" => Style::UnixSeconds,
            "+" => {
                return Err(
                    "empty --time-style \"+\": give a format after the +, e.g. '+%Y-%m-%d %H:%M'"
                        .to_string(),
                );
            }
            _ => match text.strip_prefix('+') {
                Some(format) => {
                    let format = c_locale(format);
                    let format = format.as_str();
                    let sample = Timestamp::UNIX_EPOCH.to_zoned(TimeZone::UTC);
                    strtime::format(format, &sample)
                        .map_err(|e| format!("invalid --time-style {text:?}: {e}"))?;
                    Style::Strftime(format.to_string())
                }
                None => {
                    return Err(format!(
                        "unknown --time-style {text:?}; expected rfc3339, rfc2822, iso-date, \
                         relative, unix-seconds or +FORMAT (e.g. '+%Y-%m-%d %H:%M')"
                    ));
                }
            },
        })
    }
}

/// Renders millisecond timestamps in one zone and style, relative to `now`.
/// How much shorter [`TimeFormat::briefer`] writes a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brevity {
    Seconds,
    Minutes,
}

#[derive(Debug, Clone)]
pub struct TimeFormat {
    pub zone: TimeZone,
    pub style: Style,
    pub now_ms: i64,
}

impl TimeFormat {
    pub fn utc(now_ms: i64) -> TimeFormat {
        TimeFormat {
            zone: TimeZone::UTC,
            style: Style::Rfc3339,
            now_ms,
        }
    }

    /// The time in the chosen style; `ms` must be in range (0..=year 9999).
    /// A short label for a time axis in the chosen zone: `14:05`, or
    /// `11-14 14:05` when the axis spans days.
    pub fn axis_label(&self, ms: i64, with_date: bool) -> String {
        let Ok(ts) = timestamp(ms) else {
            return String::new();
        };
        let zoned = ts.to_zoned(self.zone.clone());
        let format = if with_date { "%m-%d %H:%M" } else { "%H:%M" };
        strtime::format(format, &zoned).unwrap_or_default()
    }

    /// The zone's offset from UTC at `ms`, in ms.
    pub fn offset_ms(&self, ms: i64) -> i64 {
        timestamp(ms)
            .map(|ts| i64::from(self.zone.to_offset(ts).seconds()) * 1000)
            .unwrap_or(0)
    }

    pub fn render(&self, ms: i64) -> String {
        let mut out = String::with_capacity(24);
        self.render_into(ms, &mut out);
        out
    }

    /// Appends the rendering to `out`: no allocation on the default path.
    /// The same times written shorter, for a table that does not fit:
    /// `Seconds` is `2024-12-04 08:01:00Z`, `Minutes` is `12-04 08:01`.
    /// Only the default style gets shorter; a style the user chose is kept.
    pub fn briefer(&self, brevity: Brevity) -> Option<TimeFormat> {
        if self.style != Style::Rfc3339 {
            return None;
        }
        let offset = if self.zone == TimeZone::UTC {
            "Z"
        } else {
            "%:z"
        };
        let format = match brevity {
            Brevity::Seconds => format!("%Y-%m-%d %H:%M:%S{offset}"),
            Brevity::Minutes => "%m-%d %H:%M".to_string(),
        };
        Some(TimeFormat {
            zone: self.zone.clone(),
            style: Style::Strftime(format),
            now_ms: self.now_ms,
        })
    }

    pub fn render_into(&self, ms: i64, out: &mut String) {
        if self.style == Style::Rfc3339 && self.zone == TimeZone::UTC {
            push_rfc3339_utc_ms(ms, out);
        } else {
            out.push_str(&self.render_slow(ms));
        }
    }

    fn render_slow(&self, ms: i64) -> String {
        let Ok(ts) = timestamp(ms) else {
            return format!("{ms} (out of range)");
        };
        match &self.style {
            Style::Relative => self.relative(ms),
            Style::UnixSeconds => {
                format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
            }
            style => {
                let zoned = ts.to_zoned(self.zone.clone());
                match style {
                    Style::Rfc2822 => rfc2822::to_string(&zoned).unwrap_or_else(|e| e.to_string()),
                    Style::IsoDate => zoned.date().to_string(),
                    Style::Strftime(f) => {
                        strtime::format(f, &zoned).unwrap_or_else(|e| e.to_string())
                    }
                    _ => rfc3339_ms(&zoned),
                }
            }
        }
    }

    /// "3h 12m ago", "in 2d", "now".
    pub fn relative(&self, ms: i64) -> String {
        let mut out = String::new();
        self.relative_into(ms, &mut out);
        out
    }

    /// Appends the relative time to `out`.
    pub fn relative_into(&self, ms: i64, out: &mut String) {
        let diff = ms - self.now_ms;
        let secs = (diff / 1000).unsigned_abs();
        if secs == 0 {
            out.push_str("now");
            return;
        }
        let span = compact_span(secs);
        if diff < 0 {
            out.push_str(&span);
            out.push_str(" ago");
        } else {
            out.push_str("in ");
            out.push_str(&span);
        }
    }
}

/// The default rendering, on the hot path of every command: RFC 3339 in
/// UTC with milliseconds, written directly (days to civil date after
/// Howard Hinnant's `civil_from_days`). Tested against jiff below.
pub fn rfc3339_utc_ms(ms: i64) -> String {
    let mut out = String::with_capacity(24);
    push_rfc3339_utc_ms(ms, &mut out);
    out
}

fn push_rfc3339_utc_ms(ms: i64, text: &mut String) {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        let _ = write!(text, "{ms} (out of range)");
        return;
    }
    let mut out = [0u8; 24];
    let digits = |out: &mut [u8], mut v: i64| {
        for slot in out.iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    digits(&mut out[0..4], year);
    out[4] = b'-';
    digits(&mut out[5..7], month);
    out[7] = b'-';
    digits(&mut out[8..10], day);
    out[10] = b'T';
    digits(&mut out[11..13], of_day / 3600);
    out[13] = b':';
    digits(&mut out[14..16], of_day / 60 % 60);
    out[16] = b':';
    digits(&mut out[17..19], of_day % 60);
    out[19] = b'.';
    digits(&mut out[20..23], millis);
    out[23] = b'Z';
    // All ASCII by construction.
    text.push_str(std::str::from_utf8(&out).unwrap_or_default());
}

fn rfc3339_ms(z: &Zoned) -> String {
    if z.offset() == Offset::UTC {
        format!("{:.3}", z.timestamp())
    } else {
        format!("{:.3}", z.timestamp().display_with_offset(z.offset()))
    }
}

/// `%c`, `%x` and `%X` as the C locale writes them ("Wed Dec  4
/// 08:00:00 2024"): strftime leaves these to the locale, and the
/// locale-free forms jiff gives read oddly ("2024 M12 4, Wed 08:00:00").
/// `%%` stays a literal percent sign.
fn c_locale(format: &str) -> String {
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('c') => out.push_str("%a %b %e %H:%M:%S %Y"),
            Some('x') => out.push_str("%m/%d/%y"),
            Some('X') => out.push_str("%H:%M:%S"),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// The two largest units of a span, in the units of a participant's
/// duration ("3h 12m", "2d 5h", "45s", "4y 225d"), so the tool writes a
/// span one way everywhere. Zero units are left out.
fn compact_span(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let two = |big: u64, big_unit: &str, small: u64, small_unit: &str| {
        if small == 0 {
            format!("{big}{big_unit}")
        } else {
            format!("{big}{big_unit} {small}{small_unit}")
        }
    };
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => two(m, "m", s, "s"),
        (0, _, _) => two(h, "h", m, "m"),
        _ if d < 7 => two(d, "d", h, "h"),
        _ if d < 365 => format!("{d}d"),
        _ if d < 3650 => two(d / 365, "y", d % 365, "d"),
        _ => format!("{}y", d / 365),
    }
}

/// A participant's time in the room: "1h 02m 05s", "3d 04h 05m", "42s".
pub fn duration(ms: i64) -> String {
    let mut out = String::with_capacity(12);
    duration_into(ms, &mut out);
    out
}

pub fn duration_into(ms: i64, out: &mut String) {
    if ms < 0 {
        out.push('-');
    }
    let secs = (ms / 1000).unsigned_abs();
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    // Written by hand: this runs for every row of a million-row listing.
    let mut number = itoa::Buffer::new();
    let two = |out: &mut String, v: u64| {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    };
    if d > 0 {
        out.push_str(number.format(d));
        out.push_str("d ");
        two(out, h);
        out.push_str("h ");
        two(out, m);
        out.push('m');
    } else if h > 0 {
        out.push_str(number.format(h));
        out.push_str("h ");
        two(out, m);
        out.push_str("m ");
        two(out, s);
        out.push('s');
    } else if m > 0 {
        out.push_str(number.format(m));
        out.push_str("m ");
        two(out, s);
        out.push('s');
    } else {
        out.push_str(number.format(s));
        out.push('s');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDK: i64 = 1_587_667_174_725;

    fn fmt(zone: &str, style: &str) -> TimeFormat {
        TimeFormat {
            zone: zone_or_panic(zone),
            style: Style::parse(style).unwrap_or(Style::Rfc3339),
            now_ms: SDK + 3 * 3_600_000 + 12 * 60_000,
        }
    }

    fn zone_or_panic(name: &str) -> TimeZone {
        match zone(name, None) {
            Ok(z) => z,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn sdk_example_renders_in_utc_and_tokyo() {
        assert_eq!(
            fmt("UTC", "rfc3339").render(SDK),
            "2020-04-23T18:39:34.725Z"
        );
        assert_eq!(
            fmt("Asia/Tokyo", "rfc3339").render(SDK),
            "2020-04-24T03:39:34.725+09:00"
        );
    }

    #[test]
    fn the_fast_utc_path_agrees_with_jiff() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut values = vec![
            0,
            1,
            999,
            1000,
            86_399_999,
            951_782_400_000,
            253_402_207_200_000,
        ];
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push((x % 253_402_300_800_000) as i64);
        }
        for ms in values {
            // jiff stops a day short of year 10000; compare where it can.
            if let Ok(t) = timestamp(ms) {
                assert_eq!(rfc3339_utc_ms(ms), format!("{t:.3}"), "{ms}");
            }
        }
    }

    #[test]
    fn every_style_renders() {
        assert_eq!(
            fmt("UTC", "rfc2822").render(SDK),
            "Thu, 23 Apr 2020 18:39:34 +0000"
        );
        assert_eq!(fmt("Asia/Tokyo", "iso-date").render(SDK), "2020-04-24");
        assert_eq!(fmt("UTC", "relative").render(SDK), "3h 12m ago");
        assert_eq!(fmt("UTC", "unix-seconds").render(SDK), "1587667174.725");
        assert_eq!(
            fmt("UTC", "+%Y/%m/%d %H:%M").render(SDK),
            "2020/04/23 18:39"
        );
    }

    #[test]
    fn dst_change_in_new_york_shifts_the_offset() {
        // 2024-03-10 06:59:59Z is 01:59:59 EST; one second later it is 03:00 EDT.
        let f = fmt("America/New_York", "rfc3339");
        assert_eq!(f.render(1_710_053_999_000), "2024-03-10T01:59:59.000-05:00");
        assert_eq!(f.render(1_710_054_000_000), "2024-03-10T03:00:00.000-04:00");
    }

    #[test]
    fn unknown_zone_suggests_a_close_name() {
        let e = zone("Europe/Berln", None).err().unwrap_or_default();
        assert!(e.contains("\"Europe/Berlin\""), "{e}");
    }

    #[test]
    fn bad_styles_are_refused() {
        assert!(Style::parse("+%J").is_err());
        assert!(Style::parse("fancy").is_err());
    }

    #[test]
    fn relative_and_durations_are_compact() {
        let f = fmt("UTC", "relative");
        assert_eq!(f.relative(f.now_ms + 2 * 86_400_000), "in 2d");
        assert_eq!(f.relative(f.now_ms - 3_725_000), "1h 2m ago");
        assert_eq!(f.relative(f.now_ms - 45_000), "45s ago");
        assert_eq!(
            f.relative(f.now_ms - 3 * 86_400_000 - 7_200_000),
            "3d 2h ago"
        );
        assert_eq!(f.relative(f.now_ms - 40 * 86_400_000), "40d ago");
        assert_eq!(f.relative(f.now_ms - 400 * 86_400_000), "1y 35d ago");
        assert_eq!(f.relative(f.now_ms - 4000 * 86_400_000), "10y ago");
        assert_eq!(f.relative(f.now_ms), "now");
        assert_eq!(duration(3_725_000), "1h 02m 05s");
        assert_eq!(duration(42_000), "42s");
        assert_eq!(duration(90 * 3_600_000), "3d 18h 00m");
    }

    #[test]
    fn every_style_and_zone_renders_the_whole_accepted_range() {
        use crate::rules::timestamp::MAX_MS;
        let styles = [
            "rfc3339",
            "rfc2822",
            "iso-date",
            "relative",
            "unix-seconds",
            "+%Y-%m-%d %H:%M %Z",
        ];
        let zones = [
            "UTC",
            "Europe/Berlin",
            "Pacific/Kiritimati",
            "Etc/GMT+12",
            "+05:30",
        ];
        for style in styles {
            for zone in zones {
                let f = TimeFormat {
                    zone: zone_or_panic(zone),
                    style: Style::parse(style).unwrap_or(Style::Rfc3339),
                    now_ms: 0,
                };
                for ms in [0, 1_700_000_000_000, MAX_MS - 1, MAX_MS] {
                    let text = f.render(ms);
                    assert!(
                        !text.contains("out of range"),
                        "{style} {zone} {ms}: {text}"
                    );
                    assert!(!text.is_empty(), "{style} {zone} {ms}");
                }
            }
        }
        assert_eq!(
            TimeFormat::utc(0).render(MAX_MS),
            "9999-12-30T22:00:00.999Z"
        );
    }
}
