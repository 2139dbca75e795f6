//! Runs the real binary hermetically: a cleared environment, the project
//! root as working directory, and standard input always a pipe.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub const NOW: &str = "2024-06-01T00:00:00Z";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_room-inspector"))
}

pub fn run_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(root())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => panic!("cannot start the binary: {e}"),
    };
    if let Some(mut input) = child.stdin.take() {
        // The tool may stop reading early; a closed pipe is fine here.
        let _ = input.write_all(stdin);
    }
    let out = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => panic!("wait failed: {e}"),
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn run(args: &[&str]) -> Run {
    run_env(args, b"", &[])
}

pub fn run_stdin(args: &[&str], stdin: &[u8]) -> Run {
    run_env(args, stdin, &[])
}

/// A PATH for scripts: `first`, then the binary's directory, then the
/// system's tools and nothing else.
pub fn path_with(first: &[&std::path::Path]) -> String {
    let dir = bin().parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let mut parts: Vec<String> = first.iter().map(|p| p.display().to_string()).collect();
    parts.extend([dir.display().to_string(), "/usr/bin".into(), "/bin".into()]);
    parts.join(":")
}

/// Runs `cmd` to its end and keeps what it printed; a command that cannot
/// start fails the test, naming it.
pub fn output(cmd: &mut Command) -> Run {
    let out = match cmd.output() {
        Ok(o) => o,
        Err(e) => panic!("cannot run {:?}: {e}", cmd.get_program()),
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs a shell pipeline with the binary's directory first on PATH.
pub fn sh(script: &str) -> Run {
    output(
        Command::new("bash")
            .args(["-c", script])
            .current_dir(root())
            .env_clear()
            .env("PATH", path_with(&[])),
    )
}

/// A room with `n` participants, one per line, optionally one broken.
pub fn big_room(n: usize) -> String {
    let mut s = String::from("{\"id\":\"big\",\"createdAt\":1700000000000,\"participants\":{\n");
    for i in 0..n {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "\"u{i}\":{{\"identity\":\"u{i}\",\"name\":\"User {i}\",\"joinedAt\":{},\"leftAt\":{}}}",
            1_700_000_000_000u64 + i as u64 * 1000,
            1_700_000_500_000u64 + i as u64 * 1000
        ));
    }
    s.push_str("\n}}\n");
    s
}

/// Compares `actual` with `tests/snapshots/<name>`; `UPDATE_SNAPSHOTS=1`
/// rewrites the file instead (review the diff before committing).
pub fn snapshot(name: &str, actual: &str) {
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let _ = std::fs::create_dir_all(root().join("tests/snapshots"));
        if let Err(e) = std::fs::write(&path, actual) {
            panic!("cannot write {}: {e}", path.display());
        }
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing snapshot {}: {e}", path.display()));
    assert_eq!(actual, expected, "snapshot {name} differs");
}
