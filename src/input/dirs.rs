//! A directory named as an input: the room files under it, found as
//! ripgrep and ruff find theirs (the `ignore` crate): `.gitignore`,
//! `.ignore` and hidden files are respected, symbolic links are not
//! followed, and files come in a stable order (sorted by name, depth
//! first), so a report is the same on every machine.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::overrides::{Override, OverrideBuilder};

use super::Source;
use crate::Error;

/// The files a directory contributes unless `--glob` says otherwise.
pub const DEFAULT_GLOBS: [&str; 3] = ["*.json", "*.ndjson", "*.jsonl"];

/// The room files under `dir`, in order. A part of the tree that cannot be
/// read is a [`Source::Unreadable`] in its place, so the run names it and
/// goes on; so is a directory that holds no room file at all, which in CI
/// is almost always a wrong path.
pub fn files_under(dir: &Path, globs: &[String]) -> Result<Vec<Source>, Error> {
    // The globs choose among what the ignore rules leave; they are not
    // given to the walk as overrides, which would take hidden and ignored
    // files back in.
    let chosen = overrides(dir, globs)?;
    let pruned = chosen.clone();
    let walk = WalkBuilder::new(dir)
        // A `.gitignore` is the user's list of what is not theirs, in a
        // checkout or in a copy of one.
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && pruned.matched(e.path(), true).is_ignore())
        })
        .build();
    let mut found = Vec::new();
    for entry in walk {
        match entry {
            Ok(entry)
                if entry.file_type().is_some_and(|t| t.is_file())
                    && chosen.matched(entry.path(), false).is_whitelist() =>
            {
                found.push(Source::Path(entry.into_path()));
            }
            Ok(_) => {}
            Err(e) => found.push(Source::Unreadable {
                name: error_path(&e).unwrap_or_else(|| dir.to_path_buf()),
                message: format!("cannot read this part of the directory: {}", io_text(&e)),
            }),
        }
    }
    if found.is_empty() {
        found.push(Source::Unreadable {
            name: dir.to_path_buf(),
            message: format!(
                "is a directory with no room file ({}); --glob chooses others",
                shown_globs(globs)
            ),
        });
    }
    Ok(found)
}

fn shown_globs(globs: &[String]) -> String {
    if globs.is_empty() {
        DEFAULT_GLOBS.join(", ")
    } else {
        globs.join(", ")
    }
}

/// `--glob` in gitignore syntax, relative to the directory; `!` excludes.
/// Given only exclusions, the default file names are still the ones taken.
fn overrides(dir: &Path, globs: &[String]) -> Result<Override, Error> {
    let mut builder = OverrideBuilder::new(dir);
    let only_exclusions = globs.iter().all(|g| g.starts_with('!'));
    let defaults = DEFAULT_GLOBS.iter().filter(|_| only_exclusions).copied();
    for glob in defaults.chain(globs.iter().map(String::as_str)) {
        builder.add(glob).map_err(|e| {
            Error::Usage(format!(
                "--glob {}: not a glob: {}",
                crate::term::sanitize(glob),
                io_text(&e)
            ))
        })?;
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("--glob: {}", io_text(&e))))
}

/// The path an error of the walk is about, when it says.
fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// The error's own words, without the path it also names (the report
/// names the path once).
fn io_text(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_text(err),
        ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "permission denied".to_string()
        }
        other => crate::term::sanitize(&other.to_string()).into_owned(),
    }
}
