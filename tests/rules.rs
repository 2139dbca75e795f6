//! The rule catalogue is the one list of rules: the README's table and the
//! help agree with it, and every row's examples do what the row says.

mod common;

use std::io::Cursor;

use room_inspector::input::rooms_of;
use room_inspector::rules::{CATALOGUE, RuleDef, Severity};
use room_inspector::walk::{Collect, Options};

/// The rows of the README's "### Rules" table: (code, severity, summary).
fn readme_rules() -> Vec<(String, String, String)> {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    let table = readme.split("### Rules").nth(1).unwrap_or_default();
    table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect();
            let cell = |i: usize| cells.get(i).cloned().unwrap_or_default();
            (cell(0).trim_matches('`').to_string(), cell(1), cell(2))
        })
        .collect()
}

fn severity_cell(def: &RuleDef) -> String {
    let severity = def.severity.as_str();
    if def.strict_only {
        format!("{severity} under `--strict`")
    } else {
        severity.to_string()
    }
}

#[test]
fn the_readme_rule_table_is_the_catalogue() {
    let expected: Vec<(String, String, String)> = CATALOGUE
        .iter()
        .map(|r| (r.code.to_string(), severity_cell(r), r.summary.to_string()))
        .collect();
    assert_eq!(
        readme_rules(),
        expected,
        "README.md's rule table and src/rules disagree"
    );
}

#[test]
fn validate_help_names_every_rule_with_its_severity() {
    let r = common::run(&["validate", "--help"]);
    assert_eq!(r.code, 0);
    let help = r.stdout.replace('\n', " ");
    let rules = help.split("Rules (severity): ").nth(1).unwrap_or_default();
    let (errors, rest) = rules.split_once(" (errors); ").unwrap_or_default();
    let (strict, warnings) = rest
        .split_once(" (errors, only with --strict); ")
        .unwrap_or_default();
    let warnings = warnings.split(" (warnings).").next().unwrap_or_default();
    let listed = |text: &str| -> Vec<String> { text.split(", ").map(str::to_string).collect() };
    let of = |severity: Severity, strict_only: bool| -> Vec<String> {
        CATALOGUE
            .iter()
            .filter(|r| r.severity == severity && r.strict_only == strict_only)
            .map(|r| r.code.to_string())
            .collect()
    };
    assert_eq!(listed(errors), of(Severity::Error, false), "{help}");
    assert_eq!(listed(strict), of(Severity::Error, true), "{help}");
    assert_eq!(listed(warnings), of(Severity::Warning, false), "{help}");
    assert!(
        CATALOGUE
            .iter()
            .all(|r| !(r.strict_only && r.severity == Severity::Warning)),
        "a warning only with --strict needs its own group in the help"
    );
}

/// The rule codes `validate` reports for `text`, read whole.
fn codes(text: &str, strict: bool) -> Vec<String> {
    let opts = Options {
        strict,
        now_ms: 1_717_200_000_000,
        collect: Collect::NOTHING,
    };
    let mut codes = Vec::new();
    let reader = Box::new(Cursor::new(text.as_bytes().to_vec()));
    let result = rooms_of("t".into(), reader, true, 1, 0, &opts, &mut |r| {
        codes.extend(r.diagnostics.iter().map(|d| d.rule.code().to_string()));
        Ok(())
    });
    assert!(result.is_ok());
    codes
}

#[test]
fn every_rule_fires_on_its_bad_example_and_not_on_its_good_one() {
    for r in CATALOGUE {
        let bad = codes(r.bad, r.strict_only);
        assert!(
            bad.iter().any(|c| c == r.code),
            "{}: bad example gave {bad:?}",
            r.code
        );
        let good = codes(r.good, r.strict_only);
        assert!(good.is_empty(), "{}: good example gave {good:?}", r.code);
    }
}

#[test]
fn a_strict_only_rule_is_silent_without_strict() {
    for r in CATALOGUE.iter().filter(|r| r.strict_only) {
        let lax = codes(r.bad, false);
        assert!(!lax.iter().any(|c| c == r.code), "{}: {lax:?}", r.code);
    }
}
