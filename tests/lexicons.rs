//! The shipped lexicons on texts the way people type them: Persian with Arabic letter
//! variants and ZWNJ, emoticons and emoji in chats, Chinese negators that act on no listed
//! word, and the masks that keep contact-center set phrases neutral.

use serde_json::{Value, json};
mod common;
use common::callscore;

/// Customer sentiment (overall) of each text, scored as a one-turn call by the default pack.
fn sentiment(texts: &[&str]) -> Vec<f64> {
    let mut input = String::new();
    for (i, t) in texts.iter().enumerate() {
        let call =
            json!({"call_id": format!("t{i}"), "turns": [{"speaker": "customer", "text": t}]});
        input.push_str(&format!("{call}\n"));
    }
    let out = callscore()
        .args(["run", "-", "--rules", "rules", "--out", "-", "--quiet"])
        .write_stdin(input)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut by_id = std::collections::HashMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        if r["type"] == "call" {
            by_id.insert(
                r["call_id"].as_str().unwrap().to_string(),
                r["sentiment"]["customer"]["overall"].as_f64().unwrap(),
            );
        }
    }
    (0..texts.len()).map(|i| by_id[&format!("t{i}")]).collect()
}

/// Each text scores non-zero, with the sign given (`true`: positive).
fn assert_signs(cases: &[(&str, bool)]) {
    let texts: Vec<&str> = cases.iter().map(|(t, _)| *t).collect();
    let s = sentiment(&texts);
    for ((text, positive), score) in cases.iter().zip(&s) {
        assert!(
            *score != 0.0 && (*score > 0.0) == *positive,
            "{text}: {score} ({s:?})"
        );
    }
}

#[test]
fn persian_terms_match_whatever_yeh_kaf_or_zwnj_the_text_uses() {
    // Persian ی/ک and a ZWNJ against Arabic ي/ك and a space: one score each pair.
    let s = sentiment(&[
        "کیفیتش عالی بود",
        "كيفيتش عالي بود",
        "از خریدم راضی‌ام",
        "از خريدم راضي ام",
        "پشیمونم که خریدم",
        "پشيمونم كه خريدم",
    ]);
    for pair in s.chunks(2) {
        assert_eq!(pair[0], pair[1], "{s:?}");
    }
    assert!(s[0] > 0.0 && s[2] > 0.0 && s[4] < 0.0, "{s:?}");
}

#[test]
fn emoticons_and_emoji_carry_a_chat_turn() {
    let s = sentiment(&[
        "ok :)",
        "ok :(",
        "see https://acme.example/faq",
        "again 😡",
        "thanks!! 👍",
    ]);
    assert!(s[0] > 0.0 && s[1] < 0.0, "{s:?}");
    assert_eq!(s[2], 0.0, "the :/ of a URL is not an emoticon");
    assert!(s[3] < 0.0 && s[4] > 0.0, "{s:?}");
}

#[test]
fn chinese_negators_alone_complain_and_set_phrases_stay_neutral() {
    let s = sentiment(&[
        "没有驱动盘",
        "装系统太费劲",
        "没有了。",
        "好。",
        "您好，请问是不是这里办理？",
        "不好意思，我想问一下",
    ]);
    assert!(s[0] < 0.0 && s[1] < 0.0, "{s:?}");
    assert_eq!(s[2], 0.0, "没有了 (nothing else) is not a complaint");
    assert!(
        s[3] > 0.0 && s[3] < 0.2,
        "a reply of one 好 is barely positive: {s:?}"
    );
    assert_eq!(s[4], 0.0, "您好 and 是不是 are masks");
    assert_eq!(s[5], 0.0, "不好意思 is a mask");
}

