//! The README's cookbook, run: each `sh` block of its "Cookbook" (and
//! "Schema") section
//! runs in a directory whose `rooms/` holds copies of the bundled
//! fixtures, with a `curl` that answers from one of them, so a recipe
//! cannot rot.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `sh` blocks of the Cookbook section, in order.
fn recipes() -> Vec<String> {
    sh_blocks("Cookbook")
}

/// The `sh` blocks of a `## ` section of the README, in order.
fn sh_blocks(heading: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    let section = readme
        .split(&format!("\n## {heading}\n"))
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    section
        .split("```sh\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .map(str::to_string)
        .collect()
}

struct Sandbox(PathBuf);

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        let dir = std::env::temp_dir().join(format!("ri-cookbook-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let rooms = dir.join("rooms");
        let shims = dir.join("shims");
        for d in [&rooms, &shims] {
            if let Err(e) = std::fs::create_dir_all(d) {
                panic!("cannot create {}: {e}", d.display());
            }
        }
        for fixture in ["room.json", "meeting.json", "summary/standup.json"] {
            let from = common::root().join("fixtures").join(fixture);
            let name = Path::new(fixture).file_name().unwrap_or_default();
            if let Err(e) = std::fs::copy(&from, rooms.join(name)) {
                panic!("cannot copy {}: {e}", from.display());
            }
        }
        let curl = shims.join("curl");
        let script = format!(
            "#!/bin/sh\ncat '{}'\n",
            rooms.join("meeting.json").display()
        );
        if let Err(e) = std::fs::write(&curl, script) {
            panic!("cannot write {}: {e}", curl.display());
        }
        let executable = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        if let Err(e) = std::fs::set_permissions(&curl, executable) {
            panic!("cannot make {} executable: {e}", curl.display());
        }
        Sandbox(dir)
    }

    fn run(&self, recipe: &str) -> common::Run {
        common::output(
            Command::new("bash")
                .args(["-euo", "pipefail", "-c", recipe])
                .current_dir(&self.0)
                .env_clear()
                .env("PATH", common::path_with(&[&self.0.join("shims")]))
                .env("LIVEPEER_API_KEY", "test-key")
                .env("ROOM_ID", "5b3c1f0e-8a7d-4c2b-9e6f-0a1b2c3d4e5f"),
        )
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join(file)).unwrap_or_default()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn every_cookbook_recipe_runs() {
    let recipes = recipes();
    assert_eq!(recipes.len(), 6, "the Cookbook's sh blocks: {recipes:#?}");
    let sandbox = Sandbox::new("recipes");
    let runs: Vec<common::Run> = recipes.iter().map(|r| sandbox.run(r)).collect();
    for (recipe, run) in recipes.iter().zip(&runs) {
        assert_eq!(run.code, 0, "{recipe}\n{}{}", run.stdout, run.stderr);
        assert_eq!(run.stderr, "", "{recipe}");
    }
    // curl to a table: the fixture's people, in a plain table in a pipe.
    assert!(runs[0].stdout.starts_with("IDENTITY"), "{}", runs[0].stdout);
    assert!(runs[0].stdout.contains("\nli.wei "), "{}", runs[0].stdout);
    // CI: every room valid, nothing to say.
    assert_eq!(
        runs[1].stdout,
        "3 files, 3 rooms valid, 0 invalid: 0 errors, 0 warnings\n"
    );
    // CSV: a header and a row per participant.
    let csv = sandbox.read("participants.csv");
    assert!(csv.starts_with("room,key,identity,name,"), "{csv}");
    assert_eq!(csv.lines().count(), 6, "{csv}");
    // jq: the longest stay of those who left.
    assert_eq!(runs[3].stdout, "alice 2h 00m 00s\n");
    // find | xargs: one summary for the three files.
    let summary: serde_json::Value =
        serde_json::from_str(runs[4].stdout.trim()).unwrap_or_default();
    assert_eq!(summary["files"], 3, "{}", runs[4].stdout);
    assert_eq!(summary["exit_code"], 0, "{}", runs[4].stdout);
    // SARIF: one run of the tool, nothing found.
    let sarif: serde_json::Value =
        serde_json::from_str(&sandbox.read("room-inspector.sarif")).unwrap_or_default();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "room-inspector");
}

/// The README's "Install completions and the man page" block, run with a
/// scratch home: every file it promises is written, and holds what it is.
#[test]
fn the_install_commands_write_completions_and_the_man_page() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    let block = readme
        .split("### Install completions and the man page")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .unwrap_or_default()
        .to_string();
    assert!(block.contains("room-inspector man >"), "{block}");
    let sandbox = Sandbox::new("install");
    let home = sandbox.0.join("home");
    let _ = std::fs::create_dir_all(&home);
    let script = format!(
        "export HOME='{}' PROFILE='{}/profile.ps1'\n{block}",
        home.display(),
        home.display()
    );
    let run = sandbox.run(&script);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{block}");
    let read = |path: &str| std::fs::read_to_string(home.join(path)).unwrap_or_default();
    for (path, sign) in [
        (
            ".local/share/bash-completion/completions/room-inspector",
            "complete -F",
        ),
        (".zfunc/_room-inspector", "#compdef room-inspector"),
        (
            ".config/fish/completions/room-inspector.fish",
            "complete -c room-inspector",
        ),
        ("profile.ps1", "Register-ArgumentCompleter"),
        (".config/elvish/rc.elv", "edit:completion:arg-completer"),
        (".local/share/man/man1/room-inspector.1", ".TH"),
    ] {
        assert!(read(path).contains(sign), "{path} lacks {sign:?}");
    }
}

/// The README's "Schema" block: the file an editor is pointed at.
#[test]
fn the_schema_recipe_writes_the_schema_file() {
    let blocks = sh_blocks("Schema");
    assert_eq!(blocks.len(), 1, "{blocks:#?}");
    let sandbox = Sandbox::new("schema");
    let run = sandbox.run(&blocks[0]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", blocks[0]);
    let schema: serde_json::Value =
        serde_json::from_str(&sandbox.read("room.schema.json")).unwrap_or_default();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["required"],
        serde_json::json!(["id", "participants"])
    );
}
