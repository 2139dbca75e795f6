//! `schema`: the JSON Schema (draft 2020-12) of a room, generated from the
//! model's types (`model::RoomSchema`), so the schema and the model cannot
//! say different things about a field.

use std::io::{self, Write};

use schemars::Schema;
use schemars::generate::SchemaSettings;

use crate::Error;
use crate::model::RoomSchema;

/// Names the schema; a URN, as the schema is printed rather than hosted.
pub const SCHEMA_ID: &str = "urn:room-inspector:room";

/// The schema of a room, with its `$id`.
pub fn room_schema() -> Schema {
    let mut schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<RoomSchema>();
    schema.insert("$id".to_string(), SCHEMA_ID.into());
    schema
}

/// Prints the schema as pretty JSON with a trailing newline.
pub fn run(out: &mut dyn Write) -> Result<(), Error> {
    let mut text = serde_json::to_vec_pretty(&room_schema()).map_err(io::Error::other)?;
    text.push(b'\n');
    out.write_all(&text)?;
    Ok(())
}