#[test]
fn chinese_hotel_and_delivery_reviews_read_the_way_guests_write_them() {
    let s = sentiment(&[
        "实在太差了",                         // 0: 实在 stays an intensifier
        "分量很实在",                         // 1: ... and praises in 很实在
        "房间有点小，但五脏俱全，很干净",     // 2: 五脏 is not 脏 (dirty)
        "麻辣香锅，香格里拉酒店，五星级酒店", // 3: dish, hotel and class names
        "这种酒店也敢叫五星级？",             // 4: a rhetorical question
        "一个半小时才送到，饭都凉了",         // 5: late and cold
        "不够新鲜",                           // 6: 不够 negates the praise after it
        "不够",                               // 7: ... and complains alone
        "不咸不淡，刚刚好",                   // 8
        "不隔音，一晚上没睡好",               // 9
        "这么难吃还好意思卖这么贵？",         // 10: 还好意思 is not 还好 (fine)
        "外卖小哥很辛苦，但是饭真的不好吃",   // 11: the contrast decides
        "虽然送得有点慢，但是味道真的没得说", // 12
        "性价比不高",                         // 13
        "不光环境好，服务也好",               // 14: 不光 (not only) negates nothing
        "不单便宜，而且好吃",                 // 15
        "房间不大但很干净",                   // 16: no negation across 但
    ]);
    assert!(s[0] < -0.5, "{s:?}");
    assert!(s[1] > 0.0 && s[2] > 0.0, "{s:?}");
    assert_eq!(s[3], 0.0, "names are masks: {s:?}");
    for i in [4, 5, 6, 7, 9, 10, 11, 13] {
        assert!(s[i] < 0.0, "text {i} should be negative: {s:?}");
    }
    assert!(s[8] > 0.0 && s[12] > 0.0, "{s:?}");
    for i in [14, 15, 16] {
        assert!(s[i] > 0.0, "text {i} should be positive: {s:?}");
    }
}

#[test]
fn persian_negation_after_the_word_and_word_endings_carry_the_sign() {
    // (text, positive?): verb-final negation, endings written on the word, doubled
    // negation, and the same sentence typed with ZWNJ, a space or neither.
    let cases = [
        ("کیفیتش خوب نبود", false),
        ("اصلا راضی نیستم", false),
        ("کیفیت خوبی داره", true),
        ("کیفیت خوبی نداره", false),
        ("هیچ مشکلی نداشتم", true),
        ("به هیچ عنوان پیشنهاد نمیکنم", false),
        ("پشیمون نمی‌شید", true),
        ("پشیمون نمیشید", true),
        ("کمدیش اصلا خنده‌دار نبود", false),
        ("فیلم گیرایی بود", true),
        ("سریعیه و کاملا راضیم", true),
        ("بی‌مصرفه", false),
        ("بیمصرفه", false),
    ];
    assert_signs(&cases);
    // «اصلی» (main) is not «اصل» (genuine) with an ending.
    assert_eq!(sentiment(&["صفحه اصلی سایت"]), vec![0.0]);
}

#[test]
fn english_review_and_editorial_words_carry_the_sign() {
    let cases = [
        ("A gripping, beautifully acted thriller.", true),
        ("Overlong, plodding and clichéd.", false),
        ("The plot is never gripping.", false),
        ("Flimsy, and it quit working after a week.", false),
        ("Sturdy, and worth every penny.", true),
        ("A reckless and misguided policy.", false),
        ("A sensible, welcome step by the council.", true),
        ("Don't waste your money on this.", false),
    ];
    assert_signs(&cases);
}

#[test]
fn a_long_review_keeps_the_sign_of_its_sentences() {
    // Eight sentences, one turn: the sum of many terms is squashed, never capped, so the
    // sign of a long text is the sign of what it says, whatever its length.
    let pos = "Setup was easy. The screen is bright and sharp. Battery life is excellent. \
               The speakers are a little tinny, but that is a small complaint. It feels sturdy. \
               Great value for the price. I use it every day. Highly recommended.";
    let neg = "I wanted to love it. The screen flickers and the battery barely lasts. \
               Support was useless. It overheats, and the case cracked in a week. \
               The one good thing is the colour. I returned it. What a letdown. Avoid.";
    let s = sentiment(&[pos, neg]);
    assert!(s[0] > 0.5 && s[1] < -0.5, "{s:?}");
}

#[test]
fn english_feeling_words_their_forms_and_misleading_phrases() {
    // (text, positive?): words of feeling the lexicons lacked, forms of listed words
    // (English terms take no endings), adverbs of manner, and phrases whose words mislead.
    let cases = [
        ("She loves it and recommends it to everyone.", true),
        ("The rain ruined our whole weekend.", false),
        ("Lazy, sloppily edited and far too long.", false),
        ("Gracefully shot and movingly played.", true),
        ("I had high hopes for this one.", false),
        ("Meh. Nothing to write home about.", false),
        ("Commuters deserve better than this.", false),
        ("A welcome return to form for the director.", true),
        ("Two hours of my life I will never get back.", false),
        ("Still going strong after a year, zero issues.", true),
        ("The room was dirty and the staff were rude.", false),
    ];
    assert_signs(&cases);
}

