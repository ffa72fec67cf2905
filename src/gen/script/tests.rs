use super::*;
use crate::matcher::{Scan, scan_call};
use crate::rules::Pack;
use crate::transcript::{Call, Format, Metadata, Speaker, Turn};

fn core_pack() -> Pack {
    let dir = tempfile::tempdir().unwrap();
    crate::r#gen::pack::write_pack(dir.path(), 0, 0).unwrap();
    crate::rules::load_pack(dir.path())
        .unwrap()
        .pack
        .expect("generator pack compiles")
}

/// Leaves hit by `text` said by `speaker`.
fn hits(pack: &Pack, scan: &mut Scan, text: &str, agent: bool) -> usize {
    let call = Call {
        call_id: "t".into(),
        source: "t".into(),
        source_line: None,
        format: Format::NativeJson,
        metadata: Metadata::default(),
        turns: vec![Turn {
            speaker: if agent {
                Speaker::Agent
            } else {
                Speaker::Customer
            },
            label: None,
            text: text.into(),
            start_ms: Some(0),
            end_ms: Some(1000),
            line: None,
        }],
        times_estimated: false,
    };
    scan_call(pack, &call, scan);
    scan.leaf_hits.iter().filter(|h| !h.is_empty()).count()
}

/// Like [`hits`], for customer driver sentences: the bare word "refund" (side `a` of
/// the agent-scoped `near` item) may occur in a customer's refund request.
fn hits_but_refund_word(pack: &Pack, scan: &mut Scan, text: &str) -> usize {
    let n = hits(pack, scan, text, false);
    let refund_word = scan.leaf_hits.iter().any(|hs| {
        hs.iter().any(|h| {
            let norm = &scan.norm(h.turn as usize).text;
            crate::r#gen::pack::REFUND_WORD
                .iter()
                .any(|l| l.contains(&&norm[h.norm.start as usize..h.norm.end as usize]))
        })
    });
    n - usize::from(refund_word)
}

fn fillers(bk: &Bank) -> Vec<&'static str> {
    let mut v: Vec<&str> = Vec::new();
    for list in [
        bk.hello,
        bk.offer_help,
        bk.customer_hello,
        bk.verify_answer,
        bk.verify_skip,
        bk.hold_ok,
        bk.hold_back,
        bk.refund_ask,
        bk.refund_vague,
        bk.refund_confirm,
        bk.no_thanks,
        bk.mid_more,
        bk.closing_plain,
        bk.bye,
        bk.wrap_customer,
        bk.agent_wrap,
        bk.happy,
        bk.unhappy,
    ] {
        v.extend(list.iter().copied());
    }
    for l in bk.driver_replies {
        v.extend(l.iter().copied());
    }
    for (c, a) in bk.filler {
        v.push(c);
        v.push(a);
    }
    v
}

fn fill(s: &str, product: &str) -> String {
    s.replace("{a}", "Sam")
        .replace("{c}", "Kim")
        .replace("{p}", product)
        .replace("{n}", "48213")
}

#[test]
fn filler_never_contains_a_core_phrase_even_across_sentences() {
    let pack = core_pack();
    let mut scan = Scan::new(&pack);
    for lang in [Lang::En, Lang::Zh, Lang::Fa] {
        let bk = bank(lang);
        let f = fillers(bk);
        for p in 0..200 {
            let product = scale_phrase(lang.index(), p);
            for s in &f {
                let s = fill(s, &product);
                for agent in [true, false] {
                    assert_eq!(hits(&pack, &mut scan, &s, agent), 0, "{lang:?} {s:?}");
                }
            }
        }
        for a in &f {
            for b in &f {
                let s = fill(&format!("{a}{}{b}", bk.sep), "x");
                for agent in [true, false] {
                    assert_eq!(hits(&pack, &mut scan, &s, agent), 0, "{lang:?} {s:?}");
                }
            }
        }
    }
}

#[test]
fn planted_sentences_hit_exactly_one_leaf() {
    let pack = core_pack();
    let mut scan = Scan::new(&pack);
    for lang in [Lang::En, Lang::Zh, Lang::Fa] {
        let bk = bank(lang);
        let mut agent_lists = vec![
            bk.greeting,
            bk.greeting_late,
            bk.intro,
            bk.intro_late,
            bk.recording,
            bk.recording_late,
            bk.verify_ask,
            bk.verify_ask_late,
            bk.verify_done,
            bk.apology,
            bk.hold,
            bk.hold_thanks,
            bk.guarantee,
            bk.rude,
            bk.anything_else,
            bk.farewell,
        ];
        let mut customer_lists = vec![
            bk.intro_customer,
            bk.recording_customer,
            bk.guarantee_customer,
            bk.rude_customer,
        ];
        customer_lists.extend(bk.driver_sents.iter().copied());
        agent_lists.retain(|l| !l.is_empty());
        for l in agent_lists {
            for s in l {
                assert_eq!(hits(&pack, &mut scan, &fill(s, "x"), true), 1, "{s}");
            }
        }
        for l in customer_lists {
            for s in l {
                // Customer plants: the wrong-speaker phrase hits its (agent-scoped)
                // leaf; driver sentences hit exactly their driver.
                assert_eq!(
                    hits_but_refund_word(&pack, &mut scan, &fill(s, "x")),
                    1,
                    "{s}"
                );
            }
        }
    }
}
