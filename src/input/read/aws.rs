//! Amazon outputs: Transcribe Call Analytics (`Transcript[]` items with
//! `ParticipantRole`) and Amazon Connect Contact Lens (`Transcript[]` items with
//! `ParticipantId`, joined to the top-level `Participants[]` for the role). Both
//! give `Content` and `BeginOffsetMillis`/`EndOffsetMillis` from the start of the
//! recording, so times are taken as they are.
//!
//! Call id: Contact Lens `CustomerMetadata.ContactId`, else `JobName`, else the
//! file stem. Language: the primary subtag of `LanguageCode` (`en-US` → `en`).
//! Channel: `Channel` lower-cased, else `voice`.

use crate::input::common::meta;
use crate::input::common::speakers::Resolver;
use crate::input::common::timefmt::json_f64;
use crate::input::common::{Ctx, ReadError, finish};
use crate::transcript::{Call, Format, Turn};
use serde_json::Value;
use std::collections::HashMap;

/// What a Transcribe or Contact Lens document gives, whichever way it was parsed.
struct Parts {
    id: Option<String>,
    channel: Option<String>,
    language: Option<String>,
    account: Option<String>,
    instance: Option<String>,
    /// Per `Transcript` item: speaker label, text, begin and end (ms).
    rows: Vec<(String, String, Option<u64>, Option<u64>)>,
}

/// Read a Call Analytics (`contact_lens == false`) or Contact Lens document.
pub(crate) fn read(ctx: &Ctx, v: &Value, contact_lens: bool) -> Result<Call, ReadError> {
    let format = if contact_lens {
        Format::ContactLens
    } else {
        Format::AwsTranscribe
    };
    let str_at = |path: &[&str]| -> Option<String> {
        let mut cur = v;
        for p in path {
            cur = cur.get(p)?;
        }
        meta::scalar_text(cur).filter(|s| !s.trim().is_empty())
    };
    let id = str_at(&["CustomerMetadata", "ContactId"]).or_else(|| str_at(&["JobName"]));
    let err = |reason: String| {
        let call_id = ctx.call(id.clone(), format).call_id;
        ctx.err(reason)
            .with_call(&call_id)
            .with_hint("expected an Amazon Transcribe Call Analytics or Contact Lens output file")
    };
    let Some(items) = v.get("Transcript").and_then(Value::as_array) else {
        return Err(err("missing field \"Transcript\"".into()));
    };
    let roles: HashMap<String, String> = v
        .get("Participants")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let id = meta::scalar_text(p.get("ParticipantId")?)?;
                    let role = meta::scalar_text(p.get("ParticipantRole")?)?;
                    Some((id, role))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        if !it.is_object() {
            return Err(err(format!(
                "Transcript item {}: expected an object",
                i + 1
            )));
        }
        let pid = it.get("ParticipantId").and_then(meta::scalar_text);
        let label = it
            .get("ParticipantRole")
            .and_then(meta::scalar_text)
            .or_else(|| pid.as_ref().and_then(|p| roles.get(p).cloned()))
            .or(pid)
            .unwrap_or_default();
        let text = it
            .get("Content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let ms = |k: &str| it.get(k).and_then(json_f64).and_then(offset_ms);
        rows.push((label, text, ms("BeginOffsetMillis"), ms("EndOffsetMillis")));
    }
    let parts = Parts {
        id,
        channel: str_at(&["Channel"]),
        language: str_at(&["LanguageCode"]),
        account: str_at(&["AccountId"]),
        instance: str_at(&["CustomerMetadata", "InstanceId"]),
        rows,
    };
    assemble(ctx, format, parts)
}

/// An offset in milliseconds as given (negative or absurd values are no time).
fn offset_ms(f: f64) -> Option<u64> {
    (0.0..1e13).contains(&f).then(|| f.round() as u64)
}

/// The call of a document's parts: metadata, then one turn per transcript item.
fn assemble(ctx: &Ctx, format: Format, p: Parts) -> Result<Call, ReadError> {
    let mut call = ctx.call(p.id, format);
    call.metadata.channel = Some(
        p.channel
            .map(|c| c.to_lowercase())
            .unwrap_or_else(|| "voice".into()),
    );
    call.metadata.language = p.language.and_then(|l| meta::primary_language(&l));
    if let Some(a) = p.account {
        call.metadata.extra.insert("aws_account_id".into(), a);
    }
    if let Some(i) = p.instance {
        call.metadata.extra.insert("connect_instance_id".into(), i);
    }
    let resolver = Resolver::new(&ctx.opts.speaker_map, p.rows.iter().map(|r| r.0.as_str()));
    for (label, text, start, end) in p.rows {
        call.turns.push(Turn {
            speaker: resolver.get(&label),
            label: (!label.is_empty()).then_some(label),
            text,
            start_ms: start,
            end_ms: end,
            line: None,
        });
    }
    finish(call, ctx.source)
}

