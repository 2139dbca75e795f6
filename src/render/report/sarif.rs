//! `--format sarif`: one SARIF 2.1.0 log (OASIS), as GitHub code scanning
//! and SARIF viewers read it. The log is one document, so findings are kept
//! until `finish` writes it. The driver lists every rule of the catalogue,
//! each result points into it by `ruleIndex`, and an input that cannot be
//! read is a tool execution notification that makes the invocation
//! unsuccessful (exit code 2), not a result: nothing in it was checked.

use std::io::{self, Write};

use serde_json::Value;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif as Log, Tool, ToolComponent,
};

use super::{FileStatus, ReportSink, STDIN, Totals};
use crate::Exit;
use crate::diag::{Diagnostic, Severity};
use crate::rules::{CATALOGUE, Level, RuleDef};

/// Where the tool is described; SARIF viewers link to it.
pub const INFORMATION_URI: &str = "https://github.com/livepeer/room-inspector";

/// The schema the log declares (OASIS SARIF 2.1.0, errata 01).
const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Default)]
pub struct Sarif {
    results: Vec<SarifResult>,
    notifications: Vec<Notification>,
}

/// A file name as a URI reference (SARIF `artifactLocation.uri`): bytes
/// other than unreserved characters and `/` are percent-encoded, which also
/// keeps control characters out of the log; an absolute path becomes a
/// `file://` URI. Standard input, which has no name, is `-`, as on the
/// command line.
pub fn uri(file: &str) -> String {
    if file == STDIN {
        return "-".to_string();
    }
    let mut out = String::with_capacity(file.len() + 8);
    if file.starts_with('/') {
        out.push_str("file://");
    }
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn artifact(file: &str) -> ArtifactLocation {
    if file == STDIN {
        ArtifactLocation::builder()
            .uri(uri(file))
            .description(Message::from("standard input"))
            .build()
    } else {
        ArtifactLocation::builder().uri(uri(file)).build()
    }
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
    }
}

