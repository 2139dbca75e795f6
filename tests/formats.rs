//! `validate --format sarif|gitlab|junit` on the real binary: whole outputs
//! as snapshots, SARIF against the official schema, the same findings in
//! every format, exit codes, standard input, an unreadable input beside a
//! good one, and control characters kept out of the XML.

mod common;

use std::collections::BTreeMap;

use common::{NOW, Run, run, run_stdin, snapshot};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

const MULTI: &str = "fixtures/multi-error.json";
const FORMATS: &[&str] = &["human", "json", "github", "sarif", "gitlab", "junit"];

fn validate(format: &str, inputs: &[&str]) -> Run {
    let mut args = vec!["validate", "--now", NOW, "--format", format];
    args.extend_from_slice(inputs);
    run(&args)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// One finding as every format can say it.
type Place = (String, usize, usize, String);

/// `file:line:col: severity[rule]: …`
fn parse_human_line(line: &str) -> Option<Place> {
    let mut parts = line.splitn(4, ':');
    let file = parts.next()?.to_string();
    let line_no = parts.next()?.parse().ok()?;
    let col = parts.next()?.parse().ok()?;
    let rest = parts.next()?.trim_start();
    let rest = rest
        .strip_prefix("error[")
        .or_else(|| rest.strip_prefix("warning["))?;
    let rule = rest.split(']').next()?.to_string();
    Some((file, line_no, col, rule))
}

/// `::error file=…,line=…,col=…,title=rule::message`
fn parse_github_line(line: &str) -> Option<Place> {
    let props = line.strip_prefix("::")?.split_once(' ')?.1;
    let props = props.split_once("::")?.0;
    let props: BTreeMap<&str, &str> = props.split(',').filter_map(|p| p.split_once('=')).collect();
    Some((
        props.get("file")?.to_string(),
        props.get("line")?.parse().ok()?,
        props.get("col")?.parse().ok()?,
        props.get("title")?.to_string(),
    ))
}

fn number(v: &Value) -> usize {
    v.as_u64()
        .unwrap_or_else(|| panic!("expected a number, found {v}")) as usize
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, found {v}"))
        .to_string()
}

/// The text of every element named `name`, unescaped, and whether the XML
/// read back without error.
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut inside = false;
    let mut texts: Vec<String> = Vec::new();
    loop {
        let piece = match reader.read_event() {
            Ok(Event::Start(e)) => {
                inside = e.name().as_ref() == name;
                if inside {
                    texts.push(String::new());
                }
                continue;
            }
            Ok(Event::End(_)) => {
                inside = false;
                continue;
            }
            Ok(Event::Text(t)) => t.into_inner().into_owned(),
            // Entities come as events of their own, between texts.
            Ok(Event::GeneralRef(r)) => match r.into_inner().as_ref() {
                "lt" => "<".to_string(),
                "gt" => ">".to_string(),
                "amp" => "&".to_string(),
                "quot" => "\"".to_string(),
                "apos" => "'".to_string(),
                other => panic!("unexpected entity &{other};"),
            },
            Ok(Event::Eof) => break,
            Ok(_) => continue,
            Err(e) => panic!("XML does not read back: {e}\n{xml}"),
        };
        if let (true, Some(last)) = (inside, texts.last_mut()) {
            last.push_str(&piece);
        }
    }
    texts
}

/// The findings a format reports, in a canonical order.
fn findings(format: &str, stdout: &str) -> Vec<Place> {
    let mut places: Vec<Place> = match format {
        "human" => stdout.lines().filter_map(parse_human_line).collect(),
        "github" => stdout.lines().filter_map(parse_github_line).collect(),
        "json" => stdout
            .lines()
            .map(json)
            .filter(|r| r["type"] == "diagnostic")
            .map(|r| {
                (
                    text(&r["file"]),
                    number(&r["line"]),
                    number(&r["column"]),
                    text(&r["rule"]),
                )
            })
            .collect(),
        "sarif" => json(stdout)["runs"][0]["results"]
            .as_array()
            .unwrap_or_else(|| panic!("results is an array"))
            .iter()
            .map(|r| {
                let place = &r["locations"][0]["physicalLocation"];
                (
                    text(&place["artifactLocation"]["uri"]),
                    number(&place["region"]["startLine"]),
                    number(&place["region"]["startColumn"]),
                    text(&r["ruleId"]),
                )
            })
            .collect(),
        // Code Quality issues have a line but no column.
        "gitlab" => json(stdout)
            .as_array()
            .unwrap_or_else(|| panic!("one array"))
            .iter()
            .map(|i| {
                (
                    text(&i["location"]["path"]),
                    number(&i["location"]["lines"]["begin"]),
                    0,
                    text(&i["check_name"]),
                )
            })
            .collect(),
        "junit" => {
            let mut texts = xml_texts(stdout, "failure");
            texts.extend(xml_texts(stdout, "system-out"));
            texts
                .iter()
                .flat_map(|t| t.lines())
                .filter_map(parse_human_line)
                .collect()
        }
        other => panic!("no parser for {other}"),
    };
    places.sort();
    places
}

