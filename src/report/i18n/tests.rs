use super::*;

#[test]
fn every_label_has_both_languages_and_keys_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for (k, en, zh) in TEXTS {
        assert!(seen.insert(*k), "duplicate key {k}");
        assert!(
            !en.trim().is_empty() && !zh.trim().is_empty(),
            "{k} is missing a language"
        );
        // Placeholders must be the same in both languages.
        let ph = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(ph(en), ph(zh), "placeholders differ in {k}");
    }
    for (k, en, zh) in COLUMNS {
        assert!(!en.is_empty() && !zh.is_empty(), "column {k}");
    }
}

#[test]
fn lang_parses_en_and_zh_and_rejects_others_with_a_hint() {
    assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
    assert_eq!(" ZH ".parse::<Lang>(), Ok(Lang::Zh));
    assert_eq!("zh-CN".parse::<Lang>(), Ok(Lang::Zh));
    let err = "fr".parse::<Lang>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown dashboard language 'fr': use en or zh"
    );
}

#[test]
fn columns_and_absent_reasons_translate_or_pass_through() {
    assert_eq!(Lang::Zh.column("mean_qa"), "平均质检分");
    assert_eq!(Lang::En.column("section_opening"), "Section opening");
    assert_eq!(Lang::Zh.column("section_opening"), "opening 部分");
    assert_eq!(Lang::Zh.column("custom_col"), "custom_col");
    assert_eq!(
        Lang::Zh.absent("No CSAT in these calls."),
        "这些通话没有满意度 (CSAT) 数据"
    );
    assert_eq!(
        Lang::En.absent("no CSAT in these calls"),
        "no CSAT in these calls"
    );
    assert_eq!(Lang::Zh.absent("something else"), "something else");
    assert_eq!(Lang::Zh.tf("lb.calls", &[("n", "5")]), "5 通");
    assert_eq!(Lang::En.t("missing.key"), "missing.key");
}
