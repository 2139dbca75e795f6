//! The README's examples run as tests, so they cannot rot.

mod common;

#[test]
fn readme_examples() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("README.md");
}

/// The "Try it" line runs the tool through cargo; the same arguments must
/// work on the built binary, on a fixture that exists, and print nothing.
#[test]
fn the_try_it_command_runs_on_a_bundled_fixture() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .unwrap_or_default();
    let command = line
        .trim_start_matches("cargo run --release -- ")
        .split("&&")
        .next()
        .unwrap_or_default();
    let args: Vec<&str> = command.split_whitespace().collect();
    assert!(
        args.len() >= 2 && args[1].starts_with("fixtures/"),
        "no Try it command found in README.md: {line:?}"
    );
    let r = common::run(&args);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
}

/// A `text` block that starts with `$ room-inspector` is an example whose
/// output holds a backslash, which trycmd would read as a path separator:
/// it is run here instead, and its stdout compared byte for byte.
#[test]
fn text_examples_print_exactly_what_they_show() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    let mut checked = 0;
    for block in readme.split("```text\n").skip(1) {
        let body = block.split("```").next().unwrap_or_default();
        let Some((command, shown)) = body.split_once('\n') else {
            continue;
        };
        let Some(args) = command.strip_prefix("$ room-inspector ") else {
            continue;
        };
        let args: Vec<&str> = args.split_whitespace().collect();
        let r = common::run(&args);
        assert_eq!(
            r.stdout,
            shown.trim_end_matches('\n').to_string() + "\n",
            "{command}"
        );
        checked += 1;
    }
    assert!(checked > 0, "no text example found in README.md");
}
