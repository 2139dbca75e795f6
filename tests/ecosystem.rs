//! `completions SHELL` and `man`: generated from the clap definition, they
//! name every command; both end quietly when the reader goes away.

mod common;

const COMMANDS: [&str; 8] = [
    "validate",
    "participants",
    "timestamps",
    "summary",
    "diff",
    "schema",
    "completions",
    "man",
];

#[test]
fn every_shell_gets_a_script_that_names_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = common::run(&["completions", shell]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{shell}");
        assert!(!r.stdout.trim().is_empty(), "{shell}");
        assert!(r.stdout.contains("room-inspector"), "{shell}");
        // Whole words: `man` is inside `command`, which every script says.
        let words: std::collections::HashSet<&str> = r
            .stdout
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .collect();
        for command in COMMANDS {
            assert!(words.contains(command), "{shell}: no {command}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let r = common::run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("possible values: bash"), "{}", r.stderr);
    assert_eq!(common::run(&["completions"]).code, 2);
}

#[test]
fn the_man_page_is_roff_and_documents_every_command() {
    let r = common::run(&["man"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    // Requests only (string definitions) until the title.
    let before_title: Vec<&str> = r
        .stdout
        .lines()
        .take_while(|l| !l.starts_with(".TH "))
        .collect();
    assert!(
        before_title.iter().all(|l| l.starts_with('.')),
        "{before_title:?}"
    );
    assert!(
        r.stdout.contains(".TH room-inspector 1 "),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
    assert_eq!(r.stdout.matches(".TH ").count(), 1, "one page");
    for command in COMMANDS {
        assert!(
            r.stdout.contains(&format!(
                ".SH \"ROOM\\-INSPECTOR {}\"",
                command.to_uppercase()
            )),
            "no section for {command}"
        );
        assert!(
            r.stdout.contains(&format!("\\fB{command}\\fR")),
            "{command} not listed"
        );
    }
    // A command's options are in the page, not only its name.
    assert!(r.stdout.contains("deny\\-warnings"));
}

#[test]
fn each_help_says_how_to_install_the_output() {
    let completions = common::run(&["completions", "--help"]).stdout;
    for line in [
        "room-inspector completions bash > ~/.local/share/bash-completion/completions/room-inspector",
        "fpath=(~/.zfunc $fpath)",
        "~/.config/fish/completions/room-inspector.fish",
    ] {
        assert!(completions.contains(line), "{line}\n{completions}");
    }
    let man = common::run(&["man", "--help"]).stdout;
    assert!(
        man.contains("room-inspector man > ~/.local/share/man/man1/room-inspector.1"),
        "{man}"
    );
    let schema = common::run(&["schema", "--help"]).stdout;
    assert!(schema.contains("json.schemas"), "{schema}");
}

/// The reader is gone before the first byte is written, so the write
/// fails with a broken pipe every time, however small the output.
#[test]
fn generated_output_ends_quietly_when_the_reader_goes_away() {
    for args in ["man", "schema", "completions bash"] {
        let r = common::sh(&format!(
            "(sleep 0.2; exec room-inspector {args}) | true; echo \"${{PIPESTATUS[0]}}\""
        ));
        assert_eq!(r.stdout.trim(), "0", "{args}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{args}");
        let r = common::sh(&format!(
            "room-inspector {args} | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\""
        ));
        assert_eq!((r.stdout.trim(), r.stderr.as_str()), ("0", ""), "{args}");
    }
}
