//! `validate DIR` (and the listings) read the room files under a
//! directory as ripgrep would find them: ignore files and hidden files
//! respected, only room file names taken, in a stable order.

mod common;

use std::path::{Path, PathBuf};

use common::NOW;

const GOOD: &str = r#"{"id":"r","participants":{}}"#;
const BAD: &str = r#"{"id":1,"participants":{}}"#;

/// A fresh directory under the system's temporary one, removed on drop.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("ri-dirs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            panic!("cannot create {}: {e}", dir.display());
        }
        Tree(dir)
    }

    fn file(&self, path: &str, text: &str) -> &Tree {
        let path = self.0.join(path);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(e) = std::fs::write(&path, text) {
            panic!("cannot write {}: {e}", path.display());
        }
        self
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The files a JSON report names, in its order, relative to `dir`.
fn files_reported(stdout: &str, dir: &Path) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "file")
        .filter_map(|v| v["file"].as_str().map(str::to_string))
        .map(|f| {
            Path::new(&f)
                .strip_prefix(dir)
                .map(|p| p.display().to_string())
                .unwrap_or(f)
        })
        .collect()
}

#[test]
fn a_directory_is_walked_in_name_order_respecting_ignore_files_and_hidden_ones() {
    let tree = Tree::new("walk");
    tree.file("b.json", GOOD)
        .file("a.ndjson", &format!("{GOOD}\n{GOOD}\n"))
        .file("sub/c.jsonl", GOOD)
        .file("sub/a.json", BAD)
        .file("notes.txt", "not a room")
        .file("README.md", "# rooms")
        .file(".hidden.json", BAD)
        .file(".secret/d.json", BAD)
        .file("build/out.json", BAD)
        .file(".gitignore", "build/\n");
    let r = common::run(&["validate", "--now", NOW, "--format", "json", tree.path()]);
    assert_eq!(
        files_reported(&r.stdout, &tree.0),
        ["a.ndjson", "b.json", "sub/a.json", "sub/c.jsonl"],
        "{}",
        r.stdout
    );
    assert_eq!(r.code, 1, "sub/a.json holds an invalid room");
    let human = common::run(&["validate", "--now", NOW, tree.path()]);
    let expected = format!("{}/sub/a.json:1:7: error[type]: /id", tree.path());
    assert!(human.stdout.starts_with(&expected), "{}", human.stdout);
    assert!(
        human
            .stdout
            .ends_with("4 files, 4 rooms valid, 1 invalid: 1 error, 0 warnings\n"),
        "{}",
        human.stdout
    );
}

#[test]
fn glob_chooses_the_files_and_bang_excludes() {
    let tree = Tree::new("glob");
    tree.file("a.json", GOOD)
        .file("b.room", GOOD)
        .file("c.json", BAD)
        .file("sub/d.json", GOOD);
    let reported = |globs: &[&str]| {
        let mut args = vec!["validate", "--now", NOW, "--format", "json"];
        for g in globs {
            args.extend(["--glob", g]);
        }
        args.push(tree.path());
        files_reported(&common::run(&args).stdout, &tree.0)
    };
    assert_eq!(reported(&["*.room"]), ["b.room"]);
    assert_eq!(
        reported(&["*.room", "*.json"]),
        ["a.json", "b.room", "c.json", "sub/d.json"]
    );
    // Only exclusions: the default names, less the excluded.
    assert_eq!(reported(&["!c.json"]), ["a.json", "sub/d.json"]);
    assert_eq!(reported(&["!sub/"]), ["a.json", "c.json"]);
    let bad = common::run(&["validate", "--glob", "a{", tree.path()]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--glob a{: not a glob"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_directory_without_room_files_fails_and_says_why() {
    let tree = Tree::new("empty");
    tree.file("notes.txt", "x");
    let r = common::run(&["validate", tree.path()]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "room-inspector: {}: is a directory with no room file (*.json, *.ndjson, *.jsonl); \
             --glob chooses others\n",
            tree.path()
        )
    );
    // Beside a good file, the good file is still reported.
    let both = common::run(&[
        "validate",
        "--format",
        "json",
        tree.path(),
        "fixtures/room.json",
    ]);
    assert_eq!(both.code, 2);
    assert!(
        both.stdout
            .contains(r#""file":"fixtures/room.json","status":"valid""#),
        "{}",
        both.stdout
    );
}

#[test]
fn the_listings_read_directories_too_but_diff_refuses_them() {
    let tree = Tree::new("list");
    tree.file(
        "a.json",
        r#"{"id":"a","participants":{"x":{"identity":"x","joinedAt":1700000000000}}}"#,
    )
    .file(
        "b.json",
        r#"{"id":"b","participants":{"y":{"identity":"y","joinedAt":1700000001000}}}"#,
    );
    let r = common::run(&[
        "participants",
        "--now",
        NOW,
        "--format",
        "csv",
        "--columns",
        "room,identity",
        tree.path(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "room,identity\na,x\nb,y\n");
    let d = common::run(&["diff", tree.path(), "fixtures/room.json"]);
    assert_eq!(d.code, 2);
    assert!(
        d.stderr.contains("is a directory: diff compares two files"),
        "{}",
        d.stderr
    );
}

#[test]
fn symbolic_links_are_not_followed_out_of_the_tree_or_round_a_loop() {
    let outside = Tree::new("outside");
    outside.file("secret.json", BAD);
    let tree = Tree::new("links");
    tree.file("a.json", GOOD);
    for (link, target) in [("out", outside.0.clone()), ("loop", tree.0.clone())] {
        if let Err(e) = std::os::unix::fs::symlink(&target, tree.0.join(link)) {
            panic!("cannot link: {e}");
        }
    }
    let r = common::run(&["validate", "--now", NOW, "--format", "json", tree.path()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(files_reported(&r.stdout, &tree.0), ["a.json"]);
}

/// Runs the binary as a user the permission bits apply to: as root, that
/// is `nobody` (setpriv, util-linux); root reads everything.
fn run_unprivileged(args: &[&str]) -> common::Run {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the user the process runs as.
    let is_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let bin = common::bin();
    let mut command = if is_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    common::output(command.args(args).current_dir(common::root()).env_clear())
}

#[test]
fn an_unreadable_part_of_the_tree_is_named_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new("perm");
    tree.file("a/x.json", GOOD).file("b.json", GOOD);
    let locked = tree.0.join("a");
    let set = |mode: u32| {
        if let Err(e) = std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(mode)) {
            panic!("cannot chmod {}: {e}", locked.display());
        }
    };
    set(0o000);
    let r = run_unprivileged(&["validate", "--now", NOW, "--format", "json", tree.path()]);
    set(0o755);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "room-inspector: {}: cannot read this part of the directory: permission denied\n",
            locked.display()
        )
    );
    assert!(
        r.stdout.contains(&format!(
            r#""file":"{}/b.json","status":"valid""#,
            tree.path()
        )),
        "{}",
        r.stdout
    );
}