/// The fast path for documents in the shape Amazon writes them: deserialised straight
/// into borrowing structs (unknown keys skipped unparsed) instead of a
/// `serde_json::Value` tree of every word-level item, confidence score and loudness
/// value. Anything else (a value of another type, a null, keys that make the document
/// another format, malformed JSON) returns `None`, and the document goes through format
/// detection and [`read`], which also words every error: both paths give the same
/// `Call` for what the fast path accepts (tested on every Amazon sample and fixture).
pub(crate) mod fast {
    use super::{Parts, assemble, offset_ms};
    use crate::input::common::{Ctx, ReadError};
    use crate::transcript::{Call, Format};
    use serde::de::IgnoredAny;
    use serde::{Deserialize, Deserializer};
    use std::borrow::Cow;

    /// A key that may be absent but, when present, holds a `T` (`null` included in
    /// what is refused: the general reader treats a present null unlike an absent key,
    /// so such a document is left to it).
    #[derive(Default)]
    enum Field<T> {
        #[default]
        Absent,
        Given(T),
    }

    impl<T> Field<T> {
        fn get(&self) -> Option<&T> {
            match self {
                Field::Absent => None,
                Field::Given(v) => Some(v),
            }
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            T::deserialize(d).map(Field::Given)
        }
    }

    /// A JSON string, borrowed from the document unless it has escapes.
    struct Str<'a>(Cow<'a, str>);

    impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Str<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a string")
                }
                fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'de>, E> {
                    Ok(Str(Cow::Borrowed(v)))
                }
                fn visit_str<E>(self, v: &str) -> Result<Str<'de>, E> {
                    Ok(Str(Cow::Owned(v.to_string())))
                }
            }
            d.deserialize_str(V)
        }
    }

    type Text<'a> = Field<Str<'a>>;

    #[derive(Deserialize)]
    #[allow(non_snake_case)]
    struct Doc<'a> {
        #[serde(borrow, default)]
        JobName: Text<'a>,
        #[serde(borrow, default)]
        LanguageCode: Text<'a>,
        #[serde(borrow, default)]
        AccountId: Text<'a>,
        #[serde(borrow, default)]
        Channel: Text<'a>,
        #[serde(borrow, default)]
        CustomerMetadata: Field<CustomerMetadata<'a>>,
        #[serde(borrow, default)]
        Participants: Field<Vec<Participant<'a>>>,
        #[serde(borrow)]
        Transcript: Vec<Item<'a>>,
        // Keys that make format detection choose another reader.
        #[serde(default)]
        turns: Option<IgnoredAny>,
        #[serde(default)]
        calls: Option<IgnoredAny>,
        #[serde(default)]
        transcript: Option<IgnoredAny>,
        #[serde(default)]
        conversation: Option<IgnoredAny>,
        #[serde(default)]
        conversations: Option<IgnoredAny>,
    }

    #[derive(Deserialize)]
    #[allow(non_snake_case)]
    struct CustomerMetadata<'a> {
        #[serde(borrow, default)]
        ContactId: Text<'a>,
        #[serde(borrow, default)]
        InstanceId: Text<'a>,
    }

    #[derive(Deserialize)]
    #[allow(non_snake_case)]
    struct Participant<'a> {
        #[serde(borrow, default)]
        ParticipantId: Text<'a>,
        #[serde(borrow, default)]
        ParticipantRole: Text<'a>,
    }

    #[derive(Deserialize)]
    #[allow(non_snake_case)]
    struct Item<'a> {
        #[serde(borrow, default)]
        ParticipantId: Text<'a>,
        #[serde(borrow, default)]
        ParticipantRole: Text<'a>,
        #[serde(borrow, default)]
        Content: Text<'a>,
        #[serde(default)]
        BeginOffsetMillis: Field<f64>,
        #[serde(default)]
        EndOffsetMillis: Field<f64>,
    }

    fn text<'t>(t: &'t Text<'_>) -> Option<&'t str> {
        t.get().map(|s| s.0.as_ref())
    }

    /// Metadata text as the general reader takes it: blank is absent.
    fn meta_text(t: &Text<'_>) -> Option<String> {
        text(t).filter(|s| !s.trim().is_empty()).map(str::to_string)
    }

    /// The call of a Transcribe or Contact Lens document, when it has the usual shape.
    pub(crate) fn read(ctx: &Ctx, body: &str) -> Option<Result<Call, ReadError>> {
        let doc: Doc = serde_json::from_str(body).ok()?;
        if doc.turns.is_some()
            || doc.calls.is_some()
            || doc.transcript.is_some()
            || doc.conversation.is_some()
            || doc.conversations.is_some()
        {
            return None;
        }
        // Which of the two, as format detection decides it.
        let first = doc.Transcript.first();
        let format = if first.is_some_and(|f| f.ParticipantId.get().is_some()) {
            Format::ContactLens
        } else if first.is_some_and(|f| f.ParticipantRole.get().is_some()) {
            Format::AwsTranscribe
        } else if doc.CustomerMetadata.get().is_some() || doc.Participants.get().is_some() {
            Format::ContactLens
        } else {
            Format::AwsTranscribe
        };
        let participants = doc.Participants.get().map_or(&[][..], |p| &p[..]);
        // The last participant with this id and a role, as a map built in order keeps.
        let role_of = |pid: &str| {
            participants
                .iter()
                .rev()
                .find(|p| text(&p.ParticipantId) == Some(pid) && p.ParticipantRole.get().is_some())
                .and_then(|p| text(&p.ParticipantRole))
        };
        let rows = doc
            .Transcript
            .iter()
            .map(|it| {
                let pid = text(&it.ParticipantId);
                let label = text(&it.ParticipantRole)
                    .or_else(|| pid.and_then(role_of))
                    .or(pid)
                    .unwrap_or_default();
                let ms = |v: &Field<f64>| v.get().copied().and_then(offset_ms);
                (
                    label.to_string(),
                    text(&it.Content).unwrap_or("").to_string(),
                    ms(&it.BeginOffsetMillis),
                    ms(&it.EndOffsetMillis),
                )
            })
            .collect();
        let meta = doc.CustomerMetadata.get();
        let parts = Parts {
            id: meta
                .and_then(|m| meta_text(&m.ContactId))
                .or_else(|| meta_text(&doc.JobName)),
            channel: meta_text(&doc.Channel),
            language: meta_text(&doc.LanguageCode),
            account: meta_text(&doc.AccountId),
            instance: meta.and_then(|m| meta_text(&m.InstanceId)),
            rows,
        };
        Some(assemble(ctx, format, parts))
    }
}