#[test]
fn masks_keep_report_words_and_other_reviewers_praise_neutral() {
    let s = sentiment(&[
        // An agent's report: "by accident" says how, not how anyone feels.
        "I switched it off so it will not connect by accident.",
        // Other reviewers' praise is not this reviewer's: the broken unit decides.
        "So many good reviews, yet mine broke on the first day.",
        // The first without "by accident": only the lone "not" (a mild -0.6) counts.
        "I switched it off so it will not connect.",
    ]);
    assert_eq!(s[0], s[2], "{s:?}");
    assert!(s[0] > -0.2, "{s:?}");
    assert!(s[1] < 0.0, "{s:?}");
}

#[test]
fn chinese_not_as_good_as_expected_and_faults_said_with_degree_words() {
    let cases = [
        ("没有想象中那么好吃", false), // 没有…那么 negates the praise beyond the window
        ("没有想象中那么难装", true),  // ... and the complaint
        ("没那么好", false),
        ("风扇噪音很小", true),    // little noise is praise, not 噪音 + 很
        ("玩游戏卡得厉害", false), // 厉害 after a verb complains
        ("屏幕晶莹剔透，价格厚道", true),
        ("等了半天，累死了", false),
    ];
    assert_signs(&cases);
}

#[test]
fn persian_everyday_product_phrasing() {
    let cases = [
        ("دقیقا مثل عکسش بود", true),
        ("اصلا مثل عکس نبود", false),         // negated after the phrase
        ("دو روز بیشتر دووم نیاورد", false), // نیاورد negates the term before it
        ("کیفیتش پایینه و بو میده", false),
        ("کیفیتش بالاست، همون چیزی که میخواستم", true),
        ("پولتون رو دور نریزید", false),
    ];
    assert_signs(&cases);
}

#[test]
fn english_verdicts_carried_by_facts_and_critics_diction() {
    // (text, positive?): faults and praise a reviewer states as facts, critics' and
    // editorial writers' phrases, and words that would read the wrong way on their own:
    // "lie flat" is not "lie", "can't believe how" does not negate, "without talking down"
    // negates a complaint.
    let cases = [
        ("The handle broke off in the second week.", false),
        ("It tips over if you bump the table.", false),
        ("The pan warped the first time I used it.", false),
        ("I ordered two more for my sisters.", true),
        ("I'm on my third pair of these.", true),
        ("The pages lie flat on the stand.", true),
        ("I've seen better for less.", false),
        ("I can't believe how quiet this fan is.", true),
        (
            "The author explains it without talking down to the reader.",
            true,
        ),
        ("The film never coheres.", false),
        ("The jokes land with a thud.", false),
        ("The newcomer holds her own against the veterans.", true),
        ("Its two leads more than compensate for the script.", true),
        ("The council's plan is a step forward.", true),
        ("The court was right to insist on a hearing.", true),
        ("The ministry paid lip service to the inquiry.", false),
    ];
    assert_signs(&cases);
}

#[test]
fn device_names_tax_cuts_and_counting_words_hold_no_sentiment() {
    // "smart" names a device, a tax cut is a policy, "a great deal of" counts: a call or a
    // review that only says these has no sentiment.
    let s = sentiment(&[
        "My smart meter was installed on Tuesday.",
        "The tax cut takes effect in May.",
        "There is a great deal of paperwork.",
    ]);
    assert_eq!(s, vec![0.0, 0.0, 0.0]);
}

#[test]
fn chinese_food_delivery_facts_repeat_orders_and_app_slang() {
    let cases = [
        ("汉堡里的牛肉外焦里生", false),
        ("这次的排骨全是骨头", false),
        ("冰激凌送来都化成水了", false),
        ("一言难尽的一顿饭", false),
        ("隔壁在装修，一早就钻墙", false),
        ("已经第三次点这家了", true),
        ("送到的时候饭还是烫的", true),
        ("朋友都说好吃", true), // 说好 alone is a mask (说好了, "as agreed")
        ("这家是宝藏，强推给同事了", true),
        ("这么好的味道真是难得", true),
    ];
    assert_signs(&cases);
    // 难得 (a rare good thing) is not read inside 难得到 (hard to get).
    let s = sentiment(&["很难得到回复"]);
    assert!(s[0] <= 0.0, "{s:?}");
}
