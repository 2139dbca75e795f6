//! A mapped NDJSON file walked on every core: rooms are independent, so
//! the file is cut into chunks at lines that begin with `{`, worker threads
//! walk the chunks, and the rooms are handed to the sink in input order on
//! the calling thread, where their findings are placed and reported exactly
//! as the one-thread split (`split`) would.
//!
//! A cut is only a guess at where a room begins. A chunk counts only when
//! it is read as rooms from its first byte to its last: each room an
//! object that walks whole before the chunk ends, is UTF-8, and is followed
//! by nothing but whitespace or the next room. At the first chunk that is
//! not (a syntax error, a room that runs past the cut, anything that needs
//! the recovery rules), the workers stop and the one-thread split takes
//! over from that chunk's first byte, so broken input is reported as it
//! always was. Memory stays bounded: workers run at most a few chunks ahead
//! of the sink.

use std::collections::BTreeMap;
use std::io;
use std::num::NonZeroUsize;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};

use super::split::{self, Layout, Splitter};
use super::window::{Bytes, Window};
use crate::Error;
use crate::json::lexer::Lexer;
use crate::walk::{Options, Scratch, WalkedRoom, walk_room};

/// The size a chunk is cut at (at the next line that begins with `{`).
const CHUNK: usize = 1 << 20;
/// Files smaller than this are walked on one thread: the threads would
/// cost more than they save.
const MIN_LEN: usize = 4 << 20;
/// How many chunks each worker may be ahead of the sink.
const AHEAD_PER_WORKER: usize = 4;
/// How many bytes of text past the sink's next chunk workers may walk: a
/// chunk holds whole rooms, so one chunk may be far longer than `CHUNK`,
/// and walked rooms must not pile up beyond what one thread would hold.
const AHEAD_BYTES: usize = 8 << 20;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where to cut `bytes`, first and last offsets included, when it is worth
/// walking in parallel: a file of one-line rooms (its first line a whole
/// object) large enough for two chunks, on a machine with two cores or
/// more. `None` for everything else, which keeps the one-thread split.
pub(super) fn cuts(bytes: &[u8], workers: usize) -> Option<Vec<usize>> {
    if bytes.len() < MIN_LEN || workers < 2 {
        return None;
    }
    let start = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let first = Lexer::after_ws(bytes, start);
    if bytes.get(first) != Some(&b'{') {
        return None;
    }
    let head = &bytes[first..bytes.len().min(first + CHUNK)];
    let line_end = first + memchr::memchr(b'\n', head)?;
    let text = bytes[first..line_end].trim_ascii_end();
    if text.last() != Some(&b'}') {
        return None;
    }
    let mut cuts = vec![start];
    let finder = memchr::memmem::Finder::new(b"\n{");
    let mut from = start + CHUNK;
    while from < bytes.len() {
        match finder.find(&bytes[from - 1..]) {
            Some(i) => cuts.push(from + i),
            None => break,
        }
        from = cuts[cuts.len() - 1] + CHUNK;
    }
    cuts.push(bytes.len());
    (cuts.len() > 2).then_some(cuts)
}

pub(super) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// The rooms of one chunk, walked; `whole` when they are the chunk's
/// whole text (else the chunk is read again by the one-thread split).
struct Chunk<'m> {
    rooms: Vec<(usize, usize, WalkedRoom<'m>)>,
    whole: bool,
}

/// Walks `bytes[start..end]` as one-line rooms, up to the first thing that
/// is not one.
fn walk_chunk<'m>(
    bytes: &'m [u8],
    start: usize,
    end: usize,
    opts: &Options,
    scratch: &mut Scratch,
) -> Chunk<'m> {
    let text = &bytes[..end];
    let mut rooms = Vec::new();
    let mut pos = start;
    let broken = |rooms| Chunk {
        rooms,
        whole: false,
    };
    loop {
        let at = Lexer::after_ws(text, pos);
        if at == end {
            return Chunk { rooms, whole: true };
        }
        if text[at] != b'{' {
            return broken(rooms);
        }
        let Ok((room, room_end)) = walk_room(text, at, true, 0, None, opts, scratch) else {
            return broken(rooms);
        };
        if !room.is_object || simdutf8::basic::from_utf8(&text[at..room_end]).is_err() {
            return broken(rooms);
        }
        match split::after_value(text, room_end, true) {
            split::After::Next { pos: next, .. } => pos = next,
            _ => return broken(rooms),
        }
        rooms.push((at, room_end, room));
    }
}

