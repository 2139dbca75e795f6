//! What every command shares, on the real binary.

mod common;

use common::NOW;

#[test]
fn standard_input_named_twice_is_refused_in_every_command() {
    let room = std::fs::read(common::root().join("fixtures/room.json")).unwrap_or_default();
    for command in ["validate", "participants", "timestamps"] {
        for args in [&["-", "-"][..], &["-", "fixtures/room.json", "-"]] {
            let mut argv = vec![command, "--now", NOW];
            argv.extend_from_slice(args);
            let r = common::run_stdin(&argv, &room);
            assert_eq!(r.code, 2, "{argv:?}");
            assert_eq!(
                r.stderr,
                "room-inspector: standard input (-) is named more than once; give it once\n",
                "{argv:?}"
            );
            assert_eq!(r.stdout, "", "{argv:?}");
        }
        let once = common::run_stdin(&[command, "--now", NOW, "-"], &room);
        assert_eq!(once.code, 0, "{command}: {}", once.stderr);
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_exit_code_so_far() {
    let r = common::sh(&format!(
        "room-inspector validate --now {NOW} fixtures/rules/type.json fixtures/rules/type.json | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\""
    ));
    assert_eq!(r.stdout.trim(), "1");
    assert_eq!(r.stderr, "");
}

#[test]
fn a_conflict_error_shows_the_usage_with_file_optional() {
    let r = common::run(&["participants", "--active", "--left", "fixtures/room.json"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: the argument '--active' cannot be used with '--left'\n\n\
         Usage: room-inspector participants [OPTIONS] [FILE]...\n\n\
         For more information, try '--help'.\n"
    );
}

#[test]
fn the_exit_codes_in_each_help_speak_of_that_command() {
    for command in ["participants", "timestamps"] {
        let help = common::run(&[command, "--help"]).stdout;
        let codes = &help[help.find("Exit codes:").unwrap_or(0)..];
        assert!(codes.contains("  0  success\n"), "{command}: {codes}");
        assert!(!codes.contains("validate,"), "{command}: {codes}");
    }
    let validate = common::run(&["validate", "--help"]).stdout;
    assert!(validate.contains("  0  every room is valid"), "{validate}");
}

#[test]
fn validate_help_says_which_rules_need_strict() {
    let help = common::run(&["validate", "--help"])
        .stdout
        .replace('\n', " ");
    assert!(
        help.contains("unknown-field (errors, only with --strict)"),
        "{help}"
    );
}
