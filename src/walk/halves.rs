//! One large participants map walked by two threads.
//!
//! Rooms are walked one at a time, so a file that is one large room would
//! keep one core busy and leave the others idle. Where the map is large, a
//! second thread walks it from a participant near its middle to its end,
//! while this thread walks it from its start; the second thread's findings
//! and collections then follow this thread's, as one walk would have made
//! them.
//!
//! Where that participant starts can only be guessed from the bytes around
//! it (the text before it is not read yet: it might be inside a string).
//! The guess is checked when this thread gets there: the second walk is
//! taken only if this thread's walk reaches a member of the same map at
//! exactly that offset, with the map's key set in the same state as the
//! second walk assumed. Otherwise the second walk is abandoned and this
//! thread walks on alone, so a wrong guess costs time, never a result.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::keys::KeySet;
use super::{Participants, Split, Timestamps, WalkedRoom, Walker, keep_later, participant_slot};
use crate::json::lexer::{JStr, Lexed, Lexer, Stop};

/// The bytes from a participants map's start to the end of the input from
/// which a second thread is tried: starting one costs tens of
/// microseconds, and a map is walked at about a gigabyte a second. What
/// is left of the input is all that is known of the map's size before it
/// is walked; [`Scratch`](super::Scratch) allows one guess an input.
pub const SPLIT_FROM: usize = 2 << 20;

/// The second walk's stack: the main thread's, as deep values recurse.
const STACK: usize = 8 << 20;

/// How far past the middle a participant's start is looked for.
const SEARCH: usize = 1 << 20;

impl<'a, 'o> Walker<'a, 'o> {
    /// Where a second thread may start walking the participants map whose
    /// `{` `lx` is at: the offset of a participant's key.
    pub(super) fn split_at(&self, lx: &Lexer<'a>) -> Option<usize> {
        if !self.may_split {
            return None;
        }
        match self.opts.split {
            Split::Never => None,
            Split::At(at) => (at > lx.pos).then_some(at),
            Split::Large => {
                // A window that ends within the room is walked again with
                // more of it: only a room read whole is split.
                if !lx.eof {
                    return None;
                }
                let rest = self.buf.len().checked_sub(lx.pos)?;
                if rest < SPLIT_FROM {
                    return None;
                }
                participant_near(self.buf, lx.pos + rest / 2)
            }
        }
    }

    /// The participants map whose `{` `lx` is at, walked from `at` on by a
    /// second thread if that is where a participant starts.
    pub(super) fn participants_in_halves(&mut self, lx: &mut Lexer<'a>, at: usize) -> Lexed<()> {
        lx.pos += 1;
        let level = self.keyset_level();
        self.may_split = false;
        #[cfg(test)]
        GUESSED.set(GUESSED.get() + 1);
        let abandon = Arc::new(AtomicBool::new(false));
        let rest = self.rest_walker(level, Arc::clone(&abandon));
        let eof = lx.eof;
        let result = std::thread::scope(|scope| {
            let abandon = &abandon;
            let mut second = std::thread::Builder::new()
                .name("walk-rest".into())
                .stack_size(STACK)
                .spawn_scoped(scope, move || rest.walk_rest(at, eof, level))
                .ok();
            let mut at_stop = |w: &mut Self, lx: &mut Lexer<'a>, key: JStr<'a>| -> Lexed<bool> {
                let Some(handle) = second.take() else {
                    return Ok(false);
                };
                if key.at != at || !w.keysets[level].is_large() {
                    abandon.store(true, Ordering::Relaxed);
                    let _ = handle.join();
                    return Ok(false);
                }
                // A second walk that panicked is walked again here.
                let Ok((rest, result)) = handle.join() else {
                    return Ok(false);
                };
                match result {
                    Ok(end) => {
                        #[cfg(test)]
                        TAKEN.set(TAKEN.get() + 1);
                        w.absorb(rest, level);
                        lx.pos = end;
                        Ok(true)
                    }
                    // The text ran out (a window of a stream, read again
                    // with more): walked here, to the same end.
                    Err(Stop::Incomplete) => Ok(false),
                    Err(e) => {
                        #[cfg(test)]
                        TAKEN.set(TAKEN.get() + 1);
                        Err(e)
                    }
                }
            };
            let result = self.member_loop(
                lx,
                &[],
                level,
                true,
                at,
                &mut at_stop,
                Self::participant_member,
            );
            // The map ended, or its walk failed, before the guessed start.
            abandon.store(true, Ordering::Relaxed);
            if let Some(handle) = second.take() {
                let _ = handle.join();
            }
            result
        });
        result?;
        self.close_object(level);
        Ok(())
    }

