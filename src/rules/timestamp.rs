//! Rules on one millisecond timestamp: whether it is a time at all
//! (`timestamp-range`), and whether it is a plausible one
//! (`seconds-not-ms`, `timestamp-in-future`).

use std::ops::RangeInclusive;

use super::{Check, Facts, Level, RuleDef};
use crate::json::lexer::{JNum, NumValue};
use crate::time;
use crate::walk::Collect;
use crate::walk::Invalid;

/// The latest millisecond every zone shows in year 9999: 9999-12-30T22:00
/// UTC is already year 10000 east of UTC+2, and date libraries (jiff
/// among them) stop there so that every zone can show every time. Every
/// style and zone renders the whole range up to here.
pub const MAX_MS: i64 = 253_402_207_200_999;
/// Values in this range read as ms fall before 1973 but read as seconds
/// fall between 1973 and 5138: the media server reports `joinedAt` in
/// seconds, which the API multiplies by 1000 (SPEC.md); a value here is
/// that multiplication missed.
pub const SECONDS_LIKE: std::ops::Range<i64> = 100_000_000..100_000_000_000;

/// Whether a time in ms can be one the service stamped: from 1973 on.
/// Earlier values are seconds (`seconds-not-ms`) or placeholders
/// (`epoch-timestamp`); the rules that compare times leave them to those
/// rules rather than report the same value twice.
pub fn plausible(ms: i64) -> bool {
    ms >= SECONDS_LIKE.end
}

pub const TIMESTAMP_RANGE: RuleDef = RuleDef {
    code: "timestamp-range",
    default: Level::Error,
    strict: Level::Error,
    summary: "a timestamp that is negative or beyond year 9999",
    explanation: "Timestamps are Unix milliseconds. A negative value or one past \
year 9999 is no time any client can show, and most date libraries refuse it. The \
last one accepted is 9999-12-30T22:00:00.999Z, the latest time that every zone \
still shows in year 9999.",
    bad: r#"{"id":"r","createdAt":-1,"participants":{}}"#,
    good: r#"{"id":"r","createdAt":1700000000000,"participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Walk,
    message: |facts| match facts {
        Facts::Range {
            text,
            why: Invalid::Negative,
        } => {
            format!(
                "{text} is negative; expected Unix milliseconds from 0 to {MAX_MS} \
                 (9999-12-30T22:00:00.999Z)"
            )
        }
        Facts::Range { text, .. } => {
            format!(
                "{text} is beyond year 9999 as Unix milliseconds (at most {MAX_MS}, \
                 9999-12-30T22:00:00.999Z, the last time every zone shows in year 9999)"
            )
        }
        _ => String::new(),
    },
};

pub const SECONDS_NOT_MS: RuleDef = RuleDef {
    code: "seconds-not-ms",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "a timestamp that only makes sense as seconds (both readings shown)",
    explanation: "The media server reports join times in seconds and the API multiplies \
them by 1000. A value between 1e8 and 1e11 is 1973-5138 read as seconds but \
before 1973 read as milliseconds: the multiplication was missed.",
    bad: r#"{"id":"r","participants":{"a":{"joinedAt":1687517025}}}"#,
    good: r#"{"id":"r","participants":{"a":{"joinedAt":1687517025000}}}"#,
    needs: Collect::NOTHING,
    check: Check::Timestamp {
        quiet: |_| SECONDS_LIKE.end..=MAX_MS,
        check: |ms, raw, _| {
            SECONDS_LIKE.contains(&ms).then(|| Facts::Number {
                text: super::shown_number(&String::from_utf8_lossy(raw)),
                ms,
            })
        },
    },
    message: |facts| match facts {
        Facts::Number { text, ms } => format!(
            "{text} looks like seconds; as ms it is {}, as seconds {}",
            time::utc_ms(*ms),
            time::utc_seconds(*ms)
        ),
        _ => String::new(),
    },
};

pub const TIMESTAMP_IN_FUTURE: RuleDef = RuleDef {
    code: "timestamp-in-future",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "later than `--now` (default: the clock)",
    explanation: "Every timestamp is stamped by the server when something happens, so \
none can be later than now. One that is points at a clock or unit error \
upstream, or at a hand-edited file. `--now` pins the clock for reproducible runs.",
    bad: r#"{"id":"r","updatedAt":32503680000000,"participants":{}}"#,
    good: r#"{"id":"r","updatedAt":1700000000000,"participants":{}}"#,
    needs: Collect::NOTHING,
    check: Check::Timestamp {
        quiet: |now_ms| 0..=now_ms,
        check: |ms, raw, now_ms| {
            // A value that looks like seconds has its own warning.
            (ms > now_ms && !SECONDS_LIKE.contains(&ms)).then(|| Facts::Future {
                text: super::shown_number(&String::from_utf8_lossy(raw)),
                ms,
                now_ms,
            })
        },
    },
    message: |facts| match facts {
        Facts::Future { text, ms, now_ms } => format!(
            "{text} is {}, later than now ({})",
            time::utc_ms(*ms),
            time::utc_ms(*now_ms)
        ),
        _ => String::new(),
    },
};