/// The SARIF log without the driver's rules, which copy the catalogue
/// (checked against it on their own) and would tie this snapshot to every
/// change of a rule's text.
fn without_rules(sarif: &str) -> String {
    let mut out = String::new();
    let mut skipping: Option<String> = None;
    for line in sarif.lines() {
        if let Some(end) = &skipping {
            if line.trim_end_matches(',') == end {
                skipping = None;
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if let Some(indent) = line.strip_suffix("\"rules\": [") {
            out.push_str(indent);
            out.push_str("  \"… the catalogue\"\n");
            skipping = Some(format!("{indent}]"));
        }
    }
    out
}

#[test]
fn every_new_format_matches_its_snapshot() {
    for (format, name) in [
        ("sarif", "formats.multi-error.sarif.json"),
        ("gitlab", "formats.multi-error.gitlab.json"),
        ("junit", "formats.multi-error.junit.xml"),
    ] {
        let r = validate(format, &[MULTI]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{format}");
        let stdout = if format == "sarif" {
            without_rules(&r.stdout)
        } else {
            r.stdout
        };
        snapshot(name, &stdout);
    }
}

#[test]
fn sarif_rules_are_the_catalogue() {
    let log = json(&validate("sarif", &["fixtures/room.json"]).stdout);
    let rules = &log["runs"][0]["tool"]["driver"]["rules"];
    let catalogue = json(&run(&["validate", "--list-rules", "--format", "json"]).stdout);
    let catalogue = catalogue
        .as_array()
        .unwrap_or_else(|| panic!("the catalogue is an array"));
    assert_eq!(rules.as_array().map(Vec::len), Some(catalogue.len()));
    for (i, row) in catalogue.iter().enumerate() {
        let rule = &rules[i];
        assert_eq!(rule["id"], row["code"]);
        assert_eq!(rule["shortDescription"]["text"], row["summary"]);
        assert_eq!(rule["fullDescription"]["text"], row["explanation"]);
        let config = &rule["defaultConfiguration"];
        match text(&row["default"]).as_str() {
            "off" => {
                assert_eq!(config["level"], "none", "{rule}");
                assert_eq!(config["enabled"], false, "{rule}");
            }
            level => assert_eq!(config["level"], level, "{rule}"),
        }
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_has_regions() {
    let schema = std::fs::read_to_string(common::root().join("tests/data/sarif-2.1.0.schema.json"))
        .unwrap_or_else(|e| panic!("the schema is in tests/data: {e}"));
    // The schema's pattern for `language` holds a lone `]`, a literal in
    // ECMAScript (without the u flag) that Rust regexes reject; escaping
    // it keeps the pattern's meaning. SARIF here never has a `language`.
    let lone = r#"[a-zA-Z]{2}]?$"#;
    assert_eq!(schema.matches(lone).count(), 2, "the schema changed");
    let schema = schema.replace(lone, r#"[a-zA-Z]{2}\\]?$"#);
    // Formats are checked too: URIs, dates.
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&json(&schema))
        .unwrap_or_else(|e| panic!("the schema compiles: {e}"));
    let check = |stdout: &str| {
        let log = json(stdout);
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{stdout}");
        log
    };

    let log = check(&validate("sarif", &[MULTI]).stdout);
    let results = log["runs"][0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results"));
    assert_eq!(results.len(), 7);
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(number(&region[key]) >= 1, "{key} in {r}");
        }
        let start = (number(&region["startLine"]), number(&region["startColumn"]));
        let end = (number(&region["endLine"]), number(&region["endColumn"]));
        assert!(start <= end, "{r}");
    }
    // The type error spans the whole string "2020-04-23".
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 4, "startColumn": 18, "endLine": 4, "endColumn": 30})
    );
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "room-inspector");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let listed = run(&["validate", "--list-rules", "--format", "json"]);
    assert_eq!(
        driver["rules"].as_array().map(Vec::len),
        json(&listed.stdout).as_array().map(Vec::len)
    );

    // Standard input and an unreadable input make valid logs too.
    let stdin = run_stdin(
        &["validate", "--now", NOW, "--format", "sarif"],
        b"{\"id\":1}",
    );
    check(&stdin.stdout);
    check(&validate("sarif", &["fixtures/room.json", "missing.json"]).stdout);
}

#[test]
fn every_format_reports_the_same_findings() {
    let human = findings("human", &validate("human", &[MULTI]).stdout);
    assert_eq!(human.len(), 7, "{human:?}");
    for format in FORMATS {
        let r = validate(format, &[MULTI]);
        let found = findings(format, &r.stdout);
        if *format == "gitlab" {
            let without_column: Vec<Place> = human
                .iter()
                .map(|(f, l, _, rule)| (f.clone(), *l, 0, rule.clone()))
                .collect();
            assert_eq!(found, without_column, "{format}:\n{}", r.stdout);
        } else {
            assert_eq!(found, human, "{format}:\n{}", r.stdout);
        }
    }
}