#[cfg(test)]
mod tests {
    use super::fast;
    use crate::input::ReadOptions;
    use crate::input::common::{Ctx, ReadError};
    use crate::input::detect::classify_json;
    use crate::input::tests::read_fixture;
    use crate::transcript::{Call, Format, Speaker};

    /// What the general reader makes of a document: detect by its parsed keys, read.
    fn general(ctx: &Ctx, text: &str) -> Option<Result<Call, ReadError>> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        match classify_json(&v)? {
            Format::AwsTranscribe => Some(super::read(ctx, &v, false)),
            Format::ContactLens => Some(super::read(ctx, &v, true)),
            _ => None,
        }
    }

    fn ctx(opts: &ReadOptions) -> Ctx<'_> {
        Ctx {
            source: "t.json",
            stem: "t".into(),
            opts,
        }
    }

    /// The fast path gives exactly the general reader's call on every document it takes,
    /// and leaves to it every shape it does not know.
    #[test]
    fn fast_path_equals_general_reader() {
        let opts = ReadOptions::default();
        let ctx = ctx(&opts);
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files: Vec<_> = std::fs::read_dir(format!("{root}/corpus/aws"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.push(format!("{root}/tests/fixtures/read/aws/contact_lens.json").into());
        files.push(format!("{root}/tests/fixtures/read/aws/transcribe_call_analytics.json").into());
        let mut taken = 0;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let fast = fast::read(&ctx, &text).expect("the usual shape is taken");
            assert_eq!(fast, general(&ctx, &text).unwrap(), "{}", f.display());
            taken += 1;
        }
        assert!(taken >= 11);
        // Edge cases the two must agree on when the fast path takes them.
        let agree = [
            // Roles from Participants, the last of two entries for one id.
            r#"{"Participants":[{"ParticipantId":"A","ParticipantRole":"CUSTOMER"},{"ParticipantId":"A","ParticipantRole":"AGENT"},{"ParticipantId":"B"}],"Transcript":[{"ParticipantId":"A","Content":"hello there","BeginOffsetMillis":5},{"ParticipantId":"B","Content":"hi","BeginOffsetMillis":1}]}"#,
            // No role anywhere: Contact Lens by its CustomerMetadata, id from ContactId.
            r#"{"JobName":"job","CustomerMetadata":{"ContactId":" c-1 ","InstanceId":"i"},"Transcript":[{"Content":"hi","BeginOffsetMillis":-3,"EndOffsetMillis":1e14}]}"#,
            // Blank metadata is absent; channel lower-cased; extra keys skipped.
            r#"{"JobName":"  ","Channel":"CHAT","LanguageCode":"zh-CN","AccountId":"","Words":[1,{"a":null}],"Transcript":[{"ParticipantRole":"AGENT","Content":"你好","Sentiment":"NEUTRAL","LoudnessScores":[1,null]}]}"#,
            // No turns with text: the same error.
            r#"{"JobName":"j","Transcript":[{"ParticipantRole":"AGENT","Content":"  "}]}"#,
        ];
        for doc in agree {
            let fast = fast::read(&ctx, doc).expect(doc);
            assert_eq!(fast, general(&ctx, doc).unwrap(), "{doc}");
        }
        // Shapes the fast path leaves to the general reader (which words the errors).
        for doc in [
            r#"{"Transcript":[{"ParticipantRole":"AGENT","Content":"hi","BeginOffsetMillis":"5"}]}"#,
            r#"{"Transcript":[{"ParticipantRole":null,"Content":"hi"}]}"#,
            r#"{"Transcript":[{"ParticipantRole":"AGENT","Content":7}]}"#,
            r#"{"Transcript":["hi"]}"#,
            r#"{"Transcript":{"a":1}}"#,
            r#"{"JobName":12,"Transcript":[{"Content":"hi"}]}"#,
            r#"{"CustomerMetadata":null,"Transcript":[{"Content":"hi"}]}"#,
            r#"{"turns":[],"Transcript":[{"Content":"hi"}]}"#,
            r#"{"transcript":{"transcriptSegments":[]},"Transcript":[{"Content":"hi"}]}"#,
            r#"{"Transcript":[{"Content":"hi"}],"Transcript":[{"Content":"ho"}]}"#,
            r#"{"Transcript":[{"Content":"hi"}]"#,
        ] {
            assert!(fast::read(&ctx, doc).is_none(), "{doc}");
        }
    }

    /// A speaker map applies on the fast path as on the general one.
    #[test]
    fn fast_path_honours_the_speaker_map() {
        let opts = ReadOptions {
            speaker_map: [("SPK_1".to_string(), Speaker::Agent)]
                .into_iter()
                .collect(),
            ..ReadOptions::default()
        };
        let ctx = ctx(&opts);
        let doc = r#"{"Transcript":[{"ParticipantRole":"SPK_1","Content":"hello"},{"ParticipantRole":"SPK_2","Content":"hi"}]}"#;
        let c = fast::read(&ctx, doc).unwrap().unwrap();
        assert_eq!(c, general(&ctx, doc).unwrap().unwrap());
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
    }

    #[test]
    fn transcribe_call_analytics() {
        let (calls, errs) = read_fixture("aws/transcribe_call_analytics.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::AwsTranscribe);
        assert_eq!(c.call_id, "billing-call-0425");
        assert_eq!(c.metadata.channel.as_deref(), Some("voice"));
        assert_eq!(c.metadata.language.as_deref(), Some("en"));
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.start_ms, t.end_ms, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Speaker::Agent,
                    Some(1130),
                    Some(4480),
                    "Thank you for calling Acme Energy, this is Dana. How can I help?"
                ),
                (
                    Speaker::Customer,
                    Some(5210),
                    Some(9870),
                    "Hi, my bill doubled this month and I want to know why."
                ),
                (
                    Speaker::Agent,
                    Some(10050),
                    Some(13990),
                    "I'm sorry about that, let me pull up your account."
                ),
            ]
        );
        assert_eq!(c.turns[0].label.as_deref(), Some("AGENT"));
    }

    #[test]
    fn contact_lens_joins_participants() {
        let (calls, errs) = read_fixture("aws/contact_lens.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::ContactLens);
        assert_eq!(c.call_id, "e7d3b1a0-55f1-4a51-9a3e-0c3f2b1d9f00");
        assert_eq!(c.metadata.language.as_deref(), Some("zh"));
        let got: Vec<_> = c.turns.iter().map(|t| (t.speaker, t.start_ms)).collect();
        assert_eq!(
            got,
            vec![
                (Speaker::Agent, Some(0)),
                (Speaker::Customer, Some(3500)),
                (Speaker::Agent, Some(8200))
            ]
        );
        assert_eq!(c.turns[1].text, "我想取消我的会员。");
    }
}
