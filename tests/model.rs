//! The typed model: serde reads a room as the walk does, unknown fields
//! are tolerated, and a model writes back out as the same JSON.

use std::io::Cursor;

use room_inspector::input::rooms_of;
use room_inspector::model::{Participant, Room};
use room_inspector::walk::{Collect, Options};

/// The model the walk builds for each room of `text`.
fn walked(text: &str) -> Vec<Option<Room>> {
    let opts = Options {
        rules: room_inspector::rules::RuleSet::default(),
        now_ms: 0,
        split: room_inspector::walk::Split::Never,
        collect: Collect {
            participants: true,
            timestamps: false,
            ..Collect::NOTHING
        },
    };
    let mut rooms = Vec::new();
    let reader = Box::new(Cursor::new(text.as_bytes().to_vec()));
    let result = rooms_of(
        "t".into(),
        reader,
        true,
        1,
        text.len() + 1,
        &opts,
        &mut |r| {
            rooms.push(r.walked.as_ref().and_then(Room::from_walked));
            Ok(())
        },
    );
    assert!(result.is_ok());
    rooms
}

#[test]
fn serde_and_the_walk_read_every_valid_fixture_alike() {
    for fixture in [
        "fixtures/room.json",
        "fixtures/admin-room.json",
        "fixtures/people.json",
        "fixtures/meeting.json",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let by_serde: Room =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        assert_eq!(walked(&text), [Some(by_serde.clone())], "{fixture}");
        // And back: the model writes the same JSON value it read, less unknown fields.
        let again: Room =
            serde_json::from_str(&serde_json::to_string(&by_serde).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{fixture}: {e}"));
        assert_eq!(again, by_serde);
    }
}

#[test]
fn the_sdk_example_reads_into_the_model() {
    let room: Room = serde_json::from_str(
        r#"{"id":"d32ae9e6-c459-4931-9898-e86e2f5e7e16","createdAt":1587667174725,
            "updatedAt":1587667174725,"participants":{"key":{}},"userId":"u","deleted":false}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(room.created_at, Some(1_587_667_174_725));
    assert_eq!(
        room.participants,
        [("key".to_string(), Participant::default())]
    );
}

#[test]
fn rooms_without_an_id_or_participants_have_no_model() {
    assert_eq!(
        walked(r#"{"participants":{}} {"id":"a"} {"id":"b","participants":{}}"#).len(),
        3
    );
    let rooms = walked(r#"{"participants":{}} {"id":"a"} {"id":"b","participants":{}}"#);
    assert_eq!(rooms[0], None);
    assert_eq!(rooms[1], None);
    assert_eq!(rooms[2].as_ref().map(|r| r.id.as_str()), Some("b"));
}

/// A repeated participant key keeps its first place and takes the later
/// value, in a room large enough that the lookup has to stay linear.
#[test]
fn a_repeated_key_keeps_its_place_and_takes_the_later_value() {
    let mut text = String::from("{\"id\":\"r\",\"participants\":{");
    for i in 0..50_000 {
        text.push_str(&format!("\"u{i}\":{{\"joinedAt\":{i}}},"));
    }
    text.push_str("\"u1\":{\"joinedAt\":7}}}");
    let room: Room = match serde_json::from_str(&text) {
        Ok(room) => room,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(room.participants.len(), 50_000);
    assert_eq!(room.participants[1].0, "u1");
    assert_eq!(room.participants[1].1.joined_at, Some(7));
    assert_eq!(room.participants[49_999].0, "u49999");
}
