//! `validate --list-rules` and `validate --explain RULE`: the catalogue
//! read by people, as `rustc --explain` and `ruff rule` do it. The
//! examples are run, not quoted: what `--explain` shows a rule saying is
//! what it says.

use std::io::{Cursor, Write};

use serde::Serialize;

use crate::Error;
use crate::cli::{ReportFormat, wrap};
use crate::input;
use crate::render::report::ReportSink;
use crate::render::report::human::Human;
use crate::rules::{CATALOGUE, Level, Rule, RuleDef, RuleSet, Selection};
use crate::term::Paint;
use crate::walk::{Collect, Options};

/// How wide explanations are wrapped: they are prose, read in a terminal.
const PROSE_WIDTH: usize = 78;

#[derive(Serialize)]
struct Row {
    code: &'static str,
    default: &'static str,
    strict: &'static str,
    summary: &'static str,
    explanation: &'static str,
    bad: &'static str,
    good: &'static str,
}

pub fn list(format: ReportFormat, out: &mut dyn Write) -> Result<(), Error> {
    match format {
        ReportFormat::Json => {
            let rows: Vec<Row> = CATALOGUE
                .iter()
                .map(|r| Row {
                    code: r.code,
                    default: r.default.as_str(),
                    strict: r.strict.as_str(),
                    summary: r.summary,
                    explanation: r.explanation,
                    bad: r.bad,
                    good: r.good,
                })
                .collect();
            serde_json::to_writer(&mut *out, &rows).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ReportFormat::Human => {
            let level_width = CATALOGUE
                .iter()
                .map(|r| r.level_text().len())
                .max()
                .unwrap_or(0);
            let code_width = CATALOGUE.iter().map(|r| r.code.len()).max().unwrap_or(0);
            writeln!(
                out,
                "{:code_width$}  {:level_width$}  SUMMARY",
                "CODE", "LEVEL"
            )?;
            for r in CATALOGUE {
                writeln!(
                    out,
                    "{:code_width$}  {:level_width$}  {}",
                    r.code,
                    r.level_text(),
                    r.summary
                )?;
            }
        }
        other => {
            return Err(Error::Usage(format!(
                "--list-rules prints as human or json, not {}; try --format json",
                other.name()
            )));
        }
    }
    Ok(())
}

pub fn explain(rule: Rule, out: &mut dyn Write) -> Result<(), Error> {
    let def = rule.def();
    writeln!(out, "{}: {}", def.code, def.summary)?;
    writeln!(out, "Level: {}", level_sentence(def))?;
    writeln!(out)?;
    writeln!(out, "{}", wrap(def.explanation, PROSE_WIDTH))?;
    writeln!(out)?;
    writeln!(out, "Fails:")?;
    writeln!(out, "  {}", def.bad)?;
    writeln!(out)?;
    let mut human = Human {
        paint: Paint { on: false },
    };
    let mut reported = Vec::new();
    for_example(rule, def.bad, &mut |diagnostics| {
        let mut lines = Vec::new();
        human.room(&mut lines, "example.json", 0, diagnostics)?;
        reported.extend(lines);
        Ok(())
    })?;
    for line in String::from_utf8_lossy(&reported).lines() {
        writeln!(out, "  {line}")?;
    }
    writeln!(out)?;
    writeln!(out, "Passes:")?;
    writeln!(out, "  {}", def.good)?;
    Ok(())
}

/// When the rule runs and how loud it is, in words.
fn level_sentence(def: &RuleDef) -> String {
    let code = def.code;
    match (def.default, def.strict) {
        (Level::Off, Level::Off) => {
            format!(
                "off unless selected (--extend-select {code}); then a {}",
                def.severity().as_str()
            )
        }
        (Level::Off, strict) => format!(
            "{} under --strict (or with --extend-select {code}), off otherwise",
            strict.as_str()
        ),
        (default, strict) if default == strict => match default {
            Level::Error => format!("error (--ignore {code} turns it off)"),
            _ => format!("warning (--deny {code} makes it an error, --ignore {code} turns it off)"),
        },
        (default, strict) => format!(
            "{}, {} under --strict (--ignore {code} turns it off)",
            default.as_str(),
            strict.as_str()
        ),
    }
}

/// The diagnostics of `text` with `rule` alone selected; the example's
/// clock is 2024-06-01.
fn for_example(
    rule: Rule,
    text: &str,
    each: &mut dyn FnMut(&[crate::diag::Diagnostic]) -> std::io::Result<()>,
) -> Result<(), Error> {
    let opts = Options {
        rules: RuleSet::of(&Selection {
            select: Some(vec![rule]),
            ..Selection::default()
        }),
        now_ms: 1_717_200_000_000,
        split: crate::walk::Split::Never,
        collect: Collect::NOTHING,
    };
    let reader = Box::new(Cursor::new(text.as_bytes().to_vec()));
    input::rooms_of(
        "example.json".into(),
        reader,
        true,
        1,
        0,
        &opts,
        &mut |report| each(&report.diagnostics).map_err(Error::Write),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(code: &str) -> String {
        let mut out = Vec::new();
        let rule = Rule::from_code(code).unwrap_or(Rule::Syntax);
        assert!(explain(rule, &mut out).is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn an_explanation_shows_the_finding_its_bad_example_gets() {
        let text = explained("left-before-joined");
        assert!(
            text.starts_with("left-before-joined: `leftAt < joinedAt`\n"),
            "{text}"
        );
        assert!(
            text.contains("\nLevel: warning (--deny left-before-joined makes it an error"),
            "{text}"
        );
        assert!(text.contains("\n  example.json:1:"), "{text}");
        assert!(
            text.contains("warning[left-before-joined]: /participants/"),
            "{text}"
        );
        let passes = text.split("Passes:\n  ").nth(1).unwrap_or_default();
        assert_eq!(
            passes.trim_end(),
            Rule::from_code("left-before-joined")
                .map(|r| r.def().good)
                .unwrap_or_default()
        );
    }

    #[test]
    fn explanations_are_wrapped_to_the_prose_width_word_for_word() {
        for rule in Rule::all() {
            let text = explained(rule.code());
            let prose = text.split("\n\n").nth(1).unwrap_or_default();
            let longest = prose.lines().map(|l| l.chars().count()).max();
            assert!(longest.is_some_and(|n| n <= PROSE_WIDTH), "{prose}");
            let words: Vec<&str> = prose.split_whitespace().collect();
            let written: Vec<&str> = rule.def().explanation.split_whitespace().collect();
            assert_eq!(words, written);
            // Greedy: no line could have taken the next line's first word.
            for pair in prose.lines().collect::<Vec<_>>().windows(2) {
                let next = pair[1].split(' ').next().unwrap_or_default();
                assert!(
                    pair[0].chars().count() + 1 + next.chars().count() > PROSE_WIDTH,
                    "{prose}"
                );
            }
        }
    }

    #[test]
    fn every_rule_explains_itself_with_a_finding() {
        for rule in Rule::all() {
            let text = explained(rule.code());
            let label = format!("[{}]", rule.code());
            let fails = text.split("Fails:").nth(1).unwrap_or_default();
            assert!(fails.contains(&label), "{text}");
        }
    }

    #[test]
    fn levels_read_as_sentences() {
        let sentence = |code: &str| {
            level_sentence(
                Rule::from_code(code)
                    .map(Rule::def)
                    .unwrap_or(&CATALOGUE[0]),
            )
        };
        assert_eq!(sentence("type"), "error (--ignore type turns it off)");
        assert_eq!(
            sentence("unknown-field"),
            "error under --strict (or with --extend-select unknown-field), off otherwise"
        );
        assert_eq!(
            sentence("misspelled-field"),
            "warning, error under --strict (--ignore misspelled-field turns it off)"
        );
    }

    #[test]
    fn the_list_has_a_row_per_rule_and_json_has_every_field() {
        let mut out = Vec::new();
        assert!(list(ReportFormat::Human, &mut out).is_ok());
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.lines().count(), CATALOGUE.len() + 1);
        assert!(
            text.lines()
                .skip(1)
                .zip(CATALOGUE)
                .all(|(l, r)| l.starts_with(r.code))
        );
        let mut out = Vec::new();
        assert!(list(ReportFormat::Json, &mut out).is_ok());
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap_or_default();
        assert_eq!(rows.len(), CATALOGUE.len());
        assert_eq!(rows[0]["code"], "syntax");
        assert_eq!(rows[0]["default"], "error");
        let unknown = rows
            .iter()
            .find(|r| r["code"] == "unknown-field")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (unknown["default"].as_str(), unknown["strict"].as_str()),
            (Some("off"), Some("error"))
        );
        assert!(list(ReportFormat::Github, &mut Vec::new()).is_err());
    }
}
