//! Building one conversation: the plan (which items pass or fail and how, which
//! drivers), the turns that realise it in the call's language, the timeline, and the
//! metadata.
//!
//! Shape of every call (agent/customer alternate; `m` body exchanges):
//!
//! ```text
//! A0 opening     greeting? intro? recording? + offer of help
//! C1 problem     hello + first hit of the primary driver
//! A2 verify ask  (or a plain account look-up)
//! C3 answer
//! A4 confirm     (or not) + reply to the problem
//! (C A) × m      more driver hits, hold, refund timeline, filler
//! C  wrap-up
//! A  anything else?      (last 4 turns)
//! C  no, thanks
//! A  farewell            (last 2 turns)
//! C  bye                 (optional)
//! ```
//!
//! How each result is planted (the truth is the plan, not a re-evaluation):
//! - required phrase said in its window by the agent → pass; not said, said outside its
//!   window (`first_seconds`: an agent turn starting ≥ W + 8 s into the call both on the
//!   real timeline and on the reader's text-length estimate; `first_turns`/`last_turns`:
//!   by position), or said by the customer → fail;
//! - forbidden phrase said by the agent → fail; not said, or said by the customer → pass;
//! - `before`: ask then confirm → pass; only one of them, or confirm before ask → fail;
//! - `near`: refund and business days within 8 words → pass; further apart, vague, or
//!   said by the customer → fail; n/a unless the refund driver is among the call's drivers;
//! - `min_count = 2` apologies: 2–3 → pass, 0–1 → fail;
//! - drivers: the primary gets 2–3 customer hits and a secondary 1 (or the primary alone
//!   1–3), so the primary is never decided by a tie.
//!
//! Window items are planted the same way in every format: turn-position windows do not
//! depend on times, and the `first_seconds` positions hold under the reader's time
//! estimate for text without timestamps as well as under the real (or start-only) times.

use super::bank::{Bank, EN, FA, ZH};
use super::pack::{CORE_ITEMS, DRIVERS, scale_capacity, scale_phrase};
use super::rng::Rng;
use super::{GenFormat, Lang};
use crate::transcript::Format;
use crate::transcript::estimated_duration_ms;

/// The week the calls are spread over starts Monday 2026-11-02 00:00 UTC.
pub(crate) const WEEK_START_S: i64 = 1_793_577_600;
const WEEK_S: i64 = 7 * 86_400;

mod call;
pub use call::Res;
pub(crate) use call::{GTurn, GenCall, Meta, V};

/// The bank of a language.
pub(crate) fn bank(l: Lang) -> &'static Bank {
    match l {
        Lang::En => &EN,
        Lang::Zh => &ZH,
        Lang::Fa => &FA,
    }
}

const TEAMS: [[&str; 2]; 3] = [["east", "west"], ["north", "south"], ["central", "gulf"]];

/// Agent skill (probability of doing a step right), by agent index.
fn skill(k: usize) -> f64 {
    0.60 + 0.05 * k as f64
}

/// Draft of a turn before times are known.
struct Draft {
    agent: bool,
    sents: Vec<String>,
    /// Multiplier of the estimated speaking time.
    factor: f64,
    /// Gap before this turn (ms; negative = overtalk).
    gap: i64,
}

struct Builder<'a> {
    rng: &'a mut Rng,
    agent_name: &'static str,
    customer_name: &'static str,
    product: String,
    order_no: u32,
}

impl Builder<'_> {
    fn pick(&mut self, list: &[&'static str]) -> String {
        let s = list[self.rng.below(list.len() as u64) as usize];
        self.fill(s)
    }

    fn fill(&self, s: &str) -> String {
        if !s.contains('{') {
            return s.to_string();
        }
        s.replace("{a}", self.agent_name)
            .replace("{c}", self.customer_name)
            .replace("{p}", &self.product)
            .replace("{n}", &self.order_no.to_string())
    }
}

