//! The rule catalogue is the one list of rules: the README's table and the
//! help agree with it, and every row's examples do what the row says.

mod common;

use std::io::Cursor;

use room_inspector::input::rooms_of;
use room_inspector::rules::{CATALOGUE, Level, RuleDef, RuleSet, Selection};
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
    def.level_text().replace("--strict", "`--strict`")
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
fn validate_help_names_every_rule_with_its_level() {
    let r = common::run(&["validate", "--help"]);
    assert_eq!(r.code, 0);
    let help = r.stdout.replace('\n', " ");
    let rules = help.rsplit("Rules: ").next().unwrap_or_default();
    let (errors, rest) = rules.split_once(" (errors); ").unwrap_or_default();
    let (warnings, rest) = rest.split_once(" (warnings); ").unwrap_or_default();
    let (strict, rest) = rest
        .split_once(" (errors, only with --strict)")
        .unwrap_or_default();
    let off = rest
        .strip_prefix("; ")
        .and_then(|r| r.split_once(" (off unless selected)"))
        .map(|(off, _)| off)
        .unwrap_or_default();
    let listed = |text: &str| -> Vec<String> {
        text.split(", ")
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let of = |keep: &dyn Fn(&RuleDef) -> bool| -> Vec<String> {
        CATALOGUE
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.code.to_string())
            .collect()
    };
    assert_eq!(listed(errors), of(&|r| r.default == Level::Error), "{help}");
    assert_eq!(
        listed(warnings),
        of(&|r| r.default == Level::Warning),
        "{help}"
    );
    assert_eq!(
        listed(strict),
        of(&|r| r.default == Level::Off && r.strict == Level::Error),
        "{help}"
    );
    assert_eq!(
        listed(off),
        of(&|r| r.default == Level::Off && r.strict == Level::Off),
        "{help}"
    );
    let off_rules = of(&|r| r.default == Level::Off && r.strict == Level::Off);
    assert_eq!(
        help.contains("(off unless selected)"),
        !off_rules.is_empty(),
        "the group is named only when it has rules: {help}"
    );
    let raised = of(&|r| r.default != Level::Off && r.strict != r.default);
    let said = help
        .split(". Under --strict, ")
        .nth(1)
        .and_then(|rest| rest.split(" an error too").next())
        .map(|list| list.trim_end_matches(" is").trim_end_matches(" are"))
        .unwrap_or_default();
    assert_eq!(listed(said), raised, "{help}");
    assert!(
        CATALOGUE
            .iter()
            .all(|r| !(r.default == Level::Off && r.strict == Level::Warning)),
        "a warning only with --strict needs its own group in the help"
    );
}

#[test]
fn list_rules_and_explain_agree_with_the_readme() {
    let r = common::run(&["validate", "--list-rules", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap_or_default();
    let listed: Vec<(String, String, String)> = rows
        .iter()
        .map(|row| {
            let text = |k: &str| row[k].as_str().unwrap_or_default().to_string();
            let code = text("code");
            let def = CATALOGUE.iter().find(|d| d.code == code);
            (
                code,
                def.map(severity_cell).unwrap_or_default(),
                text("summary"),
            )
        })
        .collect();
    assert_eq!(listed, readme_rules());
    for (code, _, summary) in readme_rules() {
        let r = common::run(&["validate", "--explain", &code]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            r.stdout.lines().next().unwrap_or_default(),
            format!("{code}: {summary}")
        );
    }
    let human = common::run(&["validate", "--list-rules"]);
    let codes: Vec<String> = human
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    let readme_codes: Vec<String> = readme_rules().into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(codes, readme_codes);
}

/// The rule codes `validate` reports for `text`, read whole.
fn codes(text: &str, rules: RuleSet) -> Vec<String> {
    let opts = Options {
        rules,
        now_ms: 1_717_200_000_000,
        split: room_inspector::walk::Split::Never,
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
        // Each rule alone, as `--explain` runs it.
        let only = RuleSet::of(&Selection {
            select: Some(vec![
                room_inspector::rules::Rule::from_code(r.code)
                    .unwrap_or(room_inspector::rules::Rule::Syntax),
            ]),
            ..Selection::default()
        });
        let bad = codes(r.bad, only);
        assert!(
            bad.iter().any(|c| c == r.code),
            "{}: bad example gave {bad:?}",
            r.code
        );
        let good = codes(r.good, RuleSet::default());
        assert!(good.is_empty(), "{}: good example gave {good:?}", r.code);
    }
}

#[test]
fn a_rule_off_by_default_is_silent_by_default() {
    for r in CATALOGUE.iter().filter(|r| r.default == Level::Off) {
        let lax = codes(r.bad, RuleSet::default());
        assert!(!lax.iter().any(|c| c == r.code), "{}: {lax:?}", r.code);
    }
}

#[test]
fn every_rule_has_a_fixture_that_raises_it() {
    for r in CATALOGUE {
        let path = format!("fixtures/rules/{}.json", r.code);
        assert!(common::root().join(&path).is_file(), "{path} is missing");
        let run = common::run(&[
            "validate",
            "--now",
            common::NOW,
            "--extend-select",
            r.code,
            &path,
        ]);
        assert!(
            run.stdout.contains(&format!("[{}]: ", r.code)),
            "{path}: {}",
            run.stdout
        );
    }
}

/// The room of the room-semantics issue hides one problem of each kind
/// that JSON shape cannot show; each gives one finding, with its place.
#[test]
fn a_room_that_looks_valid_gives_one_finding_per_hidden_problem() {
    let r = common::run(&[
        "validate",
        "--now",
        common::NOW,
        "--format",
        "json",
        "fixtures/hidden-problems.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let found: Vec<(String, String, String)> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "diagnostic")
        .map(|v| {
            (
                format!("{}:{}", v["line"], v["column"]),
                v["rule"].as_str().unwrap_or_default().to_string(),
                v["pointer"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected = [
        // The two the room was already reported for.
        ("1:49", "updated-before-created", "/updatedAt"),
        // deleted: true with no deletedAt.
        ("1:73", "deleted-inconsistent", "/deleted"),
        // room_finished listed after a later room_started.
        ("3:53", "events-out-of-order", "/events/1/timestamp"),
        // bob never left the finished room.
        ("3:53", "present-after-finished", "/events/1/timestamp"),
        ("4:25", "unknown-event", "/events/2/eventName"),
        // Both zeros.
        ("4:45", "epoch-timestamp", "/events/2/timestamp"),
        // alice joined 10 s before the room existed.
        (
            "6:42",
            "joined-before-created",
            "/participants/alice/joinedAt",
        ),
        // Cyrillic а.
        (
            "7:23",
            "confusable-identity",
            "/participants/аlice/identity",
        ),
        (
            "8:21",
            "key-identity-mismatch",
            "/participants/bob/identity",
        ),
        ("8:21", "duplicate-identity", "/participants/bob/identity"),
        ("8:40", "epoch-timestamp", "/participants/bob/joinedAt"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(found, expected, "{}", r.stdout);
}

#[test]
fn the_sample_rooms_of_the_sdk_and_the_admin_view_validate_clean() {
    for fixture in ["fixtures/room.json", "fixtures/admin-room.json"] {
        let r = common::run(&["validate", "--now", common::NOW, fixture]);
        assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{fixture}");
    }
}

#[test]
fn explain_shows_the_two_look_alike_forms() {
    let r = common::run(&["validate", "--explain", "confusable-identity"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            r#"identity "\u{430}lice" looks like "alice" at /participants/alice/identity"#
        ),
        "{}",
        r.stdout
    );
}
