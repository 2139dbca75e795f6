//! Links the binary as a position-dependent executable on Linux (glibc),
//! unless it is built with `ROOM_INSPECTOR_PIE=1` or as a static binary
//! (`-C target-feature=+crt-static`, which links `-static-pie`: a later
//! `-no-pie` would quietly make it dynamic again).
//!
//! A position-independent executable is relocated by the loader on every
//! start: about 10,000 pointers here, most in the Unicode tables of the
//! confusable check and the time zone names, each page of them copied on
//! write before `main` runs. For a tool started once per file by
//! pre-commit hooks and shell loops, that was a quarter of its start-up on
//! a small room. Linked at a fixed address, the tables are ready as
//! mapped. The code is still compiled position-independent; only the
//! address of the executable itself is no longer randomised, as with Go's
//! default build. Libraries, stack and heap keep theirs.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ROOM_INSPECTOR_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let pie = std::env::var("ROOM_INSPECTOR_PIE").is_ok_and(|v| v == "1");
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let static_crt = features.split(',').any(|f| f == "crt-static");
    if os == "linux" && env == "gnu" && !pie && !static_crt {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