#[test]
fn exit_codes_are_the_same_in_every_format() {
    for format in FORMATS {
        assert_eq!(
            validate(format, &["fixtures/room.json"]).code,
            0,
            "{format}"
        );
        assert_eq!(validate(format, &[MULTI]).code, 1, "{format}");
        assert_eq!(validate(format, &["missing.json"]).code, 2, "{format}");
        let warned = ["fixtures/rules/seconds-not-ms.json"];
        assert_eq!(validate(format, &warned).code, 0, "{format}");
        let mut args = vec![
            "validate",
            "--now",
            NOW,
            "--format",
            format,
            "--deny-warnings",
        ];
        args.extend_from_slice(&warned);
        assert_eq!(run(&args).code, 1, "{format}");
    }
}

#[test]
fn standard_input_is_reported_by_name() {
    let room = b"{\"id\":1,\"participants\":{}}";
    let stdin = |format: &str| {
        let r = run_stdin(&["validate", "--now", NOW, "--format", format, "-"], room);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        r.stdout
    };
    let sarif = json(&stdin("sarif"));
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "-");
    assert_eq!(
        location["artifactLocation"]["description"]["text"],
        "standard input"
    );
    let gitlab = json(&stdin("gitlab"));
    assert_eq!(gitlab[0]["location"]["path"], "<stdin>");
    assert_eq!(gitlab[0]["check_name"], "type");
    let junit = stdin("junit");
    assert!(
        junit.contains(r#"<testsuite name="&lt;stdin&gt;" tests="1" failures="1" errors="0">"#),
        "{junit}"
    );
    assert_eq!(
        xml_texts(&junit, "failure"),
        ["<stdin>:1:7: error[type]: /id: expected a string (the room ID), found number 1"]
    );
}

#[test]
fn an_unreadable_input_beside_a_good_one() {
    let inputs = ["fixtures/room.json", "missing.json"];
    for format in ["sarif", "gitlab", "junit"] {
        let r = validate(format, &inputs);
        assert_eq!(r.code, 2, "{format}");
        assert!(r.stderr.contains("missing.json"), "{format}: {}", r.stderr);
    }
    let sarif = json(&validate("sarif", &inputs).stdout);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "missing.json"
    );
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));

    let gitlab = json(&validate("gitlab", &inputs).stdout);
    assert_eq!(gitlab.as_array().map(Vec::len), Some(1), "{gitlab}");
    assert_eq!(gitlab[0]["check_name"], "unreadable");
    assert_eq!(gitlab[0]["location"]["path"], "missing.json");

    let junit = validate("junit", &inputs).stdout;
    assert!(
        junit.contains(r#"<testsuites name="room-inspector" tests="2" failures="0" errors="1">"#),
        "{junit}"
    );
    assert!(
        junit
            .contains(r#"<testsuite name="fixtures/room.json" tests="1" failures="0" errors="0">"#),
        "{junit}"
    );
    assert!(
        junit.contains(r#"<testsuite name="missing.json" tests="1" failures="0" errors="1">"#),
        "{junit}"
    );
    let errors = xml_texts(&junit, "error");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("missing.json: no such file"),
        "{errors:?}"
    );
}

#[test]
fn control_characters_never_reach_the_xml_raw() {
    // A key and an identity holding U+0001 (and U+FFFF, which XML forbids
    // as well), read from a file whose own name holds U+0001.
    let dir = std::env::temp_dir().join(format!("room-inspector-formats-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("bad\u{1}name.json");
    let room = "{\"id\":\"x\",\"participants\":{\"a\\u0001b\\uffff\":{\"identity\":\"zz\\u0001\"},\"c\":{\"joinedAt\":\"x\\u0001\"}}}";
    if let Err(e) = std::fs::write(&path, room) {
        panic!("cannot write {}: {e}", path.display());
    }
    let file = path.to_string_lossy().into_owned();
    let r = validate("junit", &[&file]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let xml = r.stdout;
    assert!(
        !xml.chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{ffff}'),
        "{xml:?}"
    );
    let failures = xml_texts(&xml, "failure");
    let warnings = xml_texts(&xml, "system-out");
    assert_eq!(failures.len(), 1, "{xml}");
    assert!(failures[0].contains("bad\\u{1}name.json:"), "{failures:?}");
    assert!(
        failures[0].contains("found string \"x\\u{1}\""),
        "{failures:?}"
    );
    assert!(
        warnings[0].contains("/participants/a\\u{1}b\\u{ffff}/identity"),
        "{warnings:?}"
    );
}
