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