/// Call id for index `i` of a format and language.
pub(crate) fn call_id(i: u64, f: Format, l: Lang, seed: u64) -> String {
    match f {
        Format::ContactLens => {
            let a = super::rng::mix(seed ^ 0x5eed_c0de, i);
            let b = super::rng::mix(a, 7);
            format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                0x8000 | (b >> 48) & 0x3fff,
                b & 0xffff_ffff_ffff
            )
        }
        _ => format!("{}-{}-{:07}", f.short(), l.code(), i),
    }
}

/// (customer id, start time) of call `i`; repeat callers reuse a recent call's customer
/// (same format and language stride) a few hours to three days later.
fn customer_and_start(seed: u64, i: u64, stride: u64, depth: u32) -> (String, i64) {
    let mut r = Rng::new(super::rng::mix(seed ^ 0xc057, i));
    let repeat = depth < 8 && r.chance(0.18);
    let back = 1 + r.below(40);
    if repeat && i >= back * stride {
        let (c, t) = customer_and_start(seed, i - back * stride, stride, depth + 1);
        let later = t + 2 * 3600 + r.below(70 * 3600) as i64;
        return (c, later.min(WEEK_START_S + WEEK_S - 1800));
    }
    // Days: weekends quieter; hours: office-hour peaks.
    const DAY_W: [u64; 7] = [10, 10, 10, 10, 9, 5, 4];
    const HOUR_W: [u64; 24] = [
        1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 11, 11, 9, 10, 11, 10, 9, 8, 6, 5, 4, 3, 2, 1,
    ];
    let day = r.weighted(&DAY_W) as i64;
    let hour = r.weighted(&HOUR_W) as i64;
    let sec = r.below(3600) as i64;
    let prefix = ["C", "Z", "F"][(i % 3) as usize];
    (
        format!("{prefix}{:06}", 100_000 + i),
        WEEK_START_S + day * 86_400 + hour * 3600 + sec,
    )
}

/// Pick a variant: pass with probability `p`, else one of `fails`.
fn choose(r: &mut Rng, p: f64, fails: &[V]) -> V {
    if fails.is_empty() || r.chance(p) {
        V::Pass
    } else {
        fails[r.below(fails.len() as u64) as usize]
    }
}

