//! `man`: the roff man page of the whole tool, generated from the clap
//! definition: the top-level page, then a section per command with its
//! usage, description and options, so one page documents everything.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_mangen::Man;
use roff::{Roff, bold, roman};

use crate::Error;
use crate::cli::Cli;

pub fn run(out: &mut dyn Write) -> Result<(), Error> {
    out.write_all(&page()?)?;
    Ok(())
}

/// The whole page, rendered into memory.
fn page() -> io::Result<Vec<u8>> {
    let mut cli = Cli::command();
    cli.build();
    let commands: Vec<clap::Command> = cli
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
        .cloned()
        .collect();
    let top = Man::new(cli)
        .source(format!("room-inspector {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands");
    let mut page = Vec::new();
    top.render_title(&mut page)?;
    let mut body = Vec::new();
    top.render_name_section(&mut body)?;
    top.render_synopsis_section(&mut body)?;
    top.render_description_section(&mut body)?;
    let mut list = Roff::new();
    list.control("SH", ["COMMANDS"]);
    for command in &commands {
        let about = command
            .get_about()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let name = command.get_name();
        list.control("TP", [])
            .text([bold(name)])
            .text([roman(format!(
                "{about} (see ROOM-INSPECTOR {} below)",
                name.to_uppercase()
            ))]);
    }
    body.extend_from_slice(list.to_roff().as_bytes());
    top.render_options_section(&mut body)?;
    top.render_extra_section(&mut body)?;
    for command in commands {
        let name = command.get_name().to_uppercase();
        let man = Man::new(command);
        writeln!(body, ".SH \"ROOM\\-INSPECTOR {name}\"")?;
        let mut section = Vec::new();
        man.render_synopsis_section(&mut section)?;
        man.render_description_section(&mut section)?;
        man.render_options_section(&mut section)?;
        man.render_extra_section(&mut section)?;
        // A command's own sections are subsections of its section here.
        for line in String::from_utf8_lossy(&section).lines() {
            match line.strip_prefix(".SH ") {
                Some(title) => writeln!(body, ".SS {title}")?,
                None => writeln!(body, "{line}")?,
            }
        }
    }
    // Every rendered piece opens with the same string definition; the
    // title's is enough.
    let body = String::from_utf8_lossy(&body)
        .lines()
        .filter(|l| !l.starts_with(".ie \\n(.g .ds Aq") && !l.starts_with(".el .ds Aq"))
        .fold(String::new(), |mut text, l| {
            text.push_str(l);
            text.push('\n');
            text
        });
    page.extend_from_slice(body.as_bytes());
    Ok(page)
}
