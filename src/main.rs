//! The binary: parse arguments, read the environment once, run, turn the
//! outcome into an exit code.

// With glibc the process starts at our own `main`; see [`start`].
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use std::io::{self, IsTerminal, Write};

use clap::Parser;
use room_inspector::Env;

/// The only place that asks the process about its terminals and `NO_COLOR`.
fn env() -> Env {
    let stdout_is_terminal = io::stdout().is_terminal();
    Env {
        stdin_is_terminal: io::stdin().is_terminal(),
        stdout_is_terminal,
        stderr_is_terminal: io::stderr().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        // COLUMNS is honoured in a pipe too: a shell sets it only when
        // asked to, so `COLUMNS=100 room-inspector … | less -S` means it.
        terminal_width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|&c| c >= 20)
            .or_else(|| {
                stdout_is_terminal
                    .then(terminal_size::terminal_size)
                    .flatten()
                    .map(|(terminal_size::Width(w), _)| w)
            }),
        // Leaked once: `Env` is a small `Copy` value handed everywhere.
        tz: std::env::var_os("TZ")
            .map(|tz| &*Box::leak(tz.to_string_lossy().into_owned().into_boxed_str())),
    }
}

/// Help and version go to stdout, usage errors to stderr. A usage error
/// may echo an argument, and arguments come from globs over names anyone
/// chose: its text is escaped as data is, line by line so clap's own line
/// breaks stay. Help that cannot be written (a closed stdout, a full disk)
/// is an error, as any other output is; a reader that went away is not.
fn clap_exit(e: &clap::Error) -> u8 {
    let text = e.render().to_string();
    if e.use_stderr() {
        let safe: Vec<String> = text
            .split('\n')
            .map(|line| room_inspector::term::sanitize(line).into_owned())
            .collect();
        let _ = io::stderr().write_all(safe.join("\n").as_bytes());
        return 2;
    }
    if stdout_is_closed() {
        return closed();
    }
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let _ = writeln!(io::stderr(), "room-inspector: cannot write the output: {e}");
            2
        }
    }
}

/// Whether standard output was closed when the process started (`>&-`).
///
/// The standard library reopens a closed standard descriptor on
/// `/dev/null` before `main`, so writes then succeed unseen and a run that
/// printed nothing would exit 0. What it leaves cannot be told from a
/// `/dev/null` the caller handed over (Python's `subprocess.DEVNULL` is
/// one, opened read-write as the library's is), so the descriptor is
/// looked at earlier: see [`closed_at_start`]. Elsewhere this says no.
fn stdout_is_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        closed_at_start::stdout()
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Standard output as the process found it, before the standard library's
/// start-up: the C runtime calls every function in `.init_array` ahead of
/// `main`, where that start-up runs.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
mod closed_at_start {
    use std::sync::atomic::{AtomicBool, Ordering};

    static CLOSED: AtomicBool = AtomicBool::new(false);

    extern "C" fn look() {
        // SAFETY: `F_GETFD` reads the descriptor's flags and nothing else;
        // on a descriptor that is not open it fails (EBADF), its only
        // failure, and touches no memory either way.
        let flags = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) };
        CLOSED.store(flags == -1, Ordering::Relaxed);
    }

    // SAFETY: `look` takes no arguments, which the C runtime's call (it
    // passes argc, argv and envp) allows, and uses nothing that needs the
    // standard library's start-up.
    #[used]
    #[unsafe(link_section = ".init_array")]
    static LOOK: extern "C" fn() = look;

    pub fn stdout() -> bool {
        CLOSED.load(Ordering::Relaxed)
    }
}

fn closed() -> u8 {
    let _ = writeln!(
        io::stderr(),
        "room-inspector: standard output is closed; nothing could be written (redirect it to a file or /dev/null instead)"
    );
    2
}

/// A pipe holds 64 KiB unless asked for more: output written into one
/// then goes across 64 KiB at a time, each step a switch to the reader and
/// back. With 1 MiB (what the kernel grants without privileges) a listing
/// read through `| cat` or `| jq` takes about a fifth less time. Anything
/// that is not a pipe, or a kernel that refuses, keeps what it has.
fn widen_pipe() {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::pipe::fcntl_setpipe_size(io::stdout(), 1 << 20);
    }
}

#[cfg(any(not(all(target_os = "linux", target_env = "gnu")), test))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run())
}

fn run() -> u8 {
    let cli = match room_inspector::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let quiet = matches!(&cli.command, room_inspector::cli::Command::Validate(a) if a.quiet);
    if !quiet && stdout_is_closed() {
        return closed();
    }
    let env = env();
    widen_pipe();
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let stderr = io::stderr();
    let mut err = stderr.lock();
    // `run` has already ended a closed pipe quietly with the exit code
    // reached so far, so every error that arrives here is worth saying.
    let exit = match room_inspector::run(cli, &env, &mut out, &mut err) {
        Ok(exit) => exit,
        Err(e) => {
            let _ = writeln!(err, "room-inspector: {e}");
            e.code()
        }
    };
    exit as u8
}

/// The process's entry point with glibc, in place of the standard
/// library's. That one also finds the main thread's stack bounds, for a
/// message on overflow, by reading and parsing `/proc/self/maps`: a fifth
/// of the instructions and a dozen of the system calls of a whole run on
/// a small room, where the nesting limit already keeps the stack far from
/// its end (and an overflow still ends the process, by SIGSEGV). What else
/// it does that this tool relies on is done here the same way:
/// - SIGPIPE ignored, so a reader that went away is a write error that
///   ends the run quietly, not a signal;
/// - a closed standard descriptor reopened on `/dev/null`, so that no file
///   opened later takes its number ([`closed_at_start`] has seen it first);
/// - a panic ends the process with 101 after the hook's message;
/// - standard output flushed at the end.
///
/// Arguments reach `std::env::args` without it: glibc hands them to the
/// standard library's own `.init_array` function.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[allow(unsafe_code)]
mod start {
    use std::ffi::{c_char, c_int};
    use std::io::Write;

    #[unsafe(no_mangle)]
    extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        // SAFETY: setting a signal's disposition to SIG_IGN installs no
        // handler code and touches no memory of ours.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        reopen_closed_standard_descriptors();
        let exit = std::panic::catch_unwind(super::run).unwrap_or(101);
        let _ = std::io::stdout().flush();
        c_int::from(exit)
    }

    fn reopen_closed_standard_descriptors() {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        });
        // SAFETY: `fds` is a live array of three `pollfd`s, its length
        // passed with it; a zero timeout returns at once.
        let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) };
        if polled == -1 {
            return;
        }
        for fd in fds {
            if fd.revents & libc::POLLNVAL != 0 {
                // SAFETY: a NUL-terminated path and plain flags; the lowest
                // free descriptor, the closed one, is the one opened.
                unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR, 0) };
            }
        }
    }
}
