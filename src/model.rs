//! The Room data model as plain typed values, for library users and for
//! JSON output: what a room holds once it has been read and checked.
//! Unknown fields are accepted by default (admin views carry more), as the
//! SPEC asks; `validate --strict` is where they become errors.
//!
//! The commands themselves never build this: they work on the borrowed
//! [`WalkedRoom`] of one pass, which also knows where every value sits.
//!
//! The same types give `room-inspector schema` its JSON Schema: doc
//! comments here are the schema's descriptions, and each field's schema
//! says what the walk accepts (a `null` is a type error there, so no
//! optional field is nullable; a room timestamp may have a fraction, which
//! the walk rounds down, a participant's may not).

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::rules::timestamp::MAX_MS;
use crate::walk::{TsValue, WalkedRoom};

/// A Livepeer room, as `GET /room/{id}` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    /// room ID
    #[schemars(example = &"d32ae9e6-c459-4931-9898-e86e2f5e7e16")]
    pub id: String,
    /// Timestamp (in milliseconds) at which the room was created
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ms_number", example = 1_587_667_174_725_i64)]
    pub created_at: Option<i64>,
    /// Timestamp (in milliseconds) at which room was updated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ms_number", example = 1_587_667_174_725_i64)]
    pub updated_at: Option<i64>,
    /// internal ID for egress output
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub egress_id: Option<String>,
    /// The participants, keyed by their identity; `{}` when nobody joined.
    // In the order of the input. The schema's participant is the model's
    // plus the admin view's fields, which the model leaves out
    // (`ParticipantSchema`).
    #[serde(with = "ordered_map")]
    #[schemars(with = "BTreeMap<String, ParticipantSchema>", example = serde_json::json!({"key": {}}))]
    pub participants: Vec<(String, Participant)>,
}

/// Someone who joined the room; every field is optional, `{}` included.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// participant ID; the server keys `participants` by it
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub identity: Option<String>,
    /// user-defined display name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub name: Option<String>,
    /// Timestamp (in milliseconds) at which the participant joined
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ms_integer", example = 1_687_517_025_000_i64)]
    pub joined_at: Option<i64>,
    /// Timestamp (in milliseconds) at which the participant left (an upper bound: the service stamps it on everyone still listed at each leave event)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ms_integer", example = 1_687_517_085_000_i64)]
    pub left_at: Option<i64>,
}

// Schema-only types. The admin view's fields (SPEC: "real data, not
// garbage") are checked by the walk, but the model leaves them out: no
// command reads them from it, and the walk does not keep all of them (a
// track's width, the owner's user ID). So they exist here only to be
// described, flattened into the model's types rather than restating them.

/// The JSON Schema of a room: the model's fields and the admin view's.
#[derive(JsonSchema)]
#[schemars(
    rename = "Room",
    title = "Livepeer Room",
    description = "A Livepeer Studio room, as GET /room/{id} returns it (admin-view fields included). \
Unknown fields are allowed here; `room-inspector validate --strict` reports them.",
    example = serde_json::json!({
        "id": "d32ae9e6-c459-4931-9898-e86e2f5e7e16",
        "createdAt": 1_587_667_174_725_i64,
        "updatedAt": 1_587_667_174_725_i64,
        "participants": {"key": {}}
    })
)]
pub struct RoomSchema {
    #[serde(flatten)]
    pub room: Room,
    #[serde(flatten)]
    pub admin: RoomAdminView,
}

/// A room's fields that only admin views carry.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoomAdminView {
    /// ID of the user who owns the room (admin view)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub user_id: Option<String>,
    /// whether the room was deleted (admin view)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    pub deleted: Option<bool>,
    /// Timestamp (in milliseconds) at which the room was deleted (admin view)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ms_number", example = 1_587_667_174_725_i64)]
    pub deleted_at: Option<i64>,
    /// what happened in the room, in order (admin view)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<RoomEvent>")]
    pub events: Option<Vec<RoomEvent>>,
}

/// One event of a room (admin view).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoomEvent {
    /// what happened: `room_started`, `room_finished`, `egress_started` or `egress_ended`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", example = &"room_started")]
    pub event_name: Option<String>,
    /// Timestamp (in milliseconds) of the event
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ms_number", example = 1_587_667_174_725_i64)]
    pub timestamp: Option<i64>,
}