    /// A walker in the state this one will be in at a participant of the
    /// map whose key set is at `level`: the same path and room fields, and
    /// the map's key set past its small stage.
    fn rest_walker(&self, level: usize, abandon: Arc<AtomicBool>) -> Walker<'a, 'o> {
        let mut keysets: Vec<KeySet> = (0..level).map(|_| KeySet::default()).collect();
        keysets.push(KeySet::rest_of_large());
        let room = &self.out;
        Walker {
            buf: self.buf,
            base: self.base,
            opts: self.opts,
            collect: self.collect,
            quiet: self.quiet.clone(),
            path: self.path.clone(),
            keysets,
            looks: Vec::new(),
            looks_rest: Vec::new(),
            looks_repeated: None,
            may_split: false,
            abandon: Some(abandon),
            // What the walk of a participant reads of the room: the
            // pointer prefix of a room in an array, and what the keep
            // predicates of the roster rules read (`createdAt`). A
            // predicate that reads more of the room needs it here too.
            out: WalkedRoom {
                index_in_array: room.index_in_array,
                created_at: room.created_at,
                participants: Participants::new(self.buf),
                timestamps: Timestamps::new(self.buf, self.base),
                ..WalkedRoom::default()
            },
        }
    }

    /// The members of the map at `level` from the key at `at` to the map's
    /// end; the offset past its `}`. Stops at the next member or element
    /// once abandoned.
    fn walk_rest(mut self, at: usize, eof: bool, level: usize) -> (Self, Lexed<usize>) {
        let mut lx = Lexer::new(self.buf, at, eof);
        let no_stop = |_: &mut Self, _: &mut Lexer<'a>, _: JStr<'a>| Ok(false);
        let result = self.member_loop(
            &mut lx,
            &[],
            level,
            false,
            usize::MAX,
            no_stop,
            Self::participant_member,
        );
        (self, result.map(|()| lx.pos))
    }

    /// Takes in what the walk of the rest of the map at `level` found,
    /// after what this walk found before it.
    fn absorb(&mut self, mut rest: Walker<'a, '_>, level: usize) {
        if let (Some(keys), Some(rest_keys)) =
            (self.keysets.get_mut(level), rest.keysets.get_mut(level))
        {
            keys.append_rest(rest_keys);
        }
        self.looks.extend_from_slice(&rest.looks);
        let room = rest.out;
        let out = &mut self.out;
        out.participants.append(room.participants);
        out.timestamps.append(room.timestamps);
        out.tracks.extend(room.tracks);
        out.roster.extend(room.roster);
        out.stays.extend(room.stays);
        out.findings.extend(room.findings);
        keep_later(&mut out.latest_left, room.latest_left);
        keep_later(&mut out.latest_track, room.latest_track);
    }
}

/// The quote of a participant's key at or past `from`, as far as the bytes
/// around it tell: a `}` that could close the member before, a comma, a key
/// whose value is an object, and that object's first key a participant's
/// field (a published track's is not).
fn participant_near(buf: &[u8], from: usize) -> Option<usize> {
    let window = buf.get(from..buf.len().min(from.saturating_add(SEARCH)))?;
    memchr::memchr_iter(b'}', window).find_map(|close| {
        let mut lx = Lexer::new(buf, from + close + 1, true);
        if lx.peek_byte() != Some(b',') {
            return None;
        }
        lx.pos += 1;
        let key = lx.next_key(false).ok()??;
        if lx.peek_byte() != Some(b'{') {
            return None;
        }
        lx.pos += 1;
        let field = lx.next_key(true).ok()??;
        participant_slot(field.name().as_ref()).map(|_| key.at)
    })
}

