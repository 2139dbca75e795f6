//! The README's examples run as tests, so they cannot rot.

#[test]
fn readme_examples() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("README.md");
}