/// A timestamp's number as milliseconds, or why it is not a time.
/// `integer_only` for fields the model types as integers (`joinedAt`,
/// `leftAt`); a fraction elsewhere is cut to the millisecond.
pub fn classify(n: &JNum<'_>, integer_only: bool) -> Result<i64, Invalid> {
    let ms = match n.value {
        NumValue::Int(v) => v,
        NumValue::Float(_) if integer_only => return Err(Invalid::NotAnInteger),
        // `as` saturates: an infinite or huge value lands on i64::MIN or
        // MAX, out of range either way (JSON has no NaN).
        NumValue::Float(f) => f.floor() as i64,
        NumValue::BigInt { negative: false } => i64::MAX,
        NumValue::BigInt { negative: true } => i64::MIN,
    };
    if ms < 0 {
        Err(Invalid::Negative)
    } else if ms > MAX_MS {
        Err(Invalid::BeyondYear9999)
    } else {
        Ok(ms)
    }
}

/// The values no timestamp rule fires on at `now_ms`: the fast path of the
/// walk skips the hooks for these.
pub fn quiet_range(now_ms: i64) -> RangeInclusive<i64> {
    let mut range = 0..=MAX_MS;
    for (_, (quiet, _)) in super::HOOKS.timestamp {
        let q = quiet(now_ms);
        range = *range.start().max(q.start())..=*range.end().min(q.end());
    }
    range
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::num;

    const NOW: i64 = 1_700_000_000_000;

    fn fires(def: &RuleDef, ms: i64) -> bool {
        match def.check {
            Check::Timestamp { check, .. } => check(ms, b"x", NOW).is_some(),
            _ => false,
        }
    }

    #[test]
    fn classify_reads_ms_and_names_what_is_not_a_time() {
        assert_eq!(classify(&num("0"), true), Ok(0));
        assert_eq!(classify(&num("253402207200999"), true), Ok(MAX_MS));
        assert_eq!(
            classify(&num("253402207201000"), true),
            Err(Invalid::BeyondYear9999)
        );
        assert_eq!(classify(&num("-1"), true), Err(Invalid::Negative));
        assert_eq!(classify(&num("1.5"), true), Err(Invalid::NotAnInteger));
        assert_eq!(classify(&num("1.5"), false), Ok(1));
        assert_eq!(classify(&num("-0.5"), false), Err(Invalid::Negative));
        assert_eq!(classify(&num("1e400"), false), Err(Invalid::BeyondYear9999));
        assert_eq!(classify(&num("-1e400"), false), Err(Invalid::Negative));
        assert_eq!(
            classify(&num("99999999999999999999"), true),
            Err(Invalid::BeyondYear9999)
        );
        assert_eq!(
            classify(&num("-99999999999999999999"), true),
            Err(Invalid::Negative)
        );
    }

    #[test]
    fn seconds_are_told_apart_from_ms_at_both_edges() {
        assert!(!fires(&SECONDS_NOT_MS, 99_999_999));
        assert!(fires(&SECONDS_NOT_MS, 100_000_000));
        assert!(fires(&SECONDS_NOT_MS, 99_999_999_999));
        assert!(!fires(&SECONDS_NOT_MS, 100_000_000_000));
    }

    #[test]
    fn the_future_starts_after_now_and_seconds_are_not_the_future() {
        assert!(!fires(&TIMESTAMP_IN_FUTURE, NOW));
        assert!(fires(&TIMESTAMP_IN_FUTURE, NOW + 1));
        assert!(!fires(&TIMESTAMP_IN_FUTURE, 1_687_517_025));
    }

    #[test]
    fn the_quiet_range_is_where_no_timestamp_rule_fires() {
        let quiet = quiet_range(NOW);
        assert_eq!(quiet, SECONDS_LIKE.end..=NOW);
        for ms in [0, 99_999_999, 100_000_000, 99_999_999_999, NOW + 1, MAX_MS] {
            let any = super::super::HOOKS
                .timestamp
                .iter()
                .any(|(_, (_, check))| check(ms, b"x", NOW).is_some());
            // Sound: a quiet value never fires. (Below 1e8 nothing fires
            // either; the range is only as wide as one range can be.)
            assert!(!(any && quiet.contains(&ms)), "{ms}");
        }
        for ms in [SECONDS_LIKE.end, NOW] {
            assert!(quiet.contains(&ms));
        }
        // A clock before 1973 leaves nothing quiet rather than a wrong range.
        assert!(quiet_range(1000).is_empty());
    }

    #[test]
    fn messages_show_both_readings_and_the_limits() {
        let m = (SECONDS_NOT_MS.message)(&Facts::Number {
            text: "1687517025".into(),
            ms: 1_687_517_025,
        });
        assert_eq!(
            m,
            "1687517025 looks like seconds; as ms it is 1970-01-20T12:45:17.025Z, as seconds 2023-06-23T10:43:45Z"
        );
        let m = (TIMESTAMP_RANGE.message)(&Facts::Range {
            text: "-1".into(),
            why: Invalid::Negative,
        });
        assert_eq!(
            m,
            "-1 is negative; expected Unix milliseconds from 0 to 253402207200999 (9999-12-30T22:00:00.999Z)"
        );
    }
}
