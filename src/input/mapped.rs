//! The memory map of a large file, and the only unsafe code in the crate:
//! every other module of `input` forbids it.
//!
//! Copying a file that the page cache already holds costs as much as the
//! whole scan, so from `MAP_MIN` up a file is mapped instead of read.

#![allow(unsafe_code)]

use std::fs::File;

/// Maps `file` for reading; `None` when the system refuses, and the caller
/// then reads the file instead.
pub(super) fn map(file: &File) -> Option<memmap2::Mmap> {
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
    //   raise SIGBUS, which ends the process (exit by signal, no report).
    unsafe { memmap2::MmapOptions::new().populate().map(file) }.ok()
}
