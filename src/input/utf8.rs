//! What is known of an input's bytes as UTF-8. JSON text must be UTF-8
//! (RFC 8259), and the scanner only looks at bytes where JSON is ASCII, so
//! the check is a separate pass: piece by piece as bytes are read, or on a
//! helper thread ahead of the scan when the file is mapped.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// What is known so far; offsets into the window unless said otherwise.
#[derive(Default)]
pub(super) struct Utf8 {
    /// `buf[..checked]` is known to be UTF-8.
    pub(super) checked: usize,
    /// Absolute offset of the first byte that is not UTF-8.
    pub(super) bad: Option<usize>,
    /// A helper thread checking a mapped file ahead of the scan; `checked`
    /// and `bad` are taken from it as they are needed.
    pub(super) background: Option<Arc<Utf8Progress>>,
}

impl Utf8 {
    /// Checks `buf[checked..]`; `base` is the absolute offset of `buf`.
    pub(super) fn check(&mut self, buf: &[u8], base: usize, eof: bool) {
        // A check from here supersedes the helper's.
        self.background = None;
        if self.bad.is_some() {
            return;
        }
        let start = self.checked;
        let (valid, bad) = utf8_prefix(&buf[start..], !eof);
        self.checked = start + valid;
        self.bad = bad.map(|at| base + start + at);
    }

    /// Checks again from `from` (relative) when reading goes on there after
    /// a syntax error: a bad byte in the text skipped no longer counts.
    pub(super) fn restart(&mut self, buf: &[u8], base: usize, eof: bool, from: usize) {
        if self.bad.take().is_some() || self.background.is_some() {
            self.checked = from;
            self.check(buf, base, eof);
        }
    }

    /// The error to report for a syntax error at `at` (relative): a byte
    /// that is not UTF-8 at or before it, if there is one, which is what
    /// the scanner may have stumbled over.
    pub(super) fn blame(
        &mut self,
        buf: &[u8],
        base: usize,
        eof: bool,
        at: usize,
        message: String,
    ) -> (usize, String) {
        self.sync(buf, base, eof, base + at + 1);
        match self.bad {
            Some(bad) if bad <= base + at => (bad - base, invalid_utf8(buf, bad - base)),
            _ => (at, message),
        }
    }

    /// Waits until the helper has checked the bytes before `up_to`
    /// (absolute), or found the first that is not UTF-8.
    pub(super) fn sync(&mut self, buf: &[u8], base: usize, eof: bool, up_to: usize) {
        let Some(progress) = &self.background else {
            return;
        };
        let mut state = progress
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while state.checked < up_to && state.bad.is_none() && !state.done {
            state = progress
                .advanced
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let (checked, bad) = (state.checked, state.bad);
        drop(state);
        self.checked = checked - base;
        self.bad = bad;
        if checked < up_to && bad.is_none() {
            // The helper ended early (it cannot, short of a panic): check
            // the rest here.
            self.check(buf, base, eof);
        }
    }
}

pub(super) fn invalid_utf8(buf: &[u8], at: usize) -> String {
    let byte = buf.get(at).copied().unwrap_or(0);
    format!("invalid UTF-8 (byte 0x{byte:02x}); JSON text must be UTF-8")
}

/// How much of `bytes` is known to be UTF-8, and where the first byte that
/// is not stands (relative). When `more` follows, a character cut by the
/// end is not an error: the valid part stops before it.
pub(super) fn utf8_prefix(bytes: &[u8], more: bool) -> (usize, Option<usize>) {
    if simdutf8::basic::from_utf8(bytes).is_ok() {
        return (bytes.len(), None);
    }
    match simdutf8::compat::from_utf8(bytes) {
        Ok(_) => (bytes.len(), None),
        Err(e) if e.error_len().is_none() && more => (e.valid_up_to(), None),
        Err(e) => (e.valid_up_to(), Some(e.valid_up_to())),
    }
}

/// How far the helper thread has checked a mapped file as UTF-8.
#[derive(Default)]
pub(super) struct Utf8Progress {
    state: Mutex<Checked>,
    advanced: Condvar,
}

#[derive(Default)]
struct Checked {
    /// `bytes[..checked]` is UTF-8.
    checked: usize,
    /// The first byte that is not.
    bad: Option<usize>,
    /// The helper has stopped.
    done: bool,
}

impl Utf8Progress {
    fn publish(&self, update: impl FnOnce(&mut Checked)) {
        update(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner));
        self.advanced.notify_all();
    }
}

/// Marks the helper as stopped however it stops, so no one waits for it
/// in vain.
struct Done(Arc<Utf8Progress>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.publish(|state| state.done = true);
    }
}

/// Checks a mapped file as UTF-8 on a helper thread, a megabyte at a time,
/// so the check overlaps the scan instead of preceding it. `None` when no
/// thread could be started.
pub(super) fn check_in_background(bytes: Arc<memmap2::Mmap>) -> Option<Arc<Utf8Progress>> {
    const PIECE: usize = 1 << 20;
    let progress = Arc::new(Utf8Progress::default());
    let done = Done(Arc::clone(&progress));
    let spawned = std::thread::Builder::new()
        .name("utf8-check".into())
        .spawn(move || {
            let progress = &done.0;
            let mut at = 0;
            while at < bytes.len() {
                let end = (at + PIECE).min(bytes.len());
                let piece = &bytes[at..end];
                let (valid, bad) = utf8_prefix(piece, end < bytes.len());
                let (next, bad) = (at + valid, bad.map(|b| at + b));
                progress.publish(|state| {
                    state.checked = next;
                    state.bad = bad;
                });
                if bad.is_some() || next == at {
                    return;
                }
                at = next;
            }
        });
    spawned.ok().map(|_| progress)
}
