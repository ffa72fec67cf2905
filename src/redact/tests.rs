use super::{Kind, apply, digit_count, find, luhn, redact, redact_message, spans, widen};
use proptest::prelude::*;

/// The one token `text` becomes when it is a single piece of personal data.
fn token(text: &str) -> String {
    redact(text).into_owned()
}

#[test]
fn card_numbers_passing_luhn_are_cards() {
    for card in [
        "4111 1111 1111 1111",
        "4111111111111111",
        "4111-1111-1111-1111",
        "4111, 1111, 1111, 1111",
        "5500 0000 0000 0004",
        "3782 822463 10005",
        "6212 3456 7890 1234 569",
        "４１１１ １１１１ １１１１ １１１１",
        "۴۱۱۱ ۱۱۱۱ ۱۱۱۱ ۱۱۱۱",
    ] {
        assert_eq!(token(card), "[CARD]", "{card}");
    }
    assert_eq!(
        redact("card 4111 1111 1111 1111 exp 12/28"),
        "card [CARD] exp 12/28"
    );
}

#[test]
fn luhn_failing_long_numbers_are_still_replaced() {
    assert!(!luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
    assert_eq!(token("4111 1111 1111 1112"), "[NUMBER]");
    assert_eq!(token("4111111111111112"), "[NUMBER]");
    assert_eq!(token("12345678901234567890123"), "[NUMBER]");
}

#[test]
fn phone_numbers_in_international_and_national_formats() {
    for phone in [
        "+1 415-555-0199",
        "+44 20 7946 0958",
        "+86 138 0013 8000",
        "+98 912 345 6789",
        "+1 (555) 123-4567",
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "555-1234",
        "1 800 555 0199",
        "021-8888-1234",
        "010-12345678",
        "138 0013 8000",
        "13800138000",
        "02188881234",
        "0044 20 7946 0958",
        "01 23 45 67 89",
        "１３８００１３８０００",
        "۰۹۱۲ ۳۴۵ ۶۷۸۹",
        "۰۹۱۲۳۴۵۶۷۸۹",
        "٠٥٠ ١٢٣ ٤٥٦٧",
        "+۹۸ ۲۱ ۸۸۸۸ ۱۲۳۴",
    ] {
        assert_eq!(token(phone), "[PHONE]", "{phone}");
    }
    assert_eq!(
        redact("call me on +1 415-555-0199 tomorrow"),
        "call me on [PHONE] tomorrow"
    );
    assert_eq!(redact("我的电话是138 0013 8000。"), "我的电话是[PHONE]。");
    assert_eq!(redact("شماره من ۰۹۱۲ ۳۴۵ ۶۷۸۹ است"), "شماره من [PHONE] است");
    // A bracket that is not an area code stays outside the token.
    assert_eq!(redact("(ref 1234567)"), "(ref [NUMBER])");
}

#[test]
fn emails() {
    assert_eq!(redact("mail a.b+c@example.co.uk now"), "mail [EMAIL] now");
    assert_eq!(
        redact("Email: JOHN_DOE99@mail-host.com."),
        "Email: [EMAIL]."
    );
    // Chinese is written without spaces: the words around the address are kept.
    assert_eq!(redact("邮箱zhang.san@example.cn谢谢"), "邮箱[EMAIL]谢谢");
    assert_eq!(
        redact("ایمیل من ali.rezaei@example.ir است"),
        "ایمیل من [EMAIL] است"
    );
    // Digits inside an address belong to it.
    assert_eq!(
        redact("write to card4111111111111111@example.com 555-1234"),
        "write to [EMAIL] [PHONE]"
    );
    assert_eq!(redact("meet @ noon"), "meet @ noon");
}

#[test]
fn us_social_security_numbers() {
    assert_eq!(token("123-45-6789"), "[ID]");
    assert_eq!(token("123 45 6789"), "[ID]");
    assert_eq!(redact("my SSN is 123-45-6789."), "my SSN is [ID].");
    // Numbers the SSA never issues keep the SSN shape but are not ids.
    for impossible in [
        "000-12-3456",
        "666-12-3456",
        "912-34-5678",
        "123-00-4567",
        "123-45-0000",
    ] {
        assert_eq!(token(impossible), "[NUMBER]", "{impossible}");
    }
}

#[test]
fn chinese_resident_ids() {
    for id in [
        "11010519491231002X",
        "11010519491231002x",
        "440304199003071213",
        "310101 19851122 0015",
        "４４０３０４１９９００３０７１２１３",
    ] {
        assert_eq!(token(id), "[ID]", "{id}");
    }
    assert_eq!(redact("身份证 11010519491231002X 谢谢"), "身份证 [ID] 谢谢");
    assert_eq!(redact("身份证号11010519491231002X。"), "身份证号[ID]。");
    // A wrong check digit, or an impossible birth date, is not an id (but still replaced).
    assert_eq!(token("440304199003071214"), "[NUMBER]");
    assert_eq!(token("110105202613990018"), "[NUMBER]");
    // An X that starts a word is not a check digit.
    assert_eq!(redact("1234567Xyz"), "[NUMBER]Xyz");
}

#[test]
fn iranian_national_codes() {
    for code in [
        "0499370899",
        "0012345679",
        "001-234567-9",
        "۰۴۹۹۳۷۰۸۹۹",
        "٠٠١٢٣٤٥٦٧٩",
    ] {
        assert_eq!(token(code), "[ID]", "{code}");
    }
    assert_eq!(redact("کد ملی ۰۰۱۲۳۴۵۶۷۹"), "کد ملی [ID]");
    // A wrong check digit, or all one digit, is not a code (but still replaced).
    assert_eq!(token("0012345678"), "[NUMBER]");
    assert_eq!(token("1111111111"), "[NUMBER]");
}

#[test]
fn other_long_numbers_and_what_is_kept() {
    assert_eq!(token("1234567"), "[NUMBER]");
    assert_eq!(redact("account 98765432"), "account [NUMBER]");
    // Dates are not phone numbers, but 7+ digits are replaced all the same.
    assert_eq!(redact("since 2026-11-05"), "since [NUMBER]");
    assert_eq!(redact("on 05.11.2026"), "on [NUMBER]");
    assert_eq!(
        redact("refund in 5 business days, order 12345, $1,250.00 at 10:30"),
        "refund in 5 business days, order 12345, $1,250.00 at 10:30"
    );
    assert!(matches!(redact("hello"), std::borrow::Cow::Borrowed(_)));
    assert!(matches!(
        redact("order 12345 on day 3"),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn precedence() {
    // `+` first: a Luhn-valid 13-digit international number is a phone.
    assert_eq!(token("+86 138 0013 8006"), "[PHONE]");
    // A Chinese id before a card: the check digit and birth date decide.
    assert_eq!(token("440304199003071213"), "[ID]");
    // A card before an Iranian code cannot clash (13+ digits against 10); a card before
    // a phone shape: Luhn-valid 4-4-4-4 is a card.
    assert_eq!(token("4111 1111 1111 1111"), "[CARD]");
    // An Iranian code before a bare phone: 10 unbroken digits with a valid check digit.
    assert_eq!(token("4155550199"), "[ID]");
    assert_eq!(token("415-555-0199"), "[PHONE]");
    // E-mail first.
    assert_eq!(token("123-45-6789@example.com"), "[EMAIL]");
    let kinds: Vec<Kind> =
        find("a@b.com, 4111 1111 1111 1111; 123-45-6789 or +1 415 555 0199; 7654321")
            .into_iter()
            .map(|f| f.kind)
            .collect();
    assert_eq!(
        kinds,
        [Kind::Email, Kind::Card, Kind::Id, Kind::Phone, Kind::Number]
    );
}

#[test]
fn messages_keep_their_own_sizes_and_positions_but_not_what_they_quote() {
    for own in [
        "file is 1258291 bytes, more than the limit of 1048576",
        "not text: binary data at byte 12345678",
        "invalid JSON at column 1234567: EOF while parsing",
        "CSV error: record 1234567 (line: 1234568, byte: 98765432)",
    ] {
        assert_eq!(redact_message(own), own);
    }
    assert_eq!(
        redact_message(r#"metadata.csat: expected a number, got "call 4111 1111 1111 1111""#),
        r#"metadata.csat: expected a number, got "call [CARD]""#
    );
    assert_eq!(
        redact_message("invalid type: integer `4111111111111111`, expected a string"),
        "invalid type: integer `[CARD]`, expected a string"
    );
    assert_eq!(
        redact_message(r#"got "he said \"+1 415 555 0199\"" at line 3"#),
        r#"got "he said \"[PHONE]\"" at line 3"#
    );
    // Unquoted input (a CSV header row that was data) is redacted.
    assert_eq!(
        redact_message("no sender column among: 4111111111111111, jane@example.com, hi"),
        "no sender column among: [CARD], [EMAIL], hi"
    );
    assert_eq!(redact_message("line jane@example.com"), "line [EMAIL]");
}

#[test]
fn spans_cover_what_redact_replaces() {
    let t = "card 4111 1111 1111 1111, mail a@b.com";
    let s = spans(t);
    assert_eq!(s.len(), 2);
    assert_eq!(&t[s[0].clone()], "4111 1111 1111 1111");
    assert_eq!(&t[s[1].clone()], "a@b.com");
    assert!(spans("order 12345").is_empty());
    let t = "call (555) 123-4567 or +1 415 555 0199";
    let s = spans(t);
    assert_eq!(&t[s[0].clone()], "(555) 123-4567");
    assert_eq!(&t[s[1].clone()], "+1 415 555 0199");
}

#[test]
fn apply_replaces_within_a_piece_of_the_text() {
    let t = "card 4111 1111 1111 1111 and a@b.com";
    let f = find(t);
    assert_eq!(apply(t, &f, 0..t.len()), "card [CARD] and [EMAIL]");
    assert_eq!(apply(t, &f, 0..5), "card ");
    assert_eq!(apply(t, &f, 5..t.len()), "[CARD] and [EMAIL]");
    // A piece that starts inside a found run leaves that run out.
    assert_eq!(apply(t, &f, 10..t.len()), " and [EMAIL]");
}

#[test]
fn widen_takes_in_numbers_cut_by_an_excerpt() {
    let t = "my card is 4111 1111 1111 1111 thanks";
    // Cut inside the number at both ends: the excerpt grows to the whole number.
    let (from, to) = widen(t, 17, 24);
    assert_eq!(&t[from..to], "4111 1111 1111 1111");
    // Cut at a word boundary: unchanged.
    assert_eq!(widen(t, 3, 10), (3, 10));
    assert_eq!(widen(t, 0, t.len()), (0, t.len()));
    let t = "身份证11010519491231002X谢谢";
    let start = t.find('1').expect("digit");
    let (from, to) = widen(t, start + 3, start + 9);
    assert_eq!(&t[from..to], "11010519491231002X");
    let t = "call +1 415 555 0199";
    let (from, _) = widen(t, 9, t.len());
    assert_eq!(&t[from..], "+1 415 555 0199");
    let t = "write to john.smith@example.com today";
    let (_, to) = widen(t, 0, 14);
    assert_eq!(&t[..to], "write to john.smith@example.com");
}

#[test]
fn digit_count_matches_char_classes() {
    let slow = |t: &str| {
        t.chars()
            .filter(|&c| matches!(c, '0'..='9' | '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' | '\u{FF10}'..='\u{FF19}'))
            .count()
    };
    for t in [
        "",
        "order 12345",
        "کد ملی ۰۰۱۲۳۴۵۶۷۸ ٠١٢٣٤٥٦٧٨٩",
        "电话１２３４５６７８９０ ＡＢＣ ｜ ｝ \u{FF1A}\u{FF0F}",
        "\u{065A}\u{06FA}\u{06EF}\u{0659} ټ ۺ 好",
    ] {
        assert_eq!(digit_count(t), slow(t), "{t}");
    }
    for cp in 0x80..0x11000u32 {
        if let Some(c) = char::from_u32(cp) {
            let t = format!("a{c}{c}b");
            assert_eq!(digit_count(&t), slow(&t), "U+{cp:04X}");
        }
    }
}

/// Texts made of digits of every script, separators, letters, `@`, brackets and `X`:
/// the shapes where runs start, stop and join.
fn texty() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => "[0-9]",
            1 => "[۰-۹٠-٩０-９]",
            2 => "[ .\\-/,()+]",
            1 => "[a-zX@]",
            1 => "[谢 ]",
        ],
        0..60,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    /// Whatever the text, nothing that would be redacted is left: redacting the output
    /// again finds nothing, and no 7 digits remain together.
    #[test]
    fn redacted_text_has_nothing_left_to_redact(t in texty()) {
        let once = redact(&t).into_owned();
        prop_assert!(find(&once).is_empty(), "{t:?} → {once:?}");
        // Spans and replacements agree.
        let s = spans(&t);
        prop_assert_eq!(s.is_empty(), once == t);
    }

    /// A widened excerpt never cuts what the whole text redacts: each piece found in the
    /// text is wholly inside the excerpt or wholly outside it.
    #[test]
    fn widened_excerpts_cut_no_number(t in texty(), a in 0usize..200, b in 0usize..200) {
        let (mut a, mut b) = (a.min(t.len()), b.min(t.len()));
        if a > b { std::mem::swap(&mut a, &mut b); }
        while !t.is_char_boundary(a) { a -= 1; }
        while !t.is_char_boundary(b) { b -= 1; }
        let (from, to) = widen(&t, a, b);
        prop_assert!(from <= a && to >= b);
        for f in find(&t) {
            let inside = from <= f.range.start && f.range.end <= to;
            let outside = f.range.end <= from || f.range.start >= to;
            prop_assert!(inside || outside, "{t:?} [{a}..{b}] → [{from}..{to}] cuts {f:?}");
        }
    }
}
