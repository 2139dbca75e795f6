//! The files other tools read to run room-inspector: pre-commit's hook
//! list and the GitHub Action. Their commands are run here as those tools
//! would run them.

mod common;

use common::NOW;

fn text(file: &str) -> String {
    std::fs::read_to_string(common::root().join(file)).unwrap_or_default()
}

#[test]
fn each_pre_commit_hook_validates_the_files_it_is_given() {
    let hooks = text(".pre-commit-hooks.yaml");
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: "))
        .collect();
    assert_eq!(entries.len(), 2, "{hooks}");
    assert_eq!(hooks.matches("language: rust").count(), 2, "{hooks}");
    assert_eq!(hooks.matches("types: [json]").count(), 2, "{hooks}");
    for entry in entries {
        let mut args: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(args.remove(0), "room-inspector", "{entry}");
        args.extend(["--now", NOW]);
        // pre-commit appends the staged files.
        let good =
            common::run(&[&args[..], &["fixtures/room.json", "fixtures/meeting.json"]].concat());
        assert_eq!(
            (good.code, good.stdout.as_str()),
            (
                0,
                "2 files, 2 rooms valid, 0 invalid: 0 errors, 0 warnings\n"
            ),
            "{entry}: {}",
            good.stderr
        );
        let bad = common::run(
            &[
                &args[..],
                &["fixtures/room.json", "fixtures/rules/type.json"],
            ]
            .concat(),
        );
        assert_eq!(bad.code, 1, "{entry}");
        assert!(
            bad.stdout
                .contains("fixtures/rules/type.json:3:16: error[type]"),
            "{}",
            bad.stdout
        );
    }
    // The strict hook fails on a warning, the plain one does not.
    let warning = ["fixtures/rules/seconds-not-ms.json"];
    let plain = common::run(&[&["validate", "--now", NOW][..], &warning].concat());
    let strict = common::run(
        &[
            &["validate", "--strict", "--deny-warnings", "--now", NOW][..],
            &warning,
        ]
        .concat(),
    );
    assert_eq!((plain.code, strict.code), (0, 1));
}

#[test]
fn the_action_installs_from_its_checkout_and_passes_inputs_through_the_environment() {
    let action = text("action.yml");
    assert!(action.contains("using: composite"), "{action}");
    assert!(
        action.contains(r#"run: cargo install --locked --quiet --path "$GITHUB_ACTION_PATH""#),
        "{action}"
    );
    assert!(
        action.contains(r#"run: bash "$GITHUB_ACTION_PATH/action/validate.sh""#),
        "{action}"
    );
    for (input, var) in [("paths", "PATHS"), ("args", "ARGS"), ("sarif", "SARIF")] {
        assert!(action.contains(&format!("  {input}:\n")), "input {input}");
        assert!(
            action.contains(&format!("{var}: ${{{{ inputs.{input} }}}}")),
            "{input} reaches the script as {var}"
        );
    }
    // An input is never spliced into a run line, where it would be code.
    assert!(
        action
            .lines()
            .filter(|l| l.trim_start().starts_with("run:"))
            .all(|l| !l.contains("${{")),
        "{action}"
    );
}

/// Runs the action's validate step as the runner would.
fn validate_step(paths: &str, args: &str, sarif: &str) -> common::Run {
    let script = common::root().join("action/validate.sh");
    common::output(
        std::process::Command::new("bash")
            .arg(&script)
            .current_dir(common::root())
            .env_clear()
            .env("PATH", common::path_with(&[]))
            .env("PATHS", paths)
            .env("ARGS", args)
            .env("SARIF", sarif),
    )
}

#[test]
fn the_actions_validate_step_annotates_and_writes_sarif() {
    let clean = validate_step("fixtures/room.json fixtures/summary", "", "");
    assert_eq!(
        (clean.code, clean.stdout.as_str()),
        (
            0,
            "2 files, 2 rooms valid, 0 invalid: 0 errors, 0 warnings\n"
        ),
        "{}",
        clean.stderr
    );

    let sarif = std::env::temp_dir().join(format!("ri-action-{}.sarif", std::process::id()));
    let sarif_name = sarif.to_string_lossy().into_owned();
    let r = validate_step(
        "fixtures/rules/seconds-not-ms.json fixtures/room.json",
        "--deny-warnings --now 2024-06-01T00:00:00Z",
        &sarif_name,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "::warning file=fixtures/rules/seconds-not-ms.json,line=6,col=19,title=seconds-not-ms::"
        ),
        "{}",
        r.stdout
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap_or_default())
            .unwrap_or_default();
    let _ = std::fs::remove_file(&sarif);
    assert_eq!(written["version"], "2.1.0");
    let results = written["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 1, "{written}");
    assert_eq!(results[0]["ruleId"], "seconds-not-ms");

    // An input is words, never shell: nothing in it runs.
    let marker = std::env::temp_dir().join(format!("ri-action-pwned-{}", std::process::id()));
    let odd = validate_step(
        &format!(
            "$(touch {0}) `touch {0}` fixtures/room.json;touch",
            marker.display()
        ),
        "",
        "",
    );
    assert_eq!(odd.code, 2, "{}", odd.stdout);
    assert!(!marker.exists(), "an input ran as a command");
}
