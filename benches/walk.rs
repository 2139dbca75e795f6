//! In-process benchmarks of the scanner, the room walk and the rules on a
//! generated 100k-participant room (whole-process ones are in bench/run.sh).

use std::io::Cursor;

use room_inspector::input::rooms_of;
use room_inspector::walk::{Collect, Options, Scratch, walk_room};

fn main() {
    divan::main();
}

/// A pretty-printed room like an API dump: Unicode names, half of the
/// participants gone, a tenth with published tracks; with `seconds`, a
/// tenth joined in seconds (a warning each).
fn room(n: usize, seconds: bool) -> Vec<u8> {
    let names = [
        "Ana Souza",
        "李小龙",
        "נועה כהן",
        "Zoë 🚀",
        "Jürgen Groß",
        "محمد",
    ];
    let mut s = String::from(
        "{\n  \"id\": \"d32ae9e6-c459-4931-9898-e86e2f5e7e16\",\n  \"createdAt\": 1700000000000,\n  \"participants\": {\n",
    );
    for i in 0..n {
        let mut joined = 1_700_000_000_000u64 + i as u64 * 997;
        if seconds && i % 10 == 5 {
            joined /= 1000;
        }
        s.push_str(&format!(
            "    \"user-{i:016x}\": {{\n      \"identity\": \"user-{i:016x}\",\n      \"name\": \"{}\",\n      \"joinedAt\": {joined}",
            names[i % names.len()]
        ));
        if i % 2 == 0 {
            s.push_str(&format!(",\n      \"leftAt\": {}", joined + 600_000));
        }
        if i % 10 == 0 {
            s.push_str(&format!(
                ",\n      \"tracksPublished\": {{\"TR_{i}\": {{\"sid\": \"TR_{i}\", \"width\": 1280, \"height\": 720, \"mimeType\": \"video/VP8\", \"timestamp\": {joined}}}}}"
            ));
        }
        s.push_str(if i + 1 < n { "\n    },\n" } else { "\n    }\n" });
    }
    s.push_str("  }\n}\n");
    s.into_bytes()
}

fn options(collect: Collect) -> Options {
    Options {
        rules: room_inspector::rules::RuleSet::default(),
        now_ms: 1_800_000_000_000,
        split: room_inspector::walk::Split::Never,
        collect,
    }
}

#[divan::bench]
fn walk_validate(bencher: divan::Bencher) {
    let text = room(100_000, false);
    let opts = options(Collect::default());
    let mut scratch = Scratch::default();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench_local(|| {
            walk_room(&text, 0, true, 0, None, &opts, &mut scratch)
                .map(|(scan, _)| scan.findings.len())
        });
}

#[divan::bench]
fn walk_collecting_participants(bencher: divan::Bencher) {
    let text = room(100_000, false);
    let opts = options(Collect {
        participants: true,
        timestamps: true,
        ..Collect::NOTHING
    });
    let mut scratch = Scratch::default();
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench_local(|| {
            walk_room(&text, 0, true, 0, None, &opts, &mut scratch)
                .map(|(scan, _)| scan.participants.len())
        });
}

/// The whole input layer: UTF-8 check, split, walk and placing findings.
#[divan::bench]
fn input_layer_with_findings(bencher: divan::Bencher) {
    // 10k findings to place.
    let text = String::from_utf8(room(100_000, true)).unwrap_or_default();
    let opts = options(Collect::default());
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| {
            let mut findings = 0;
            let reader = Box::new(Cursor::new(text.as_bytes().to_vec()));
            let _ = rooms_of(
                "bench".into(),
                reader,
                true,
                1 << 22,
                text.len() + 1,
                &opts,
                &mut |r| {
                    findings += r.diagnostics.len();
                    Ok(())
                },
            );
            findings
        });
}