/// A participant: the model's fields and the admin view's.
#[derive(JsonSchema)]
#[schemars(
    rename = "Participant",
    description = "Someone who joined the room; every field is optional, `{}` included."
)]
pub struct ParticipantSchema {
    #[serde(flatten)]
    pub participant: Participant,
    #[serde(flatten)]
    pub admin: ParticipantAdminView,
}

/// A participant's fields that only admin views carry.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantAdminView {
    /// the tracks the participant published, keyed by track SID (admin view)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "BTreeMap<String, PublishedTrack>")]
    pub tracks_published: Option<BTreeMap<String, PublishedTrack>>,
}

/// A track a participant published (admin view).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublishedTrack {
    /// track SID
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", example = &"TR_AMkSsC4y2sVQ")]
    pub sid: Option<String>,
    /// video width in pixels
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "f64", example = 1280)]
    pub width: Option<f64>,
    /// video height in pixels
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "f64", example = 720)]
    pub height: Option<f64>,
    /// media type of the track
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", example = &"video/VP8")]
    pub mime_type: Option<String>,
    /// Timestamp (in milliseconds) at which the track was published
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "ms_number", example = 1_587_667_174_725_i64)]
    pub timestamp: Option<i64>,
}

/// A room-level timestamp: any number of Unix milliseconds the walk reads
/// as a time (a fraction is rounded down, so just under `MAX_MS + 1` is
/// still the last millisecond of year 9999).
fn ms_number(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "number",
        "minimum": 0,
        "exclusiveMaximum": MAX_MS + 1,
    })
}

/// A participant's timestamp: integral Unix milliseconds (SPEC).
fn ms_integer(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_MS,
    })
}

impl Room {
    /// The model of a scanned room, if it has what a room needs: an id and
    /// participants of the right types (values that failed a type or range
    /// check are left out). Participants are present only when the scan
    /// collected them.
    pub fn from_walked(scan: &WalkedRoom<'_>) -> Option<Room> {
        if !scan.is_object || !scan.participants_seen {
            return None;
        }
        let id = scan.id?.decode().into_owned();
        let ms = |v: Option<TsValue<'_>>| match v {
            Some(TsValue::Ms(ms)) => Some(ms),
            _ => None,
        };
        let participants = scan
            .participants
            .iter()
            .map(|p| {
                (
                    p.key.decode().into_owned(),
                    Participant {
                        identity: p.identity.map(|s| s.decode().into_owned()),
                        name: p.name.map(|s| s.decode().into_owned()),
                        joined_at: ms(p.joined),
                        left_at: ms(p.left),
                    },
                )
            })
            .collect();
        Some(Room {
            id,
            created_at: scan.created_at.map(|s| s.ms),
            updated_at: scan.updated_at.map(|s| s.ms),
            egress_id: scan.egress_id.map(|s| s.decode().into_owned()),
            participants,
        })
    }
}

/// A JSON object as an ordered list of members, so that input order
/// survives a round trip (a later duplicate key replaces an earlier one,
/// as in any JSON parser; `validate` reports it).
mod ordered_map {
    use std::collections::HashMap;
    use std::fmt;

    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};

    use super::Participant;

    pub fn serialize<S: Serializer>(
        members: &[(String, Participant)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(members.len()))?;
        for (key, value) in members {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, Participant)>, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Vec<(String, Participant)>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object mapping identity to participant")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // A repeated key replaces the value at its first place, as
                // a JSON object read into a map would; the index keeps that
                // linear for rooms of any size.
                let mut members: Vec<(String, Participant)> = Vec::new();
                let mut index: HashMap<String, usize> = HashMap::new();
                while let Some((key, value)) = map.next_entry::<String, Participant>()? {
                    match index.get(&key) {
                        Some(&at) => members[at].1 = value,
                        None => {
                            index.insert(key.clone(), members.len());
                            members.push((key, value));
                        }
                    }
                }
                Ok(members)
            }
        }
        deserializer.deserialize_map(Members)
    }
}
