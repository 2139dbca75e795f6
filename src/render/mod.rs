//! Renderers: each writes to an injected writer, so each is testable into a
//! `Vec<u8>`.

pub mod diff;
pub mod json;
pub mod participants;
pub mod report;
pub mod summary;
pub mod table;
pub mod timeline;
pub mod timestamps;

/// Makes chunk `k` of an output into a buffer, with a thread's state.
pub type MakeChunk<'f, S> = dyn Fn(&mut S, usize, &mut Vec<u8>) -> std::io::Result<()> + Sync + 'f;

/// Writes the chunks `0..chunks` to `out` in order: a second thread makes
/// every other one while this one makes and writes the rest, with two
/// chunks in flight, which is enough to keep both busy. Each thread makes
/// its own `state` for `make`. Where no thread can be started every chunk
/// is made here; a failed write drops the receiver, which ends the helper.
/// The helper's buffers come back to it once written: a fresh one for
/// each chunk grew by doubling, copying each chunk twice over, and the
/// largest were fresh pages from the kernel every time.
pub fn in_order_on_two_threads<S>(
    chunks: usize,
    state: &(dyn Fn() -> S + Sync),
    make: &MakeChunk<'_, S>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(2);
        let (give_back, given_back) = std::sync::mpsc::channel::<Vec<u8>>();
        let helper = std::thread::Builder::new()
            .name("format".into())
            .spawn_scoped(scope, move || {
                let mut state = state();
                for k in (1..chunks).step_by(2) {
                    let mut buf = given_back.try_recv().unwrap_or_default();
                    buf.clear();
                    let made = make(&mut state, k, &mut buf);
                    if sender.send(made.map(|()| buf)).is_err() {
                        break;
                    }
                }
            })
            .is_ok();
        let mut state = state();
        let mut buf = Vec::new();
        for k in 0..chunks {
            if k % 2 == 0 || !helper {
                buf.clear();
                make(&mut state, k, &mut buf)?;
                out.write_all(&buf)?;
            } else {
                let theirs = receiver.recv().map_err(std::io::Error::other)??;
                out.write_all(&theirs)?;
                // The helper may have ended; the buffer is then dropped.
                let _ = give_back.send(theirs);
            }
        }
        Ok(())
    })
}
