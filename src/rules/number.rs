//! Rules on numbers that are not timestamps.

use super::{Check, Facts, Level, RuleDef};
use crate::json::lexer::{JNum, NumValue};
use crate::walk::Collect;

/// JavaScript clients lose integer precision beyond this.
const JS_SAFE_INT: i64 = (1 << 53) - 1;

pub const PRECISION_LOSS: RuleDef = RuleDef {
    code: "precision-loss",
    default: Level::Warning,
    strict: Level::Warning,
    summary: "an integer beyond 2^53, which JavaScript clients round",
    explanation: "The Studio API and its SDKs are JavaScript and TypeScript, whose \
numbers are doubles: an integer beyond 2^53 is silently rounded by every \
client that reads it. Values that large belong in strings.",
    bad: r#"{"id":"r","participants":{"a":{"tracksPublished":{"T":{"width":9007199254740993}}}}}"#,
    good: r#"{"id":"r","participants":{"a":{"tracksPublished":{"T":{"width":1280}}}}}"#,
    needs: Collect::NOTHING,
    check: Check::Number(|n| {
        is_unsafe_integer(n).then(|| Facts::Number {
            text: super::shown_number(n.text()),
            ms: 0,
        })
    }),
    message: |facts| match facts {
        Facts::Number { text, .. } => format!(
            "integer {text} is beyond 2^53 and loses precision in JavaScript clients; send it as a string"
        ),
        _ => String::new(),
    },
};

/// An integer that JavaScript clients cannot hold exactly.
fn is_unsafe_integer(n: &JNum<'_>) -> bool {
    match n.value {
        NumValue::Int(v) => v.unsigned_abs() > JS_SAFE_INT as u64,
        NumValue::BigInt { .. } => true,
        NumValue::Float(_) => false,
    }
}

/// No number rule fires on `n`, so the walk's fast path may skip the
/// hooks: true for every fraction and every integer a double holds exactly.
#[inline]
pub fn is_quiet(n: &JNum<'_>) -> bool {
    match n.value {
        NumValue::Int(v) => v.unsigned_abs() <= JS_SAFE_INT as u64,
        NumValue::Float(_) => true,
        NumValue::BigInt { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::num;

    #[test]
    fn integers_beyond_two_to_the_53_lose_precision() {
        for (text, unsafe_) in [
            ("9007199254740991", false),
            ("-9007199254740991", false),
            ("9007199254740992", true),
            ("-9007199254740992", true),
            ("99999999999999999999", true),
            ("1e300", false),
            ("0.5", false),
        ] {
            assert_eq!(is_unsafe_integer(&num(text)), unsafe_, "{text}");
            assert_eq!(is_quiet(&num(text)), !unsafe_, "{text}");
        }
    }

    #[test]
    fn the_message_says_what_to_do() {
        let Check::Number(check) = PRECISION_LOSS.check else {
            panic!("precision-loss hangs on numbers");
        };
        let facts = check(&num("9007199254740993"));
        assert_eq!(
            facts.map(|f| (PRECISION_LOSS.message)(&f)).as_deref(),
            Some(
                "integer 9007199254740993 is beyond 2^53 and loses precision in JavaScript clients; send it as a string"
            )
        );
    }
}