/// Generate call `i`.
pub(crate) fn generate_call(
    seed: u64,
    i: u64,
    format: Format,
    lang: Lang,
    stride: u64,
    product_range: usize,
) -> GenCall {
    let mut rng = Rng::new(super::rng::mix(seed, i));
    let r = &mut rng;
    let bank = bank(lang);
    let li = lang.index();

    // Channel from what the format can carry.
    let channel: &'static str = match format {
        Format::AwsTranscribe
        | Format::ContactLens
        | Format::Whisper
        | Format::Webvtt
        | Format::Srt => "voice",
        Format::ChatCsv => "chat",
        Format::GoogleCcai => {
            if r.chance(0.4) {
                "voice"
            } else {
                "chat"
            }
        }
        _ => ["voice", "chat", "email"][r.weighted(&[60, 28, 12])],
    };
    let voice = channel == "voice";
    let ak = r.below(bank.agents.len() as u64) as usize;
    let (agent_id, agent_name) = bank.agents[ak];
    let sk = skill(ak);
    let customer_name = bank.customers[r.below(bank.customers.len() as u64) as usize];
    let product = scale_phrase(
        li,
        r.below(product_range.min(scale_capacity(li)) as u64) as usize,
    );
    let order_no = 10_000 + r.below(90_000) as u32;

    // Drivers.
    let (primary, secondary, p_hits) = if r.chance(0.04) {
        (None, None, 0)
    } else {
        let p = r.below(DRIVERS.len() as u64) as usize;
        if r.chance(0.35) {
            let mut s = r.below(DRIVERS.len() as u64 - 1) as usize;
            if s >= p {
                s += 1;
            }
            (Some(p), Some(s), 2 + r.below(2) as usize)
        } else {
            (Some(p), None, 1 + r.below(3) as usize)
        }
    };
    let refund = primary == Some(0) || secondary == Some(0);

    // Item variants.
    let v_greet = choose(r, sk + 0.1, &[V::Absent, V::Late]);
    let intro_fails: &[V] = if bank.intro_customer.is_empty() {
        &[V::Absent, V::Late]
    } else {
        &[V::Absent, V::Late, V::Speaker]
    };
    let v_intro = choose(r, sk, intro_fails);
    let v_rec = if voice {
        choose(r, sk + 0.1, &[V::Absent, V::Late, V::Speaker])
    } else {
        V::NotApplicable
    };
    let v_verify = choose(r, sk, &[V::NoConfirm, V::NoAsk, V::Reversed]);
    let v_guar = if r.chance((1.0 - sk) * 0.35) {
        V::Said
    } else if r.chance(0.12) {
        V::CustomerSaid
    } else {
        V::Absent
    };
    let apologies: u8 = if r.chance(sk) {
        2 + r.below(2) as u8
    } else {
        r.below(2) as u8
    };
    let v_hold = if r.chance(if voice { 0.4 } else { 0.2 }) {
        V::Hold(r.chance(sk + 0.1))
    } else {
        V::NoHold
    };
    let v_refund = if refund {
        choose(r, sk, &[V::Absent, V::Far, V::Speaker])
    } else {
        V::NotApplicable
    };
    let mut v_rude = if r.chance((1.0 - sk) * 0.3) {
        V::Said
    } else if r.chance(0.1) {
        V::CustomerSaid
    } else {
        V::Absent
    };
    if v_rude == V::CustomerSaid && bank.rude_customer.is_empty() {
        v_rude = V::Absent;
    }
    let v_else = choose(r, sk + 0.05, &[V::Absent, V::Late]);
    let v_fare = choose(r, sk, &[V::Absent, V::Late]);

    let mut b = Builder {
        rng: r,
        agent_name,
        customer_name,
        product,
        order_no,
    };
    let mut t: Vec<Draft> = Vec::with_capacity(40);
    let push = |t: &mut Vec<Draft>, agent: bool, sents: Vec<String>| {
        t.push(Draft {
            agent,
            sents,
            factor: 1.0,
            gap: 0,
        })
    };

    // Opening.
    let mut a0 = Vec::new();
    a0.push(if v_greet == V::Pass {
        b.pick(bank.greeting)
    } else {
        b.pick(bank.hello)
    });
    if v_intro == V::Pass {
        a0.push(b.pick(bank.intro));
    }
    if v_rec == V::Pass {
        a0.push(b.pick(bank.recording));
    }
    a0.push(b.pick(bank.offer_help));
    push(&mut t, true, a0);

    let mut c1 = vec![b.pick(bank.customer_hello)];
    if v_intro == V::Speaker {
        c1.push(b.pick(bank.intro_customer));
    }
    if v_rec == V::Speaker {
        c1.push(b.pick(bank.recording_customer));
    }
    let quality_hint = sk;
    let unhappy = primary.is_some() && b.rng.chance(1.0 - quality_hint + 0.15);
    if let Some(p) = primary {
        c1.push(b.pick(bank.driver_sents[p]));
    }
    if unhappy {
        c1.push(b.pick(bank.unhappy));
    }
    push(&mut t, false, c1);

    // Verification block.
    let a2 = match v_verify {
        V::Pass | V::NoConfirm => vec![b.pick(bank.verify_ask)],
        _ => vec![b.pick(bank.verify_skip)],
    };
    push(&mut t, true, a2);
    let c3 = match v_verify {
        V::Pass | V::NoConfirm => vec![b.pick(bank.verify_answer)],
        _ => {
            let (c, _) = bank.filler[b.rng.below(bank.filler.len() as u64) as usize];
            vec![b.fill(c)]
        }
    };
    push(&mut t, false, c3);
    let mut a4 = match v_verify {
        V::Pass | V::NoAsk | V::Reversed => vec![b.pick(bank.verify_done)],
        _ => vec![b.pick(bank.verify_skip)],
    };
    a4.push(match primary {
        Some(p) => b.pick(bank.driver_replies[p]),
        None => b.pick(bank.agent_wrap),
    });
    push(&mut t, true, a4);

    // Body exchanges: blocks of (customer, agent) pairs; `true` marks a hold gap
    // before the agent turn.
    type Pair = (Vec<String>, Vec<String>, bool);
    let mut blocks: Vec<Vec<Pair>> = Vec::new();
    if let Some(p) = primary {
        for _ in 1..p_hits {
            let c = vec![b.pick(bank.driver_sents[p])];
            let a = vec![b.pick(bank.driver_replies[p])];
            blocks.push(vec![(c, a, false)]);
        }
    }
    if let Some(s) = secondary {
        let c = vec![b.pick(bank.driver_sents[s])];
        let a = vec![b.pick(bank.driver_replies[s])];
        blocks.push(vec![(c, a, false)]);
    }
    if let V::Hold(thanked) = v_hold {
        let (fc, _) = bank.filler[b.rng.below(bank.filler.len() as u64) as usize];
        let first = (vec![b.fill(fc)], vec![b.pick(bank.hold)], false);
        let back = if thanked {
            b.pick(bank.hold_thanks)
        } else {
            b.pick(bank.hold_back)
        };
        let second = (vec![b.pick(bank.hold_ok)], vec![back], true);
        blocks.push(vec![first, second]);
    }
    match v_refund {
        V::Pass => blocks.push(vec![(
            vec![b.pick(bank.refund_ask)],
            vec![b.pick(bank.refund_pass)],
            false,
        )]),
        V::Far => blocks.push(vec![(
            vec![b.pick(bank.refund_ask)],
            vec![b.pick(bank.refund_far)],
            false,
        )]),
        V::Absent => blocks.push(vec![(
            vec![b.pick(bank.refund_ask)],
            vec![b.pick(bank.refund_vague)],
            false,
        )]),
        V::Speaker => blocks.push(vec![(
            vec![b.pick(bank.refund_customer)],
            vec![b.pick(bank.refund_confirm)],
            false,
        )]),
        _ => {}
    }
    if v_verify == V::Reversed {
        let (fc, _) = bank.filler[b.rng.below(bank.filler.len() as u64) as usize];
        blocks.push(vec![(
            vec![b.fill(fc)],
            vec![b.pick(bank.verify_ask_late)],
            false,
        )]);
    }
    let target: usize = match channel {
        "voice" => 9 + b.rng.below(32) as usize,
        "chat" => 9 + b.rng.below(16) as usize,
        _ => 9 + b.rng.below(6) as usize,
    };
    let have: usize = blocks.iter().map(Vec::len).sum();
    let want = (target.saturating_sub(10) / 2).clamp(1, 15).max(have);
    for _ in have..want {
        let (c, a) = bank.filler[b.rng.below(bank.filler.len() as u64) as usize];
        blocks.push(vec![(vec![b.fill(c)], vec![b.fill(a)], false)]);
    }
    b.rng.shuffle(&mut blocks);
    let mut hold_turn = None;
    for block in blocks {
        for (c, a, hold) in block {
            push(&mut t, false, c);
            if hold {
                hold_turn = Some(t.len());
            }
            push(&mut t, true, a);
        }
    }
    let body_end = t.len(); // first closing turn

    // Closing.
    let mut cw = vec![b.pick(bank.wrap_customer)];
    if !unhappy && primary.is_some() && b.rng.chance(0.6) {
        cw.push(b.pick(bank.happy));
    }
    push(&mut t, false, cw);
    let mut ae = vec![if v_else == V::Pass {
        b.pick(bank.anything_else)
    } else {
        b.pick(bank.agent_wrap)
    }];
    if v_fare == V::Late {
        ae.push(b.pick(bank.farewell));
    }
    push(&mut t, true, ae);
    push(&mut t, false, vec![b.pick(bank.no_thanks)]);
    let fw = if v_fare == V::Pass {
        b.pick(bank.farewell)
    } else {
        b.pick(bank.closing_plain)
    };
    push(&mut t, true, vec![fw]);
    if b.rng.chance(0.7) {
        push(&mut t, false, vec![b.pick(bank.bye)]);
    }

    // Agent turns of the body (A4 and the body's agent turns), for sprinkled plants.
    let body_agents: Vec<usize> = (4..body_end).filter(|&k| t[k].agent).collect();
    // "Anything else" asked mid-call: in an agent turn followed by a customer turn that
    // has one more question.
    if v_else == V::Late {
        let k = body_agents[b.rng.below(body_agents.len() as u64) as usize];
        t[k].sents.push(b.pick(bank.anything_else));
        let more = b.pick(bank.mid_more);
        t[k + 1].sents.insert(0, more);
    }
    // Apologies in distinct agent turns (A2, A4, body).
    let mut cands: Vec<usize> = std::iter::once(2)
        .chain(body_agents.iter().copied())
        .collect();
    b.rng.shuffle(&mut cands);
    for &k in cands.iter().take(apologies as usize) {
        let s = b.pick(bank.apology);
        t[k].sents.insert(0, s);
    }
    if v_intro == V::Late {
        let k = body_agents[b.rng.below(body_agents.len() as u64) as usize];
        t[k].sents.push(b.pick(bank.intro_late));
    }
    let body_customers: Vec<usize> = (5..body_end).filter(|&k| !t[k].agent).collect();
    for (v, said, customer) in [
        (v_guar, bank.guarantee, bank.guarantee_customer),
        (v_rude, bank.rude, bank.rude_customer),
    ] {
        match v {
            V::Said => {
                let k = body_agents[b.rng.below(body_agents.len() as u64) as usize];
                t[k].sents.push(b.pick(said));
            }
            V::CustomerSaid => {
                let k = body_customers[b.rng.below(body_customers.len() as u64) as usize];
                t[k].sents.push(b.pick(customer));
            }
            _ => {}
        }
    }

    // Timing draws.
    for (k, d) in t.iter_mut().enumerate() {
        let r = &mut *b.rng;
        d.factor = 0.95 + r.unit() * 0.3;
        d.gap = match channel {
            "voice" => {
                if Some(k) == hold_turn {
                    30_000 + r.below(60_001) as i64
                } else if d.agent && r.chance(0.15) {
                    3_000 + r.below(9_001) as i64
                } else if k > 0 && r.chance(0.08) {
                    -(150 + r.below(451) as i64)
                } else {
                    150 + r.below(1_051) as i64
                }
            }
            "chat" => 4_000 + r.below(41_001) as i64,
            _ => 300_000 + r.below(3_300_001) as i64,
        };
    }
    let start0 = 300 + b.rng.below(1_201);

    // Late first_seconds plants: greeting (30 s) and recording (60 s).
    let sep = bank.sep;
    let mut v_greet = v_greet;
    let mut v_rec = v_rec;
    for (v, window_s, list) in [
        (&mut v_greet, 30u64, bank.greeting_late),
        (&mut v_rec, 60u64, bank.recording_late),
    ] {
        if *v != V::Late {
            continue;
        }
        let (real, est) = timeline(&t, sep, start0);
        let need = (window_s + 8) * 1000;
        let k =
            (1..t.len()).find(|&k| t[k].agent && est[k] >= need && real[k].0 - real[0].0 >= need);
        match k {
            Some(k) => {
                let s = b.pick(list);
                t[k].sents.push(s);
            }
            None => *v = V::Absent, // fails either way
        }
    }

    let (real, _) = timeline(&t, sep, start0);
    let turns: Vec<GTurn> = t
        .iter()
        .zip(&real)
        .map(|(d, &(s, e))| GTurn {
            agent: d.agent,
            text: d.sents.join(sep),
            start_ms: s,
            end_ms: e,
        })
        .collect();

    // Truth.
    let req = |v: V| if v == V::Pass { Res::Pass } else { Res::Fail };
    let forbid = |v: V| if v == V::Said { Res::Fail } else { Res::Pass };
    let items: [(Res, V); 11] = [
        (req(v_greet), v_greet),
        (req(v_intro), v_intro),
        (if voice { req(v_rec) } else { Res::Na }, v_rec),
        (req(v_verify), v_verify),
        (forbid(v_guar), v_guar),
        (
            if apologies >= 2 { Res::Pass } else { Res::Fail },
            V::Count(apologies),
        ),
        (
            match v_hold {
                V::Hold(true) => Res::Pass,
                V::Hold(false) => Res::Fail,
                _ => Res::Na,
            },
            v_hold,
        ),
        (if refund { req(v_refund) } else { Res::Na }, v_refund),
        (forbid(v_rude), v_rude),
        (req(v_else), v_else),
        (req(v_fare), v_fare),
    ];
    debug_assert_eq!(items.len(), CORE_ITEMS.len());
    let mut drivers: Vec<usize> = primary.into_iter().chain(secondary).collect();
    drivers.sort_unstable();

    // Metadata correlated with quality.
    let applicable: Vec<&(Res, V)> = items.iter().filter(|x| x.0 != Res::Na).collect();
    let q = applicable.iter().filter(|x| x.0 == Res::Pass).count() as f64
        / applicable.len().max(1) as f64;
    let critical = items[4].0 == Res::Fail;
    let r = &mut *b.rng;
    let noise = |r: &mut Rng, w: f64| (r.unit() * 2.0 - 1.0) * w;
    let csat_f = 1.0 + 4.0 * q - if critical { 1.0 } else { 0.0 } - if unhappy { 0.7 } else { 0.0 }
        + noise(r, 0.9);
    let csat = r.chance(0.7).then(|| csat_f.round().clamp(1.0, 5.0) as u8);
    let nps = csat.map(|c| {
        ((c as f64 - 1.0) * 2.5 + noise(r, 1.5))
            .round()
            .clamp(0.0, 10.0) as u8
    });
    let human_qa = if critical {
        (10.0 + r.unit() * 30.0) as u8
    } else {
        (100.0 * q + noise(r, 6.0)).round().clamp(0.0, 100.0) as u8
    };
    let self_score = (82.0 + noise(r, 12.0)).round().clamp(0.0, 100.0) as u8;
    let (customer_id, started) = customer_and_start(seed, i, stride, 0);
    let stamped = r.chance(0.5) || channel == "chat";
    let meta = Meta {
        agent: agent_id,
        team: TEAMS[li][ak % 2],
        queue: primary.map_or("general", |p| DRIVERS[p].queue),
        channel,
        started,
        customer_id,
        csat,
        nps,
        human_qa,
        self_score,
    };
    GenCall {
        index: i,
        id: call_id(i, format, lang, seed),
        lang,
        format,
        meta,
        turns,
        items,
        drivers,
        primary,
        stamped,
    }
}

/// Real (start, end) per turn, and the reader's estimated start per turn (text length
/// only, back to back from 0). Monotone: adding text to a turn never moves an earlier
/// turn and never moves a later turn earlier.
fn timeline(t: &[Draft], sep: &str, start0: u64) -> (Vec<(u64, u64)>, Vec<u64>) {
    let mut real = Vec::with_capacity(t.len());
    let mut est = Vec::with_capacity(t.len());
    let mut clock = 0u64;
    let mut prev: Option<(u64, u64)> = None;
    let mut text = String::new();
    for d in t {
        text.clear();
        for (i, s) in d.sents.iter().enumerate() {
            if i > 0 {
                text.push_str(sep);
            }
            text.push_str(s);
        }
        let e = estimated_duration_ms(&text);
        est.push(clock);
        clock += e;
        let start = match prev {
            None => start0,
            Some((ps, pe)) => ((pe as i64 + d.gap).max(ps as i64 + 200)) as u64,
        };
        let start = start / 10 * 10;
        let dur = ((e as f64 * d.factor) as u64 / 10 * 10).max(300);
        real.push((start, start + dur));
        prev = Some((start, start + dur));
    }
    (real, est)
}

#[cfg(test)]
mod tests;