/// A catalogue row as a SARIF rule. A rule that is off by default has the
/// level `none` and is not enabled; selected, it reports at its severity.
fn rule(def: &RuleDef) -> ReportingDescriptor {
    let configuration = match def.default {
        Level::Off => ReportingConfiguration::builder()
            .level(Value::from("none"))
            .enabled(false)
            .build(),
        on => ReportingConfiguration::builder()
            .level(Value::from(on.as_str()))
            .build(),
    };
    ReportingDescriptor::builder()
        .id(def.code)
        .short_description(
            MultiformatMessageString::builder()
                .text(def.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(def.explanation)
                .build(),
        )
        .default_configuration(configuration)
        .build()
}

fn result(file: &str, d: &Diagnostic) -> SarifResult {
    let text = d.text();
    let wide = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let region = Region::builder()
        .start_line(wide(d.line))
        .start_column(wide(d.column))
        .end_line(wide(d.end_line))
        .end_column(wide(d.end_column))
        .build();
    let place = PhysicalLocation::builder()
        .artifact_location(artifact(file))
        .region(region)
        .build();
    SarifResult::builder()
        .rule_id(d.rule.code())
        .rule_index(wide(d.rule.index()))
        .level(level(d.severity))
        .message(Message::from(&text))
        .locations(vec![Location::builder().physical_location(place).build()])
        .build()
}

impl Sarif {
    /// The whole log: the catalogue as the driver's rules, the results, and
    /// one invocation that says whether every input could be read.
    fn log(&mut self, exit: Exit) -> Log {
        let driver = ToolComponent::builder()
            .name(env!("CARGO_PKG_NAME"))
            .version(env!("CARGO_PKG_VERSION"))
            .information_uri(INFORMATION_URI)
            .rules(CATALOGUE.iter().map(rule).collect::<Vec<_>>())
            .build();
        let notifications = std::mem::take(&mut self.notifications);
        let invocation = Invocation::builder()
            .execution_successful(notifications.is_empty())
            .exit_code(exit as i64)
            .tool_execution_notifications(notifications)
            .build();
        let run = Run::builder()
            .tool(Tool::from(driver))
            // Columns count characters, not UTF-16 units (SARIF's default).
            .column_kind(Value::from("unicodeCodePoints"))
            .invocations(vec![invocation])
            .results(std::mem::take(&mut self.results))
            .build();
        Log::builder()
            .schema(SCHEMA_URI)
            .version(Value::from("2.1.0"))
            .runs(vec![run])
            .build()
    }
}

impl ReportSink for Sarif {
    fn room(
        &mut self,
        _out: &mut dyn Write,
        file: &str,
        _room: usize,
        diagnostics: &[Diagnostic],
    ) -> io::Result<()> {
        self.results
            .extend(diagnostics.iter().map(|d| result(file, d)));
        Ok(())
    }

    fn file(
        &mut self,
        _out: &mut dyn Write,
        file: &str,
        status: &FileStatus,
        _totals: &Totals,
    ) -> io::Result<()> {
        if let FileStatus::Unreadable(why) = status {
            let place = PhysicalLocation::builder()
                .artifact_location(artifact(file))
                .build();
            let notification = Notification::builder()
                .level(Value::from("error"))
                .message(Message::from(&format!("{file}: {why}")))
                .locations(vec![Location::builder().physical_location(place).build()])
                .build();
            self.notifications.push(notification);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _totals: &Totals, exit: Exit) -> io::Result<()> {
        let log = self.log(exit);
        crate::render::json::to_writer_pretty(&mut *out, &log)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{diagnostic, totals};
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_stdin_is_a_dash() {
        assert_eq!(uri("fixtures/rules/type.json"), "fixtures/rules/type.json");
        assert_eq!(uri("a b%\u{1b}é.json"), "a%20b%25%1B%C3%A9.json");
        assert_eq!(uri("c:d.json"), "c%3Ad.json");
        assert_eq!(uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(uri(STDIN), "-");
    }

    fn render(sink: &mut Sarif, exit: Exit) -> serde_json::Value {
        let mut out = Vec::new();
        assert!(sink.finish(&mut out, &totals(1, 1, 0, 0), exit).is_ok());
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("SARIF is JSON: {e}"))
    }

    #[test]
    fn a_result_names_its_rule_and_region() {
        let mut sink = Sarif::default();
        let d = [diagnostic(Severity::Warning, "/a", "odd")];
        assert!(sink.room(&mut Vec::new(), "f.json", 0, &d).is_ok());
        let log = render(&mut sink, Exit::Ok);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "type");
        assert_eq!(result["level"], "warning");
        assert_eq!(result["message"]["text"], "/a: odd");
        let place = &result["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uri"], "f.json");
        assert_eq!(
            place["region"],
            serde_json::json!({"startLine": 4, "startColumn": 16, "endLine": 4, "endColumn": 17})
        );
        let rules = &log["runs"][0]["tool"]["driver"]["rules"];
        let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX);
        assert_eq!(rules[index as usize]["id"], "type");
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }

    #[test]
    fn an_unreadable_input_is_a_failed_execution_not_a_result() {
        let mut sink = Sarif::default();
        let gone = FileStatus::Unreadable("no such file".into());
        assert!(
            sink.file(&mut Vec::new(), "g.json", &gone, &totals(1, 0, 0, 1))
                .is_ok()
        );
        let log = render(&mut sink, Exit::Usage);
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(invocation["exitCode"], 2);
        let note = &invocation["toolExecutionNotifications"][0];
        assert_eq!(note["message"]["text"], "g.json: no such file");
        assert_eq!(note["level"], "error");
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    }

    #[test]
    fn rules_off_by_default_are_level_none_and_disabled() {
        let off = CATALOGUE.iter().find(|r| r.default == Level::Off);
        let Some(off) = off else { return };
        let descriptor = serde_json::to_value(rule(off))
            .unwrap_or_else(|e| panic!("a descriptor serializes: {e}"));
        assert_eq!(
            descriptor["defaultConfiguration"],
            serde_json::json!({"level": "none", "enabled": false})
        );
    }
}
