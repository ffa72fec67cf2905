//! Metadata keys shared by every place metadata comes from (native JSON, plain-text
//! headers, chat CSV columns, the side metadata CSV): one list of known keys and
//! aliases, one way to parse their values, one "fill what is missing" merge.

use crate::transcript::Metadata;

/// Which [`Metadata`] field a key names, after normalising it (lower case,
/// spaces/dashes → `_`). `CallId` is not a metadata field but is recognised
/// everywhere keys are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    CallId,
    Agent,
    Team,
    Queue,
    Channel,
    StartedAt,
    CustomerId,
    Csat,
    Nps,
    HumanQaScore,
    SelfScore,
    Language,
}

/// Lower case, trimmed, spaces and dashes → `_`.
pub(crate) fn norm_key(k: &str) -> String {
    k.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// The known key `k` stands for, if any.
pub(crate) fn key_of(k: &str) -> Option<Key> {
    Some(match norm_key(k).as_str() {
        "call_id" | "callid" | "contact_id" | "conversation_id" => Key::CallId,
        "agent" | "agent_id" | "agent_name" => Key::Agent,
        "team" => Key::Team,
        "queue" | "skill" => Key::Queue,
        "channel" => Key::Channel,
        "started_at" | "start_time" | "date" => Key::StartedAt,
        "customer_id" => Key::CustomerId,
        "csat" => Key::Csat,
        "nps" => Key::Nps,
        "human_qa_score" | "qa_score" => Key::HumanQaScore,
        "self_score" => Key::SelfScore,
        "language" | "lang" | "language_code" => Key::Language,
        _ => return None,
    })
}

/// Set field `key` of `m` from its text `value` (trimmed; empty → nothing).
/// Numeric fields must parse: `Err` says what was wrong.
pub(crate) fn set(m: &mut Metadata, key: Key, value: &str) -> Result<(), String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(());
    }
    let num = || -> Result<f64, String> {
        v.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| format!("expected a number, got {v:?}"))
    };
    match key {
        Key::CallId => {}
        Key::Agent => m.agent = Some(v.to_string()),
        Key::Team => m.team = Some(v.to_string()),
        Key::Queue => m.queue = Some(v.to_string()),
        Key::Channel => m.channel = Some(channel_name(v)),
        Key::StartedAt => m.started_at = Some(v.to_string()),
        Key::CustomerId => m.customer_id = Some(v.to_string()),
        Key::Csat => m.csat = Some(num()?),
        Key::Nps => m.nps = Some(num()?),
        Key::HumanQaScore => m.human_qa_score = Some(num()?),
        Key::SelfScore => m.self_score = Some(num()?),
        Key::Language => m.language = Some(v.to_string()),
    }
    Ok(())
}

/// `voice`, `chat` or `email` for the common ways exports name them (`Phone`,
/// `Web messaging`, `语音`, `在线客服`, `تلفن`, `چت` …); anything else lower-cased as given.
pub(crate) fn channel_name(v: &str) -> String {
    let l = v.trim().to_lowercase();
    let name = match l.as_str() {
        "phone" | "phone call" | "phone_call" | "call" | "telephone" | "telephony" | "语音"
        | "电话" | "呼入" | "呼出" | "تلفن" | "تلفنی" | "صوتی" | "تماس" => {
            "voice"
        }
        "web messaging" | "messaging" | "live chat" | "livechat" | "web chat" | "webchat"
        | "在线" | "在线客服" | "聊天" | "文字" | "چت" | "گفتگو" | "پیام" => {
            "chat"
        }
        "e-mail" | "mail" | "邮件" | "电子邮件" | "ایمیل" => "email",
        _ => return l,
    };
    name.to_string()
}

/// A JSON scalar as text (`None` for null, arrays and objects).
pub(crate) fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Primary subtag of a language code: `en-US` → `en`, `zh_CN` → `zh`.
pub(crate) fn primary_language(code: &str) -> Option<String> {
    let p = code
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_lowercase();
    (!p.is_empty()).then_some(p)
}

/// Copy into `m` every field of `from` that `m` lacks (extra keys too).
pub(crate) fn fill_missing(m: &mut Metadata, from: &Metadata) {
    fn fill<T: Clone>(dst: &mut Option<T>, src: &Option<T>) {
        if dst.is_none() {
            dst.clone_from(src);
        }
    }
    fill(&mut m.agent, &from.agent);
    fill(&mut m.team, &from.team);
    fill(&mut m.queue, &from.queue);
    fill(&mut m.channel, &from.channel);
    fill(&mut m.started_at, &from.started_at);
    fill(&mut m.customer_id, &from.customer_id);
    fill(&mut m.csat, &from.csat);
    fill(&mut m.nps, &from.nps);
    fill(&mut m.human_qa_score, &from.human_qa_score);
    fill(&mut m.self_score, &from.self_score);
    fill(&mut m.language, &from.language);
    for (k, v) in &from.extra {
        m.extra.entry(k.clone()).or_insert_with(|| v.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        assert_eq!(key_of("Call ID"), Some(Key::CallId));
        assert_eq!(key_of("Agent-Name"), Some(Key::Agent));
        assert_eq!(key_of("whatever"), None);
        let mut m = Metadata::default();
        set(&mut m, Key::Csat, " 4.5 ").unwrap();
        set(&mut m, Key::Channel, "Voice").unwrap();
        assert_eq!(
            set(&mut m, Key::Nps, "ten").unwrap_err(),
            "expected a number, got \"ten\""
        );
        assert_eq!(m.csat, Some(4.5));
        assert_eq!(m.channel.as_deref(), Some("voice"));
        assert_eq!(primary_language("en-US").as_deref(), Some("en"));
        for (given, name) in [
            ("语音", "voice"),
            ("Web messaging", "chat"),
            ("ایمیل", "email"),
            ("SMS", "sms"),
        ] {
            assert_eq!(channel_name(given), name, "{given}");
        }
    }

    #[test]
    fn fill_only_missing() {
        let mut m = Metadata {
            agent: Some("a1".into()),
            ..Default::default()
        };
        m.extra.insert("k".into(), "mine".into());
        let mut from = Metadata {
            agent: Some("other".into()),
            team: Some("t".into()),
            ..Default::default()
        };
        from.extra.insert("k".into(), "theirs".into());
        from.extra.insert("k2".into(), "v2".into());
        fill_missing(&mut m, &from);
        assert_eq!(m.agent.as_deref(), Some("a1"));
        assert_eq!(m.team.as_deref(), Some("t"));
        assert_eq!(m.extra["k"], "mine");
        assert_eq!(m.extra["k2"], "v2");
    }
}
