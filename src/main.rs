//! The binary: parse arguments, read the environment once, run, turn the
//! outcome into an exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

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
fn clap_exit(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    if e.use_stderr() {
        let safe: Vec<String> = text
            .split('\n')
            .map(|line| room_inspector::term::sanitize(line).into_owned())
            .collect();
        let _ = io::stderr().write_all(safe.join("\n").as_bytes());
        return ExitCode::from(2);
    }
    if stdout_is_closed() {
        return closed();
    }
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "room-inspector: cannot write the output: {e}");
            ExitCode::from(2)
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

fn closed() -> ExitCode {
    let _ = writeln!(
        io::stderr(),
        "room-inspector: standard output is closed; nothing could be written (redirect it to a file or /dev/null instead)"
    );
    ExitCode::from(2)
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

fn main() -> ExitCode {
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
    ExitCode::from(exit as u8)
}
