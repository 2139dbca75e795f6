//! The Room data model as plain typed values, for library users and for
//! JSON output: what a room holds once it has been read and checked.
//! Unknown fields are accepted by default (admin views carry more), as the
//! SPEC asks; `validate --strict` is where they become errors.
//!
//! The commands themselves never build this: they work on the borrowed
//! [`WalkedRoom`] of one pass, which also knows where every value sits.

use serde::{Deserialize, Serialize};

use crate::walk::{TsValue, WalkedRoom};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress_id: Option<String>,
    /// In the order of the input; a JSON object, keyed by identity.
    #[serde(with = "ordered_map")]
    pub participants: Vec<(String, Participant)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_at: Option<i64>,
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