#[cfg(test)]
thread_local! {
    /// How many second walks this thread took in.
    static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// How many second walks this thread started.
    static GUESSED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::{Collect, Options, Scratch, walk_room};

    /// Everything a walk found that a command could see, as text; the
    /// walk's error if it stopped.
    fn digest(text: &[u8], split: Split) -> String {
        digest_at(text, 0, None, split)
    }

    /// `digest` of the room at `pos`, element `index` of an array.
    fn digest_at(text: &[u8], pos: usize, index: Option<usize>, split: Split) -> String {
        let opts = Options {
            rules: crate::rules::RuleSet::defaults(true),
            now_ms: 1_700_000_500_000,
            collect: Collect {
                participants: true,
                timestamps: true,
                events: true,
                tracks: true,
                roster: true,
                latest: true,
                identities: true,
                stays: true,
            },
            split,
        };
        match walk_room(text, pos, true, 0, index, &opts, &mut Scratch::default()) {
            Err(Stop::Incomplete) => "incomplete".to_string(),
            Err(Stop::Syntax(e)) => format!("syntax error at {}: {}", e.at, e.message),
            Ok((room, end)) => {
                let participants: Vec<_> = (0..room.participants.len())
                    .map(|i| room.participants.get(i))
                    .collect();
                let timestamps: Vec<_> = (0..room.timestamps.len())
                    .map(|i| room.timestamps.get(i))
                    .collect();
                format!(
                    "end {end}\nfindings {:?}\nparticipants {participants:?}\n\
                     timestamps {timestamps:?}\ntracks {:?}\nroster {:?}\nstays {:?}\n\
                     latest {:?} {:?}\nalike {:?}\nevents {:?}\nroom {:?} {:?} {:?}",
                    room.findings,
                    room.tracks,
                    room.roster,
                    room.stays,
                    room.latest_left,
                    room.latest_track,
                    room.look_alikes,
                    room.events,
                    room.created_at,
                    room.id,
                    room.api_error,
                )
            }
        }
    }

    /// Only times count for the latest `leftAt`: one that is not a time
    /// is never kept, before a real one or after it.
    #[test]
    fn a_left_at_that_is_not_a_time_is_never_the_latest() {
        let latest = |participants: &str| {
            let text = format!(r#"{{"id":"r","participants":{{{participants}}}}}"#);
            let digest = digest(text.as_bytes(), Split::Never);
            let line = digest.lines().find(|l| l.starts_with("latest "));
            line.unwrap_or_default().to_string()
        };
        assert_eq!(latest(r#""a":{"leftAt":"soon"}"#), "latest None None");
        let valid = latest(r#""b":{"leftAt":1700000000000}"#);
        assert!(valid.contains("1700000000000"), "{valid}");
        let around = [
            r#""a":{"leftAt":"soon"},"b":{"leftAt":1700000000000}"#,
            r#""b":{"leftAt":1700000000000},"a":{"leftAt":-1}"#,
        ];
        for participants in around {
            let kept = latest(participants);
            assert!(kept.contains("Ms(1700000000000)"), "{participants}: {kept}");
        }
    }

    /// A room of `n` participants of many shapes: repeated keys and
    /// identities far apart, look-alike identities, tracks, times out of
    /// range or of the wrong type, a participant that is not an object,
    /// escapes, a tie for the latest leftAt, and events after the map.
    fn crowd(n: usize) -> String {
        let mut members = Vec::new();
        for i in 0..n {
            let key = match i % 11 {
                3 => "dup".to_string(),
                7 => format!("k\\u00{:02x}{i}", 0x61 + i % 5),
                _ => format!("k{i}"),
            };
            let identity = match i % 13 {
                2 => "same".to_string(),
                5 => "paypal".to_string(),
                6 => "p\u{0430}ypal".to_string(),
                _ => key.clone(),
            };
            let joined = 1_700_000_000_000_i64 + i as i64 * 1_000;
            // The latest leftAt twice, far apart: the first of equals is
            // the one kept.
            let tied = i == 10 || i + 3 == n;
            let body = match i % 9 {
                _ if tied => format!(
                    r#"{{"identity":"{identity}","joinedAt":{joined},"leftAt":1750000000000}}"#
                ),
                0 => format!(
                    r#"{{"identity":"{identity}","name":"N {i}","joinedAt":{joined},"leftAt":{}}}"#,
                    joined + 5_000
                ),
                1 => format!(r#"{{"name":"late","joinedAt":{joined},"identity":"{identity}"}}"#),
                2 => format!(
                    r#"{{"identity":"{identity}","joinedAt":"{joined}","leftAt":1.5,"extra":[1,{{"a":2}}]}}"#
                ),
                3 => format!(
                    r#"{{"identity":"{identity}","joinedAt":{joined},"tracksPublished":{{"TR_{i}":{{"sid":"TR_{i}","width":640,"height":480,"mimeType":"video/h264","timestamp":{}}},"TR_b":{{"sid":"TR_b","timestamp":"x"}}}}}}"#,
                    joined + 10
                ),
                4 => "[\"not a participant\"]".to_string(),
                5 => format!(
                    r#"{{"identity":"{identity}","identity":"twice","joinedAt":1600000000,"leftAt":{}}}"#,
                    joined + 9_999_000
                ),
                6 => "{}".to_string(),
                7 => format!(
                    r#"{{"identity" : "{identity}" , "name":null,"joinedAt":{joined} ,"leftAt":-1}}"#
                ),
                _ => format!(
                    r#"{{"identity":"{identity}","joinedAt":{joined},"leftAt":{joined},"joindAt":1}}"#
                ),
            };
            members.push(format!("\"{key}\": {body}"));
        }
        format!(
            "{{\"id\":\"r\",\"createdAt\":1700000003000,\"participants\":{{\n{}\n}},\
             \"events\":[{{\"eventName\":\"room_finished\",\"timestamp\":1700000030000}}]}}",
            members.join(",\n")
        )
    }

    /// Walks `text` split at every offset, and requires of each walk what
    /// one thread finds. Returns how many splits were taken.
    fn same_at_every_offset(text: &str) -> usize {
        let bytes = text.as_bytes();
        let whole = digest(bytes, Split::Never);
        let before = TAKEN.get();
        for at in 0..=bytes.len() {
            let split = digest(bytes, Split::At(at));
            assert_eq!(split, whole, "split at {at} of {text}");
        }
        TAKEN.get() - before
    }

    #[test]
    fn a_room_walked_in_two_halves_is_the_room_walked_whole() {
        let text = crowd(40);
        // The second walk is taken from every participant's key once the
        // map's key set is large: from the 19th on, as the 15th key repeats
        // the 4th and is not kept in the small set.
        let taken = same_at_every_offset(&text);
        assert_eq!(taken, 40 - 18, "{text}");
        // The same room as the second of an array: its pointers start
        // with `/1` in both walks.
        let array = format!("[{{}},{text}]");
        let bytes = array.as_bytes();
        let whole = digest_at(bytes, 4, Some(1), Split::Never);
        assert!(whole.contains("\"/1/participants/"), "{whole}");
        let before = TAKEN.get();
        for at in 0..=bytes.len() {
            assert_eq!(
                digest_at(bytes, 4, Some(1), Split::At(at)),
                whole,
                "split at {at}"
            );
        }
        assert_eq!(TAKEN.get() - before, 40 - 18);
    }

    #[test]
    fn the_participants_of_two_walks_read_as_one_list() {
        let text = crowd(30);
        let bytes = text.as_bytes();
        let opts = |split| Options {
            rules: crate::rules::RuleSet::defaults(false),
            now_ms: 1_700_000_500_000,
            collect: Collect {
                participants: true,
                timestamps: true,
                ..Collect::NOTHING
            },
            split,
        };
        let walk = |split| {
            let before = TAKEN.get();
            match walk_room(
                bytes,
                0,
                true,
                0,
                None,
                &opts(split),
                &mut Scratch::default(),
            ) {
                Ok((room, _)) => (room, TAKEN.get() - before),
                Err(_) => panic!("the room walks"),
            }
        };
        let (whole, _) = walk(Split::Never);
        let at = text.find("\"k24\"").unwrap_or(0);
        let (mut split, taken) = walk(Split::At(at));
        assert_eq!(taken, 1);
        let (mut whole_list, mut split_list) = (whole.participants, split.participants);
        // Three of the thirty are not objects.
        let n = whole_list.len();
        assert_eq!((split_list.len(), n), (27, 27));
        let all: Vec<usize> = (0..n).collect();
        assert_eq!(split_list.touch(&all), whole_list.touch(&all));
        for i in 0..n {
            assert_eq!(
                format!("{:?}", split_list.times(i)),
                format!("{:?}", whole_list.times(i))
            );
        }
        assert_eq!(split_list.times(n), (None, None));
        assert!(split_list.get(n).is_none());
        // Taken back one by one from the end, across both parts; and
        // once the second part is empty, a push goes to the first.
        for _ in 0..10 {
            assert_eq!(
                format!("{:?}", split_list.pop()),
                format!("{:?}", whole_list.pop())
            );
        }
        if let Some(p) = whole_list.get(0) {
            split_list.push(&p);
            whole_list.push(&p);
        }
        assert_eq!(split_list.len(), 18);
        let listed = |list: &Participants<'_>| format!("{:?}", list.iter().collect::<Vec<_>>());
        assert_eq!(listed(&split_list), listed(&whole_list));
        assert_eq!(split.timestamps.len(), whole.timestamps.len());
        split
            .timestamps
            .push(split.timestamps.get(0).unwrap_or_else(|| panic!("a time")));
        assert_eq!(
            format!("{:?}", split.timestamps.iter().last()),
            format!("{:?}", split.timestamps.get(0))
        );
    }

    #[test]
    fn a_split_in_a_small_map_or_in_any_other_place_is_walked_by_one_thread() {
        for fixture in [
            include_str!("../../fixtures/admin-room.json"),
            include_str!("../../fixtures/crowd.json"),
            include_str!("../../fixtures/hidden-problems.json"),
            include_str!("../../fixtures/multi-error.json"),
            include_str!("../../fixtures/people.json"),
        ] {
            assert_eq!(same_at_every_offset(fixture), 0, "{fixture}");
        }
    }

    #[test]
    fn an_error_after_the_split_is_the_error_of_the_whole_walk() {
        let text = crowd(30);
        // Syntax errors in the second half: a missing comma, a cut text, a
        // trailing comma.
        let at = text.find("\"k24\"").unwrap_or(0);
        let missing_comma = format!("{}{}", &text[..at - 2], &text[at..]);
        assert!(same_at_every_offset(&missing_comma) > 0);
        let cut = &text[..text.len() - 60];
        assert!(same_at_every_offset(cut) > 0);
        let end = text.find("\n}").unwrap_or(0);
        let trailing = format!("{},{}", &text[..end], &text[end..]);
        assert!(same_at_every_offset(&trailing) > 0);
    }

    #[test]
    fn nesting_too_deep_in_the_second_half_is_found_by_it() {
        let text = crowd(24);
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let at = text.find("\"k22\"").unwrap_or(0);
        let text = format!("{}\"deep\": {deep},\n{}", &text[..at], &text[at..]);
        assert!(same_at_every_offset(&text) > 0);
    }

    #[test]
    fn a_large_room_is_split_once_and_an_input_is_guessed_in_once() {
        // About 2.5 MiB of participants: split near the middle.
        let text = crowd(30_000);
        assert!(text.len() > SPLIT_FROM, "{}", text.len());
        let (guessed, taken) = (GUESSED.get(), TAKEN.get());
        assert_eq!(
            digest(text.as_bytes(), Split::Large),
            digest(text.as_bytes(), Split::Never)
        );
        assert_eq!((GUESSED.get() - guessed, TAKEN.get() - taken), (1, 1));
        // Less than SPLIT_FROM from the map on: one thread, no guess.
        let small = crowd(20_000);
        assert!(small.len() < SPLIT_FROM, "{}", small.len());
        let guessed = GUESSED.get();
        let _ = digest(small.as_bytes(), Split::Large);
        assert_eq!(GUESSED.get() - guessed, 0);
        // Rooms of an array: the first room's guess lands in a later room
        // and is abandoned; no later room is guessed in.
        let rooms = format!("[{}]", vec![crowd(1500); 40].join(","));
        assert!(rooms.len() > 2 * SPLIT_FROM);
        let opts = Options {
            rules: crate::rules::RuleSet::defaults(false),
            now_ms: 1_700_000_500_000,
            collect: Collect::NOTHING,
            split: Split::Large,
        };
        let (guessed, taken) = (GUESSED.get(), TAKEN.get());
        let mut scratch = Scratch::default();
        let mut at = 1;
        for i in 0..40 {
            let Ok((_, end)) =
                walk_room(rooms.as_bytes(), at, true, 0, Some(i), &opts, &mut scratch)
            else {
                panic!("room {i} walks");
            };
            at = end + 1;
        }
        assert_eq!((GUESSED.get() - guessed, TAKEN.get() - taken), (1, 0));
    }

    #[test]
    fn a_participant_is_guessed_near_the_middle_and_nothing_else_is() {
        let text = crowd(40);
        let bytes = text.as_bytes();
        let Some(at) = participant_near(bytes, bytes.len() / 2) else {
            panic!("no participant found in {text}");
        };
        let after = &text[at..];
        assert!(
            after.starts_with("\"k") || after.starts_with("\"dup\""),
            "{after}"
        );
        // A track's start looks alike but for its first field.
        let tracks = r#"{"a":{"tracksPublished":{"T1":{"sid":"T1"},"T2":{"sid":"T2"}}}}"#;
        assert_eq!(participant_near(tracks.as_bytes(), 0), None);
        let two = r#"{"a":{"identity":"a"},"b":{"name":"b"}}"#;
        assert_eq!(participant_near(two.as_bytes(), 0), two.find("\"b\""));
    }
}
