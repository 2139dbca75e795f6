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