/// Whether a worker may walk chunk `k` while the sink waits for chunk
/// `sent`: always that one; others while they are fewer than `ahead` and
/// begin within [`AHEAD_BYTES`] of it.
fn may_start(k: usize, sent: usize, ahead: usize, cuts: &[usize]) -> bool {
    k <= sent || (k < sent + ahead && cuts[k] - cuts[sent] < AHEAD_BYTES)
}

/// What the workers and the sink share.
struct Shared {
    next: AtomicUsize,
    stop: AtomicBool,
    /// Chunks handed to the sink so far.
    sent: Mutex<usize>,
    progress: Condvar,
}

impl Shared {
    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let _sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        self.progress.notify_all();
    }
}

/// Stops the workers when dropped: at the end of the run, and also when
/// a panic unwinds, so that no thread waits for one that is gone.
struct StopOnDrop<'s>(&'s Shared);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// Stops the workers when a worker panics.
struct StopOnPanic<'s>(&'s Shared);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// Hands every room of the mapped file to `sink`, walked on `cuts.len() - 1`
/// chunks in parallel; see the module's comment. Returns how many rooms
/// were walked by the workers, before the one-thread split took over.
pub(super) fn run(
    name: &str,
    mapped: Arc<memmap2::Mmap>,
    cuts: &[usize],
    opts: &Options,
    sink: &mut dyn FnMut(super::RoomReport<'_>) -> Result<(), Error>,
) -> Result<usize, Error> {
    // Every core has rooms of its own to walk already.
    let opts = &Options {
        split: crate::walk::Split::Never,
        ..opts.clone()
    };
    let file: Rc<str> = Rc::from(name);
    let mut w = Window::new(
        Box::new(io::empty()),
        Bytes::Mapped(Arc::clone(&mapped)),
        true,
        0,
    );
    w.eof = true;
    if w.buf.starts_with(BOM) {
        w.origin.0 = BOM.len();
        w.mark.0 = BOM.len();
    }
    let bytes: &[u8] = &mapped;
    let chunks = cuts.len() - 1;
    let workers = workers().min(chunks);
    let ahead = workers * AHEAD_PER_WORKER;
    let shared = Shared {
        next: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        sent: Mutex::new(0),
        progress: Condvar::new(),
    };
    let mut index = 0;
    let mut layout = Layout::Unknown;
    // The chunk the one-thread split goes on from, if one is not whole.
    let mut rest = None;
    std::thread::scope(|scope| -> Result<(), Error> {
        // However this ends (done, a failed write, a panic in the sink),
        // the workers stop before the scope waits for them.
        let _stop = StopOnDrop(&shared);
        let (tx, rx) = mpsc::channel::<(usize, Chunk<'_>)>();
        for _ in 0..workers {
            let (tx, shared) = (tx.clone(), &shared);
            let spawned = std::thread::Builder::new()
                .name("walk".into())
                .spawn_scoped(scope, move || {
                    // A worker that panics lets nobody wait for it: the
                    // others stop, and the sink finds its chunk missing.
                    let _stop = StopOnPanic(shared);
                    let mut scratch = Scratch::default();
                    loop {
                        let k = shared.next.fetch_add(1, Ordering::Relaxed);
                        if k >= chunks {
                            return;
                        }
                        let mut sent = shared.sent.lock().unwrap_or_else(PoisonError::into_inner);
                        while !may_start(k, *sent, ahead, cuts)
                            && !shared.stop.load(Ordering::Relaxed)
                        {
                            sent = shared
                                .progress
                                .wait(sent)
                                .unwrap_or_else(PoisonError::into_inner);
                        }
                        drop(sent);
                        if shared.stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let chunk = walk_chunk(bytes, cuts[k], cuts[k + 1], opts, &mut scratch);
                        if tx.send((k, chunk)).is_err() {
                            return;
                        }
                    }
                });
            if spawned.is_err() {
                break;
            }
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, Chunk<'_>> = BTreeMap::new();
        for (k, &first) in cuts[..chunks].iter().enumerate() {
            let chunk = loop {
                if let Some(chunk) = waiting.remove(&k) {
                    break Some(chunk);
                }
                match rx.recv() {
                    Ok((i, chunk)) => {
                        waiting.insert(i, chunk);
                    }
                    // No worker is left (none could start): go on alone.
                    Err(_) => break None,
                }
            };
            let Some(Chunk { rooms, whole: true }) = chunk else {
                rest = Some(first);
                break;
            };
            for (start, end, room) in rooms {
                if index == 0 {
                    layout = split::layout_after(&w.buf, start, end, room.is_object, None, true)
                        .unwrap_or(Layout::Unknown);
                }
                let to = split::To {
                    file: Rc::clone(&file),
                    index,
                    start,
                    end,
                };
                match split::send_room(&w, sink, to, room, &[]) {
                    Ok(mark) => w.mark = mark,
                    Err(e) => return Err(e),
                }
                index += 1;
            }
            *shared.sent.lock().unwrap_or_else(PoisonError::into_inner) = k + 1;
            shared.progress.notify_all();
        }
        Ok(())
    })?;
    if let Some(from) = rest {
        w.utf8.checked = from;
        w.utf8.check(&w.buf, 0, true);
        Splitter::new(name, w, opts, sink).resume(from, index, layout)?;
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::input::{RoomReport, rooms_of};
    use crate::walk::Collect;

    fn options() -> Options {
        Options {
            rules: crate::rules::RuleSet::defaults(true),
            now_ms: 1_700_000_000_000,
            split: crate::walk::Split::Never,
            collect: Collect {
                participants: true,
                timestamps: true,
                ..Collect::NOTHING
            },
        }
    }

    /// One-line rooms past `MIN_LEN`, every 500th with a finding (joined
    /// before the room was created).
    fn stream() -> Vec<String> {
        stream_of(9000)
    }

    /// `n` rooms of about 700 bytes each.
    fn stream_of(n: usize) -> Vec<String> {
        let pad = "x".repeat(600);
        (0..n)
            .map(|i| {
                let joined = if i % 500 == 7 { 1_600_000_000_000_i64 } else { 1_700_000_001_000 };
                format!(
                    "{{\"id\":\"r{i}\",\"createdAt\":1700000000000,\"participants\":{{\"a{i}\":{{\"identity\":\"a{i}\",\"name\":\"{pad}\",\"joinedAt\":{joined}}}}}}}"
                )
            })
            .collect()
    }

    fn digest_of(seen: &mut Vec<String>, r: &RoomReport<'_>) {
        let participants = r.walked.as_ref().map(|w| w.participants.len());
        seen.push(format!(
            "room {} line {} span {:?} last {} participants {participants:?}",
            r.origin.index, r.origin.line, r.span, r.last
        ));
        for d in &r.diagnostics {
            seen.push(format!(
                "{}:{} {} {} {}",
                d.line,
                d.column,
                d.rule.code(),
                d.pointer,
                d.message
            ));
        }
    }

    /// What the one-thread split reports of `text`.
    fn one_thread(text: &[u8]) -> Vec<String> {
        let mut seen = Vec::new();
        let reader = Box::new(std::io::Cursor::new(text.to_vec()));
        let result = rooms_of("t".into(), reader, true, 1 << 16, 0, &options(), &mut |r| {
            digest_of(&mut seen, &r);
            Ok(())
        });
        assert!(result.is_ok());
        seen
    }

    fn mapped(text: &[u8]) -> Arc<memmap2::Mmap> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("parallel-{}-{n}.ndjson", std::process::id()));
        let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(text));
        assert!(written.is_ok());
        let file = std::fs::File::open(&path);
        let _ = std::fs::remove_file(&path);
        match file.ok().and_then(|f| super::super::mapped::map(&f, "t")) {
            Some(map) => Arc::new(map),
            None => panic!("cannot map the test file"),
        }
    }

    /// What the parallel walk reports of `text`, which must be cut, and
    /// how many rooms the workers walked.
    fn parallel(text: &[u8]) -> (Vec<String>, usize) {
        let cuts = cuts(text, 2).unwrap_or_default();
        assert!(cuts.len() > 4, "not cut: {} cuts", cuts.len());
        let mut seen = Vec::new();
        let result = run("t", mapped(text), &cuts, &options(), &mut |r| {
            digest_of(&mut seen, &r);
            Ok(())
        });
        match result {
            Ok(walked) => (seen, walked),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn cuts_fall_at_lines_that_begin_a_room_a_chunk_apart() {
        let text = stream().join("\n");
        let bytes = text.as_bytes();
        let Some(cuts) = cuts(bytes, 2) else {
            panic!("a large NDJSON file is cut");
        };
        assert_eq!((cuts[0], cuts[cuts.len() - 1]), (0, bytes.len()));
        for pair in cuts.windows(2) {
            assert!(
                pair[1] - pair[0] >= CHUNK || pair[1] == bytes.len(),
                "{pair:?}"
            );
        }
        for &cut in &cuts[1..cuts.len() - 1] {
            assert_eq!(&bytes[cut - 1..=cut], b"\n{");
        }
        let bom = format!("\u{feff}{text}");
        assert_eq!(super::cuts(bom.as_bytes(), 2).map(|c| c[0]), Some(3));
        // One core, a small file, a pretty-printed room, an array: no cuts.
        assert_eq!(super::cuts(bytes, 1), None);
        assert_eq!(super::cuts(&bytes[..MIN_LEN - 1], 2), None);
        assert!(super::cuts(&bytes[..MIN_LEN], 2).is_some());
        // Rooms on indented lines: no line begins with `{` past the first,
        // so there is one chunk, which is not worth a thread.
        let indented = text.replace("\n{", "\n {");
        assert_eq!(super::cuts(indented.as_bytes(), 2), None);
        assert_eq!(super::cuts(format!("{{\n{text}").as_bytes(), 2), None);
        assert_eq!(super::cuts(format!("[{text}").as_bytes(), 2), None);
    }

    #[test]
    fn a_clean_stream_is_reported_as_the_one_thread_split_reports_it() {
        let text = stream().join("\n") + "\n";
        let (seen, walked) = parallel(text.as_bytes());
        assert_eq!(seen, one_thread(text.as_bytes()));
        assert_eq!(walked, 9000, "every room walked by the workers");
        let rooms = seen.iter().filter(|l| l.starts_with("room ")).count();
        let findings = seen
            .iter()
            .filter(|l| l.contains("joined-before-created"))
            .count();
        assert_eq!((rooms, findings), (9000, 18));
        assert!(
            seen.iter()
                .any(|l| l.starts_with("room 8999 line 9000 ") && l.contains("last true"))
        );
        assert!(
            seen.iter()
                .any(|l| l.starts_with("3508:") && l.contains("joined-before-created")),
            "{:?}",
            &seen[..3]
        );
    }

    #[test]
    fn broken_streams_are_reported_as_the_one_thread_split_reports_them() {
        let lines = stream();
        let text = lines.join("\n");
        let cut = cuts(text.as_bytes(), 2).unwrap_or_default()[2];
        // The line that begins at the second cut, and the one before it.
        let at_cut = text[..cut].matches('\n').count();
        // Text changed in place, so the cuts stay where they were.
        let padded = |text: &str, len: usize| format!("{text:<len$}");
        type Change = Box<dyn Fn(&mut Vec<String>)>;
        let variants: Vec<(&str, bool, Change)> = vec![
            ("line cut short", true, Box::new(|l| l[4000].truncate(300))),
            (
                "line before a cut cut short",
                true,
                Box::new(move |l| l[at_cut - 1].truncate(300)),
            ),
            (
                "a room that runs past a cut",
                true,
                Box::new(move |l| {
                    l[at_cut - 1] = padded("{\"id\":\"q\",\"participants\":", l[at_cut - 1].len());
                    l[at_cut] = padded("{}} x", l[at_cut].len());
                }),
            ),
            (
                "invalid UTF-8",
                true,
                Box::new(|l| l[6000] = l[6000].replacen("xxx", "x\u{fffd}x", 1)),
            ),
            (
                "garbage after a room",
                true,
                Box::new(|l| l[5000].push_str(" garbage")),
            ),
            ("a scalar", false, Box::new(|l| l[3000] = "42".into())),
            (
                "blank lines",
                false,
                Box::new(|l| l[2000].push_str("\n\n   \n")),
            ),
            (
                "a pretty room",
                false,
                Box::new(|l| l[7000] = "{\n  \"id\": \"p\",\n  \"participants\": {}\n}".into()),
            ),
            ("no last newline", false, Box::new(|_| ())),
            (
                "CRLF",
                false,
                Box::new(|l| l.iter_mut().for_each(|l| l.push('\r'))),
            ),
        ];
        for (name, syntax, change) in variants {
            let mut lines = lines.clone();
            change(&mut lines);
            let mut text = lines.join("\n").into_bytes();
            if let Some(at) = text.windows(3).position(|w| w == "\u{fffd}".as_bytes()) {
                text[at] = 0xff;
            }
            let (seen, walked) = parallel(&text);
            assert_eq!(seen, one_thread(&text), "{name}");
            assert!(seen.len() > 9000, "{name}: {} lines", seen.len());
            let errors = seen.iter().filter(|l| l.contains(" syntax ")).count();
            assert_eq!(errors > 0, syntax, "{name}: {errors} syntax errors");
            // The workers report no syntax error: the split took over.
            assert!(!syntax || walked < 9000, "{name}: {walked} walked");
        }
    }

    #[test]
    fn a_chunk_is_whole_only_when_it_is_one_line_rooms_to_its_end() {
        let opts = options();
        let walk = |text: &str, start: usize, end: usize| {
            let chunk = walk_chunk(text.as_bytes(), start, end, &opts, &mut Scratch::default());
            let spans: Vec<(usize, usize)> = chunk.rooms.iter().map(|r| (r.0, r.1)).collect();
            (spans, chunk.whole)
        };
        let rooms = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n  \n";
        assert_eq!(walk(rooms, 0, rooms.len()), (vec![(0, 10), (11, 21)], true));
        // A chunk that starts where the cut put it, past earlier rooms.
        assert_eq!(walk(rooms, 11, rooms.len()), (vec![(11, 21)], true));
        let broken = |text: &str, end: usize, rooms: Vec<(usize, usize)>| {
            assert_eq!(walk(text, 0, end), (rooms, false), "{text:?}");
        };
        // A room that runs past the cut, one that is not an object, a
        // scalar, garbage after a room, invalid JSON, invalid UTF-8.
        broken(rooms, 16, vec![(0, 10)]);
        broken("{\"id\":\"a\"}\n[1]\n", 15, vec![(0, 10)]);
        broken("{\"id\":\"a\"}\n42\n", 14, vec![(0, 10)]);
        broken("{\"id\":\"a\"} x\n", 13, vec![]);
        broken("{\"id\":}\n", 8, vec![]);
        let invalid = b"{\"id\":\"\xff\"}\n";
        let chunk = walk_chunk(invalid, 0, invalid.len(), &opts, &mut Scratch::default());
        assert!(!chunk.whole && chunk.rooms.is_empty());
    }

    #[test]
    fn workers_run_ahead_by_a_few_chunks_and_a_few_megabytes_only() {
        let mib = 1 << 20;
        let even: Vec<usize> = (0..20).map(|i| i * mib).collect();
        assert!(may_start(3, 3, 8, &even));
        assert!(may_start(10, 3, 8, &even));
        assert!(!may_start(11, 3, 8, &even), "8 chunks ahead at most");
        let halves: Vec<usize> = (0..20).map(|i| i * mib / 2).collect();
        assert!(!may_start(11, 3, 8, &halves), "8 chunks, however small");
        assert!(may_start(10, 3, 8, &halves));
        assert!(!may_start(11, 3, 20, &even), "8 MiB ahead at most");
        assert!(may_start(10, 3, 20, &even));
        // One chunk of 60 MiB: nothing past it until it is handed on.
        let huge = [0, mib, 61 * mib, 62 * mib, 63 * mib];
        assert!(may_start(1, 1, 8, &huge));
        assert!(!may_start(2, 1, 8, &huge));
        assert!(may_start(3, 2, 8, &huge));
        assert!(!may_start(4, 0, 8, &huge) && may_start(1, 0, 8, &huge));
    }

    #[test]
    fn a_panic_in_the_sink_ends_the_run_instead_of_waiting_for_workers() {
        // More chunks and more bytes than workers may run ahead by: they
        // wait for the sink, and must be told it is gone.
        let text = stream_of(24_000).join("\n");
        let cuts = cuts(text.as_bytes(), 2).unwrap_or_default();
        let map = mapped(text.as_bytes());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut handed = 0;
            run("t", map, &cuts, &options(), &mut |_| {
                handed += 1;
                assert!(handed < 10, "the sink gives up");
                Ok(())
            })
        }));
        assert!(result.is_err());
    }

    #[test]
    fn a_failed_write_stops_the_walk_and_is_returned() {
        let text = stream_of(24_000).join("\n");
        let cuts = cuts(text.as_bytes(), 2).unwrap_or_default();
        let mut handed = 0;
        let result = run("t", mapped(text.as_bytes()), &cuts, &options(), &mut |_| {
            handed += 1;
            if handed == 10 {
                return Err(Error::Write(io::Error::from(io::ErrorKind::BrokenPipe)));
            }
            Ok(())
        });
        assert!(matches!(result, Err(Error::Write(_))));
        assert_eq!(handed, 10);
    }
}
