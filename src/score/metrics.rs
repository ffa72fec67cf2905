//! Call metrics from turn timestamps: handle time, talk time per speaker, silence,
//! overtalk. Intervals of one speaker are merged first, so a speaker's overlapping
//! segments (common in diarised ASR output) are not counted twice.

use crate::record::Metrics;
use crate::transcript::{Call, Speaker};

/// Compute the metrics of a call. Time fields are `None` when times were estimated.
pub fn metrics(call: &Call) -> Metrics {
    let mut m = Metrics {
        turns: call.turns.len() as u32,
        agent_turns: call
            .turns
            .iter()
            .filter(|t| t.speaker == Speaker::Agent)
            .count() as u32,
        customer_turns: call
            .turns
            .iter()
            .filter(|t| t.speaker == Speaker::Customer)
            .count() as u32,
        times_estimated: call.times_estimated,
        ..Default::default()
    };
    if call.times_estimated {
        return m;
    }
    let spans = |who: Option<Speaker>| -> Vec<(u64, u64)> {
        // Sized up front: collecting from a filter grows the vector step by step.
        let mut v = Vec::with_capacity(call.turns.len());
        v.extend(
            call.turns
                .iter()
                .filter(|t| who.is_none_or(|w| t.speaker == w))
                .filter_map(|t| {
                    let s = t.start_ms?;
                    Some((s, t.end_ms.unwrap_or(s).max(s)))
                }),
        );
        merge(v)
    };
    let all = spans(None);
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return m;
    };
    m.handle_time_ms = Some(last.1 - first.0);
    let agent = spans(Some(Speaker::Agent));
    let customer = spans(Some(Speaker::Customer));
    m.agent_talk_ms = Some(total(&agent));
    m.customer_talk_ms = Some(total(&customer));
    let gaps: Vec<u64> = all.windows(2).map(|w| w[1].0 - w[0].1).collect();
    m.silence_ms = Some(gaps.iter().sum());
    m.longest_silence_ms = Some(gaps.iter().copied().max().unwrap_or(0));
    m.overtalk_ms = Some(intersection(&agent, &customer));
    m
}

/// Sort and merge overlapping or touching intervals (in place: no second vector).
fn merge(mut v: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    v.sort_unstable();
    v.dedup_by(|next, last| {
        let overlaps = next.0 <= last.1;
        if overlaps {
            last.1 = last.1.max(next.1);
        }
        overlaps
    });
    v
}

fn total(v: &[(u64, u64)]) -> u64 {
    v.iter().map(|(s, e)| e - s).sum()
}

/// Total length of the intersection of two merged interval lists.
fn intersection(a: &[(u64, u64)], b: &[(u64, u64)]) -> u64 {
    let (mut i, mut j, mut sum) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let s = a[i].0.max(b[j].0);
        let e = a[i].1.min(b[j].1);
        if e > s {
            sum += e - s;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Format, Metadata, Turn};

    fn turn(speaker: Speaker, s: u64, e: u64) -> Turn {
        Turn {
            speaker,
            label: None,
            text: "x".into(),
            start_ms: Some(s),
            end_ms: Some(e),
            line: None,
        }
    }

    #[test]
    fn talk_silence_and_overtalk() {
        let call = Call {
            call_id: "c".into(),
            source: "s".into(),
            source_line: None,
            format: Format::NativeJson,
            metadata: Metadata::default(),
            turns: vec![
                turn(Speaker::Agent, 0, 4000),
                turn(Speaker::Customer, 3000, 8000), // 1 s overtalk
                turn(Speaker::Agent, 10000, 12000),  // 2 s silence before
                turn(Speaker::Agent, 11000, 13000),  // agent overlaps itself
                turn(Speaker::Customer, 50000, 51000), // 37 s silence (hold)
            ],
            times_estimated: false,
        };
        let m = metrics(&call);
        assert_eq!(m.handle_time_ms, Some(51000));
        assert_eq!(m.agent_talk_ms, Some(4000 + 3000));
        assert_eq!(m.customer_talk_ms, Some(5000 + 1000));
        assert_eq!(m.overtalk_ms, Some(1000));
        assert_eq!(m.silence_ms, Some(2000 + 37000));
        assert_eq!(m.longest_silence_ms, Some(37000));
        assert_eq!((m.turns, m.agent_turns, m.customer_turns), (5, 3, 2));
    }

    #[test]
    fn estimated_times_give_no_time_metrics() {
        let mut call = Call {
            call_id: "c".into(),
            source: "s".into(),
            source_line: None,
            format: Format::PlainText,
            metadata: Metadata::default(),
            turns: vec![turn(Speaker::Agent, 0, 1)],
            times_estimated: true,
        };
        call.turns[0].start_ms = Some(0);
        let m = metrics(&call);
        assert_eq!(m.handle_time_ms, None);
        assert!(m.times_estimated);
        assert_eq!(m.turns, 1);
    }
}
