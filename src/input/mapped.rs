//! The memory map of a large file, and the only unsafe code in the
//! library: every other module of `input` forbids it.
//!
//! Copying a file that the page cache already holds costs as much as the
//! whole scan (reading instead of mapping made `validate` on a 190 MB room
//! about 40% slower), so from `MAP_MIN` up a file is mapped instead of read.
//!
//! A read of a mapped page that no longer exists (another process
//! truncated the file, or the disk failed) raises SIGBUS, whose default
//! ends the process with no word of why. While a map is in use a handler
//! instead writes what happened, naming the file, and exits with 2, the
//! code for an input that could not be read.

#![allow(unsafe_code)]

use std::fs::File;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// The message the handler writes, set before each map and never freed (a
/// few bytes per mapped input), so the handler can read it at any time.
/// Text and length sit behind one pointer, read in one atomic load.
static MESSAGE: AtomicPtr<&'static [u8]> = AtomicPtr::new(std::ptr::null_mut());

/// Maps `file` for reading; `None` when the system refuses, and the caller
/// then reads the file instead. `name` is the input as messages show it.
pub(super) fn map(file: &File, name: &str) -> Option<memmap2::Mmap> {
    if !on_bus_error_exit(name) {
        return None;
    }
    // SAFETY: the map is a shared, read-only view of the file: this process
    // never writes through it, but any other writer to the file changes the
    // bytes under us while we read them. Two consequences, both accepted as
    // ripgrep and git accept them, because room dumps are written once and
    // read many times:
    // - A file rewritten while it is read can give an inconsistent report
    //   (a room seen part old, part new; a quoted value that no longer
    //   matches the file). Rust assumes the bytes behind a `&[u8]` do not
    //   change, so this is a risk we take, not one the compiler rules out;
    //   what keeps it to wrong results is that every read of the map is
    //   bounds-checked against its fixed length and no other unsafe code
    //   in the crate relies on what a byte held earlier.
    // - A file truncated while it is read makes a read past its new end
    //   raise SIGBUS; `on_bus_error_exit` turns that into a message and
    //   exit code 2.
    unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()
}

/// Sets the message for `name` and installs the SIGBUS handler once; false
/// if it cannot be installed, and the file is then read, not mapped.
fn on_bus_error_exit(name: &str) -> bool {
    let text = format!(
        "room-inspector: {}: the file changed while it was read (truncated by another \
         process, or a read error); the report above is incomplete: run again once nothing \
         writes to the file\n",
        crate::term::sanitize(name)
    );
    let text: &'static [u8] = Box::leak(text.into_bytes().into_boxed_slice());
    MESSAGE.store(Box::leak(Box::new(text)), Ordering::SeqCst);

    static INSTALL: Once = Once::new();
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    INSTALL.call_once(|| {
        // SAFETY: `sigaction` with a zeroed struct, an empty mask and a
        // handler that only calls async-signal-safe functions (`write`,
        // `_exit`) on static data.
        let ok = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0
        };
        INSTALLED.store(ok, Ordering::SeqCst);
    });
    INSTALLED.load(Ordering::SeqCst)
}

extern "C" fn on_sigbus(_signal: libc::c_int) {
    // The scan and the UTF-8 check may fault at once: the first says why
    // and exits; any other waits for that exit, so the message is whole
    // and written once.
    static SAID: AtomicBool = AtomicBool::new(false);
    if SAID.swap(true, Ordering::SeqCst) {
        loop {
            // SAFETY: `pause` is async-signal-safe; the process ends soon.
            unsafe {
                libc::pause();
            }
        }
    }
    let message = MESSAGE.load(Ordering::SeqCst);
    // SAFETY: `message` is null or points to a leaked, never-freed slice
    // (see `on_bus_error_exit`); `write` and `_exit` are async-signal-safe.
    unsafe {
        if let Some(text) = message.as_ref() {
            libc::write(2, text.as_ptr().cast(), text.len());
        }
        libc::_exit(2);
    }
}
