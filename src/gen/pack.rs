//! The generator's own rule pack: the core scorecard and driver taxonomy the truth file
//! is computed against, sentiment lexicons, and the optional scaling items
//! (`--phrases`, `--regexes`).
//!
//! Every phrase the generator plants ([`super::script`]) is listed here, per language
//! (`[en, zh, fa]`), and the TOML is written from these same lists, so planting is exact.
//!
//! Core scorecard (11 items, 4 sections):
//!
//! | id | section | rule |
//! |---|---|---|
//! | `greeting` | opening | require agent, `first_seconds = 30` |
//! | `introduction` | opening | require agent, `first_turns = 3` |
//! | `recording_disclosure` | compliance | require agent, `first_seconds = 60`, applies when `meta channel = voice` |
//! | `verification` | compliance | require `before` (ask for identity, then confirm it), agent |
//! | `no_guarantee` | compliance | **critical** forbid, agent |
//! | `empathy` | resolution | require agent apology, `min_count = 2` |
//! | `hold_thanks` | resolution | require thanks for holding, applies when the agent put the customer on hold |
//! | `refund_timeline` | resolution | require agent `near` (refund … business days, within 8 words), applies when `driver = billing/refund` |
//! | `no_rudeness` | resolution | forbid agent |
//! | `anything_else` | closing | require agent, `last_turns = 4` |
//! | `farewell` | closing | require agent, `last_turns = 2` |
//!
//! Drivers (10, 6 departments) look only at what the customer said.
//!
//! Scaling items (section `scale`, ids `scale/pNNNN` and `scale/rNNNN`) only `require`,
//! are never referenced by a core item or driver, and are left out of the truth file:
//! they make the automaton and regex set big without changing any core result.

use super::Lang;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Phrases per language, indexed by [`Lang::index`].
pub(crate) type PerLang = [&'static [&'static str]; 3];

/// Agent greets with the company name (first 30 s).
pub(crate) const GREETING: PerLang = [
    &["thank you for calling acme", "welcome to acme"],
    &["感谢致电艾克美", "欢迎致电艾克美"],
    &["با تشکر از تماس شما با اکمه", "به اکمه خوش آمدید"],
];
/// Agent gives their name (first 3 turns).
pub(crate) const INTRODUCTION: PerLang = [&["my name is"], &["我是客服"], &["اسم من"]];
/// Recording disclosure (voice, first 60 s).
pub(crate) const RECORDING: PerLang = [
    &["call may be recorded", "call is recorded"],
    &["本次通话将被录音", "通话可能会被录音"],
    &["این تماس ضبط می‌شود", "مکالمه ضبط می‌شود"],
];
/// Verification: the ask.
pub(crate) const VERIFY_ASK: PerLang = [
    &["verify your identity"],
    &["核实您的身份"],
    &["احراز هویت"],
];
/// Verification: the confirmation.
pub(crate) const VERIFY_DONE: PerLang = [
    &["you are verified"],
    &["身份已核实"],
    &["هویت شما تایید شد"],
];
/// Forbidden promise (critical).
pub(crate) const GUARANTEE: PerLang = [&["i guarantee"], &["我保证"], &["تضمین می‌کنم"]];
/// Apologies (empathy, at least 2).
pub(crate) const APOLOGY: PerLang = [
    &["i m sorry", "i apologize"],
    &["非常抱歉", "真是抱歉"],
    &["متاسفم", "عذرخواهی می‌کنم"],
];
/// Putting the customer on hold (makes `hold_thanks` apply).
pub(crate) const HOLD: PerLang = [
    &["put you on hold"],
    &["请您稍等片刻"],
    &["چند لحظه منتظر بمانید"],
];
/// Thanks for holding.
pub(crate) const HOLD_THANKS: PerLang = [
    &["thank you for holding"],
    &["感谢您的耐心等待"],
    &["ممنون از صبر شما"],
];
/// Refund timeline, side `a` of `near`.
pub(crate) const REFUND_WORD: PerLang = [&["refund"], &["退款"], &["بازپرداخت"]];
/// Refund timeline, side `b` of `near`.
pub(crate) const BUSINESS_DAYS: PerLang = [&["business days"], &["个工作日"], &["روز کاری"]];
/// Rudeness (forbidden, not critical).
pub(crate) const RUDE: PerLang = [&["calm down"], &["冷静一点"], &["آرام باشید"]];
/// Offer further help (last 4 turns).
pub(crate) const ANYTHING_ELSE: PerLang = [
    &["anything else i can help"],
    &["还有什么可以帮您"],
    &["کار دیگری هست"],
];
/// Farewell with the company name (last 2 turns).
pub(crate) const FAREWELL: PerLang = [
    &["thank you for choosing acme"],
    &["感谢您选择艾克美"],
    &["از اینکه اکمه را انتخاب کردید سپاسگزاریم"],
];

/// The core item ids, in pack order (the truth file lists exactly these).
pub const CORE_ITEMS: [&str; 11] = [
    "greeting",
    "introduction",
    "recording_disclosure",
    "verification",
    "no_guarantee",
    "empathy",
    "hold_thanks",
    "refund_timeline",
    "no_rudeness",
    "anything_else",
    "farewell",
];

/// A contact driver of the generator's taxonomy.
pub(crate) struct DriverDef {
    /// Taxonomy id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Department id.
    pub department: &'static str,
    /// Queue the call is routed to when this is the primary driver.
    pub queue: &'static str,
    /// Customer phrases per language.
    pub phrases: PerLang,
}

/// Departments: id, name, cost per hour.
pub(crate) const DEPARTMENTS: [(&str, &str, f64); 6] = [
    ("billing", "Billing & Payments", 38.0),
    ("technical_support", "Technical Support", 46.0),
    ("logistics", "Logistics & Fulfilment", 30.0),
    ("retention", "Customer Retention", 52.0),
    ("sales", "Sales", 32.0),
    ("account_services", "Account Services", 34.0),
];

/// The drivers, in pack order.
pub(crate) const DRIVERS: [DriverDef; 10] = [
    DriverDef {
        id: "billing/refund",
        name: "Refund request",
        department: "billing",
        queue: "billing",
        phrases: [
            &["i want a refund", "get my money back"],
            &["我要退款", "把钱退给我"],
            &["پولم را برگردانید", "درخواست استرداد وجه"],
        ],
    },
    DriverDef {
        id: "billing/dispute",
        name: "Disputed charge",
        department: "billing",
        queue: "billing",
        phrases: [
            &["charged twice", "wrong charge"],
            &["重复扣费", "扣错钱"],
            &["دو بار کسر شده", "مبلغ اشتباه کسر شده"],
        ],
    },
    DriverDef {
        id: "tech/outage",
        name: "Service outage",
        department: "technical_support",
        queue: "tech_support",
        phrases: [
            &["internet is down", "no connection at all"],
            &["网络断了", "完全上不了网"],
            &["اینترنت قطع است", "اصلا وصل نمی‌شود"],
        ],
    },
    DriverDef {
        id: "tech/slow",
        name: "Slow connection",
        department: "technical_support",
        queue: "tech_support",
        phrases: [
            &["internet is very slow", "keeps buffering"],
            &["网速很慢", "一直在缓冲"],
            &["سرعت اینترنت خیلی کم است", "مدام قطع و وصل می‌شود"],
        ],
    },
    DriverDef {
        id: "logistics/delivery",
        name: "Late delivery",
        department: "logistics",
        queue: "orders",
        phrases: [
            &["package has not arrived", "order is late"],
            &["快递还没到", "包裹一直没收到"],
            &["سفارشم هنوز نرسیده", "بسته به دستم نرسیده"],
        ],
    },
    DriverDef {
        id: "logistics/damaged",
        name: "Damaged item",
        department: "logistics",
        queue: "orders",
        phrases: [
            &["arrived damaged", "screen is cracked"],
            &["商品坏了", "外包装破损"],
            &["خراب رسیده", "آسیب دیده بود"],
        ],
    },
    DriverDef {
        id: "retention/cancel",
        name: "Cancellation",
        department: "retention",
        queue: "retention",
        phrases: [
            &["cancel my contract", "cancel my subscription"],
            &["取消合约", "注销这个套餐"],
            &["قراردادم را لغو کنید", "اشتراکم را لغو کنید"],
        ],
    },
    DriverDef {
        id: "sales/upgrade",
        name: "Upgrade",
        department: "sales",
        queue: "sales",
        phrases: [
            &["upgrade my plan", "a faster package"],
            &["升级套餐", "更快的宽带"],
            &["ارتقای بسته", "سرعت بالاتر می‌خواهم"],
        ],
    },
    DriverDef {
        id: "account/password",
        name: "Password / login",
        department: "account_services",
        queue: "accounts",
        phrases: [
            &["reset my password", "locked out of my account"],
            &["重置密码", "账号被锁"],
            &["رمز عبورم را فراموش کردم", "حسابم قفل شده"],
        ],
    },
    DriverDef {
        id: "account/address",
        name: "Address change",
        department: "account_services",
        queue: "accounts",
        phrases: [
            &["change my address", "moved to a new apartment"],
            &["修改地址", "搬到新家"],
            &["تغییر آدرس", "به خانه جدید نقل مکان کردم"],
        ],
    },
];

/// Vocabulary for the scaling phrases (multi-word product / plan names), per language.
/// Three slots; a phrase is one word of each slot. None of the words is, or builds, a
/// core phrase (checked by a unit test).
pub(crate) const SCALE_VOCAB: [[&[&str]; 3]; 3] = [
    [
        &[
            "premium",
            "basic",
            "family",
            "student",
            "business",
            "unlimited",
            "smart",
            "mobile",
            "fiber",
            "home",
            "travel",
            "senior",
            "gold",
            "silver",
            "bronze",
            "starter",
            "power",
            "night",
            "weekend",
            "global",
            "local",
            "prepaid",
            "flex",
            "max",
            "plus",
            "lite",
            "ultra",
            "green",
            "city",
            "rural",
        ],
        &[
            "data",
            "voice",
            "video",
            "music",
            "gaming",
            "cloud",
            "roaming",
            "streaming",
            "router",
            "modem",
            "sim",
            "tablet",
            "watch",
            "phone",
            "laptop",
            "tv",
            "sports",
            "kids",
            "security",
            "backup",
            "storage",
            "hotspot",
            "wifi",
            "mesh",
            "satellite",
            "cable",
            "radio",
            "camera",
            "alarm",
            "sensor",
        ],
        &[
            "bundle",
            "package",
            "addon",
            "pass",
            "tariff",
            "offer",
            "option",
            "booster",
            "voucher",
            "trial",
            "credit",
            "allowance",
            "promo",
            "deal",
            "membership",
            "insurance",
            "warranty",
            "rental",
            "upgrade",
            "subscription",
        ],
    ],
    [
        &[
            "尊享", "畅享", "家庭", "学生", "商务", "无限", "智能", "移动", "光纤", "居家", "旅行",
            "长者", "金卡", "银卡", "铜卡", "入门", "强力", "夜间", "周末", "全球", "本地", "预付",
            "灵活", "极速", "增强", "轻享", "超值", "绿色", "都市", "乡村",
        ],
        &[
            "流量", "语音", "视频", "音乐", "游戏", "云盘", "漫游", "直播", "路由", "猫机", "卡片",
            "平板", "手表", "手机", "电脑", "电视", "体育", "儿童", "安全", "备份", "存储", "热点",
            "无线", "组网", "卫星", "有线", "电台", "相机", "报警", "感应",
        ],
        &[
            "礼包", "包月", "加油", "通行", "资费", "优惠", "选项", "加速", "卡券", "试用", "积分",
            "额度", "活动", "特惠", "会籍", "保障", "延保", "租赁", "权益", "订阅",
        ],
    ],
    [
        &[
            "ویژه",
            "پایه",
            "خانوادگی",
            "دانشجویی",
            "تجاری",
            "نامحدود",
            "هوشمند",
            "همراه",
            "فیبر",
            "خانگی",
            "مسافرتی",
            "سالمندان",
            "طلایی",
            "نقره‌ای",
            "برنزی",
            "آغازین",
            "قدرتمند",
            "شبانه",
            "آخرهفته",
            "جهانی",
            "محلی",
            "اعتباری",
            "منعطف",
            "حداکثر",
            "پلاس",
            "سبک",
            "فوق",
            "سبز",
            "شهری",
            "روستایی",
        ],
        &[
            "داده",
            "صوتی",
            "ویدیو",
            "موسیقی",
            "بازی",
            "ابری",
            "رومینگ",
            "پخش",
            "روتر",
            "مودم",
            "سیم‌کارت",
            "تبلت",
            "ساعت",
            "گوشی",
            "لپ‌تاپ",
            "تلویزیون",
            "ورزشی",
            "کودک",
            "امنیتی",
            "پشتیبان",
            "ذخیره",
            "هات‌اسپات",
            "وای‌فای",
            "مش",
            "ماهواره",
            "کابلی",
            "رادیو",
            "دوربین",
            "هشدار",
            "حسگر",
        ],
        &[
            "طرح",
            "پکیج",
            "افزونه",
            "کارت",
            "تعرفه",
            "پیشنهاد",
            "گزینه",
            "تقویت",
            "کوپن",
            "آزمایشی",
            "اعتبار",
            "سهمیه",
            "جشنواره",
            "تخفیف",
            "عضویت",
            "بیمه",
            "گارانتی",
            "اجاره",
            "مزیت",
            "حق‌اشتراک",
        ],
    ],
];

/// Number of distinct scaling phrases per language.
pub(crate) fn scale_capacity(lang: usize) -> usize {
    SCALE_VOCAB[lang].iter().map(|s| s.len()).product()
}

/// The `n`-th scaling phrase of a language (distinct for distinct `n` below the capacity).
/// English and Persian words are joined by spaces, Chinese ones without.
pub(crate) fn scale_phrase(lang: usize, n: usize) -> String {
    let v = &SCALE_VOCAB[lang];
    let (a, b, c) = (v[0].len(), v[1].len(), v[2].len());
    let n = n % (a * b * c);
    let (i, j, k) = (n % a, (n / a) % b, n / (a * b));
    let sep = if lang == 1 { "" } else { " " };
    format!("{}{sep}{}{sep}{}", v[0][i], v[1][j], v[2][k])
}

/// Approximate number of phrases in the core pack (items + drivers).
pub fn core_phrase_count() -> usize {
    let lists: [&PerLang; 14] = [
        &GREETING,
        &INTRODUCTION,
        &RECORDING,
        &VERIFY_ASK,
        &VERIFY_DONE,
        &GUARANTEE,
        &APOLOGY,
        &HOLD,
        &HOLD_THANKS,
        &REFUND_WORD,
        &BUSINESS_DAYS,
        &RUDE,
        &ANYTHING_ELSE,
        &FAREWELL,
    ];
    let items: usize = lists
        .iter()
        .map(|l| l.iter().map(|x| x.len()).sum::<usize>())
        .sum();
    let drivers: usize = DRIVERS
        .iter()
        .map(|d| d.phrases.iter().map(|x| x.len()).sum::<usize>())
        .sum();
    items + drivers
}

/// Scaling items at most: the phrases (and regexes) are shared among this many items,
/// so a 10 000-phrase pack measures the automaton, not a record with 170 more items.
const SCALE_ITEMS: usize = 8;

/// The regex of scaling regex item `i`: an order or ticket number with a fixed prefix.
pub(crate) fn scale_regex(i: usize) -> String {
    format!(
        r"\b(?:order|ticket|case)\s+(?:number\s+)?#?{}\d{{3}}\b",
        10 + i
    )
}

/// Write the pack into `dir`: `pack.toml`, `scorecard/*.toml`, `drivers.toml`,
/// `sentiment/*.toml`, and `scorecard/scale.toml` when `phrases` asks for more phrases
/// than the core pack has or `regexes > 0`.
pub fn write_pack(dir: &Path, phrases: usize, regexes: usize) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("scorecard"))?;
    std::fs::create_dir_all(dir.join("sentiment"))?;
    std::fs::write(dir.join("pack.toml"), PACK_TOML)?;
    std::fs::write(dir.join("scorecard/opening.toml"), opening())?;
    std::fs::write(dir.join("scorecard/compliance.toml"), compliance())?;
    std::fs::write(dir.join("scorecard/resolution.toml"), resolution())?;
    std::fs::write(dir.join("scorecard/closing.toml"), closing())?;
    std::fs::write(dir.join("drivers.toml"), drivers())?;
    std::fs::write(dir.join("sentiment/en.toml"), LEX_EN)?;
    std::fs::write(dir.join("sentiment/zh.toml"), LEX_ZH)?;
    std::fs::write(dir.join("sentiment/fa.toml"), LEX_FA)?;
    let extra = phrases.saturating_sub(core_phrase_count());
    let scale = dir.join("scorecard/scale.toml");
    if extra > 0 || regexes > 0 {
        std::fs::write(&scale, scale_items(extra, regexes))?;
    } else if scale.exists() {
        std::fs::remove_file(&scale)?;
    }
    Ok(())
}

const PACK_TOML: &str = r#"# Rule pack written by `callscore gen --rules-out`: the scorecard and driver taxonomy the
# generated corpus was planted against (see the truth file written beside the corpus).

[pack]
name = "callscore-gen"
version = "1.0.0"
description = "Synthetic-corpus pack: 11 core items in 4 sections, 10 drivers in 6 departments, en/zh/fa lexicons. Items in section `scale` are load only and not part of the truth."

[scoring]
auto_fail_score = 0
"#;

/// TOML list of all languages' phrases.
fn list(p: &PerLang) -> String {
    let all: Vec<String> = p
        .iter()
        .flat_map(|l| l.iter())
        .map(|s| toml_str(s))
        .collect();
    format!("[{}]", all.join(", "))
}

fn toml_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[allow(clippy::too_many_arguments)]
fn item_head(
    out: &mut String,
    id: &str,
    name: &str,
    section: &str,
    weight: u32,
    critical: bool,
    description: &str,
    examples: &[(&str, &str, f64, bool)],
) {
    let _ = writeln!(out, "\n[[item]]");
    let _ = writeln!(out, "id = {}", toml_str(id));
    let _ = writeln!(out, "name = {}", toml_str(name));
    let _ = writeln!(out, "description = {}", toml_str(description));
    let _ = writeln!(out, "section = {}", toml_str(section));
    let _ = writeln!(out, "weight = {weight}");
    let _ = writeln!(out, "critical = {critical}");
    if !examples.is_empty() {
        let _ = writeln!(out, "examples = [");
        for (text, speaker, at, hit) in examples {
            let _ = writeln!(
                out,
                "  {{ text = {}, speaker = {}, at = {at:.1}, expect = \"{}\" }},",
                toml_str(text),
                toml_str(speaker),
                if *hit { "hit" } else { "no-hit" }
            );
        }
        let _ = writeln!(out, "]");
    }
}

fn opening() -> String {
    let mut o = String::from("# Section: opening.\n");
    item_head(
        &mut o,
        "greeting",
        "Greets with the company name",
        "opening",
        10,
        false,
        "The agent names Acme in a turn that starts in the first 30 seconds.",
        &[
            ("Thank you for calling Acme.", "agent", 1.0, true),
            ("您好，感谢致电艾克美。", "agent", 1.0, true),
            ("سلام، به اکمه خوش آمدید.", "agent", 1.0, true),
            ("Thank you for calling Acme.", "agent", 45.0, false),
            ("Welcome to Acme.", "customer", 1.0, false),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.require]\nspeaker = \"agent\"\nwindow = {{ first_seconds = 30 }}\nany = {}",
        list(&GREETING)
    );
    item_head(
        &mut o,
        "introduction",
        "Agent introduces themself",
        "opening",
        6,
        false,
        "The agent gives their name within the first three turns of the conversation.",
        &[
            ("My name is Sarah.", "agent", 1.0, true),
            ("我是客服小李。", "agent", 1.0, true),
            ("اسم من رضا است.", "agent", 1.0, true),
            ("Hi, my name is John.", "customer", 5.0, false),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.require]\nspeaker = \"agent\"\nwindow = {{ first_turns = 3 }}\nany = {}",
        list(&INTRODUCTION)
    );
    o
}

fn compliance() -> String {
    let mut o = String::from("# Section: compliance.\n");
    item_head(
        &mut o,
        "recording_disclosure",
        "Discloses call recording (voice)",
        "compliance",
        12,
        false,
        "On voice calls the agent says the call is recorded in a turn starting in the first minute.",
        &[
            (
                "This call may be recorded for quality purposes.",
                "agent",
                5.0,
                true,
            ),
            ("本次通话将被录音。", "agent", 5.0, true),
            ("این تماس ضبط می‌شود.", "agent", 5.0, true),
            ("This call may be recorded.", "agent", 90.0, false),
            ("Wait, this call is recorded?", "customer", 10.0, false),
        ],
    );
    let _ = writeln!(
        o,
        "applies_when = {{ meta = {{ channel = \"voice\" }} }}\n\n[item.require]\nspeaker = \"agent\"\nwindow = {{ first_seconds = 60 }}\nany = {}",
        list(&RECORDING)
    );
    item_head(
        &mut o,
        "verification",
        "Verifies identity before confirming it",
        "compliance",
        10,
        false,
        "The agent asks to verify the customer's identity and later confirms it, in that order.",
        &[
            (
                "I need to verify your identity first. Thank you, you are verified.",
                "agent",
                20.0,
                true,
            ),
            (
                "Thank you, you are verified. I need to verify your identity.",
                "agent",
                20.0,
                false,
            ),
            (
                "为了核实您的身份，请提供姓名。好的，身份已核实。",
                "agent",
                20.0,
                true,
            ),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.require]\nspeaker = \"agent\"\nbefore = {{ first = {}, then = {} }}",
        list(&VERIFY_ASK),
        list(&VERIFY_DONE)
    );
    item_head(
        &mut o,
        "no_guarantee",
        "No guarantees",
        "compliance",
        15,
        true,
        "The agent never guarantees an outcome; saying so auto-fails the call.",
        &[
            ("I guarantee it will be fixed tonight.", "agent", 30.0, true),
            ("我保证明天就能解决。", "agent", 30.0, true),
            ("I guarantee you I paid that bill.", "customer", 30.0, false),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.forbid]\nspeaker = \"agent\"\nany = {}",
        list(&GUARANTEE)
    );
    o
}

fn resolution() -> String {
    let mut o = String::from("# Section: resolution.\n");
    item_head(
        &mut o,
        "empathy",
        "Apologises at least twice",
        "resolution",
        8,
        false,
        "The agent apologises for the trouble at least twice in the conversation.",
        &[
            (
                "I'm sorry about that. I apologize for the trouble.",
                "agent",
                20.0,
                true,
            ),
            ("I'm sorry about that.", "agent", 20.0, false),
            ("非常抱歉。真是抱歉。", "agent", 20.0, true),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.require]\nspeaker = \"agent\"\nmin_count = 2\nany = {}",
        list(&APOLOGY)
    );
    item_head(
        &mut o,
        "hold_thanks",
        "Thanks the customer for holding",
        "resolution",
        5,
        false,
        "When the agent puts the customer on hold, they thank them for holding afterwards.",
        &[("Thank you for holding.", "agent", 90.0, true)],
    );
    let _ = writeln!(
        o,
        "applies_when = {{ any = {}, speaker = \"agent\" }}\n\n[item.require]\nspeaker = \"agent\"\nany = {}",
        list(&HOLD),
        list(&HOLD_THANKS)
    );
    item_head(
        &mut o,
        "refund_timeline",
        "Gives the refund timeline",
        "resolution",
        8,
        false,
        "On refund calls the agent says how many business days the refund takes.",
        &[
            (
                "The refund takes 5 to 7 business days.",
                "agent",
                60.0,
                true,
            ),
            ("退款将在3到5个工作日内到账。", "agent", 60.0, true),
            (
                "The refund is approved on our side, and the bank usually needs some extra time, so count on about ten business days.",
                "agent",
                60.0,
                false,
            ),
        ],
    );
    let _ = writeln!(
        o,
        "applies_when = {{ driver = \"billing/refund\" }}\n\n[item.require]\nspeaker = \"agent\"\nnear = {{ a = {}, b = {}, within = 8 }}",
        list(&REFUND_WORD),
        list(&BUSINESS_DAYS)
    );
    item_head(
        &mut o,
        "no_rudeness",
        "No dismissive language",
        "resolution",
        6,
        false,
        "The agent does not tell the customer to calm down.",
        &[
            ("Sir, you need to calm down.", "agent", 30.0, true),
            ("Okay, I will calm down.", "customer", 30.0, false),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.forbid]\nspeaker = \"agent\"\nany = {}",
        list(&RUDE)
    );
    o
}

fn closing() -> String {
    let mut o = String::from("# Section: closing.\n");
    item_head(
        &mut o,
        "anything_else",
        "Offers further help at the end",
        "closing",
        6,
        false,
        "In the last four turns the agent asks whether there is anything else.",
        &[
            (
                "Is there anything else I can help you with?",
                "agent",
                100.0,
                true,
            ),
            ("请问还有什么可以帮您的吗？", "agent", 100.0, true),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.require]\nspeaker = \"agent\"\nwindow = {{ last_turns = 4 }}\nany = {}",
        list(&ANYTHING_ELSE)
    );
    item_head(
        &mut o,
        "farewell",
        "Closes with the company name",
        "closing",
        6,
        false,
        "In the last two turns the agent thanks the customer for choosing Acme.",
        &[
            (
                "Thank you for choosing Acme, have a nice day.",
                "agent",
                100.0,
                true,
            ),
            ("感谢您选择艾克美，再见。", "agent", 100.0, true),
        ],
    );
    let _ = writeln!(
        o,
        "\n[item.require]\nspeaker = \"agent\"\nwindow = {{ last_turns = 2 }}\nany = {}",
        list(&FAREWELL)
    );
    o
}

fn drivers() -> String {
    let mut o = String::from(
        "# Contact drivers: customer phrases only; no phrase is shared by two drivers.\n",
    );
    for (id, name, cost) in DEPARTMENTS {
        let _ = writeln!(
            o,
            "\n[[department]]\nid = {}\nname = {}\ncost_per_hour = {cost:.1}",
            toml_str(id),
            toml_str(name)
        );
    }
    for d in &DRIVERS {
        let _ = writeln!(
            o,
            "\n[[driver]]\nid = {}\nname = {}\ndepartment = {}\nexamples = [{{ text = {}, expect = \"hit\" }}]\nwhen = {{ any = {}, speaker = \"customer\" }}",
            toml_str(d.id),
            toml_str(d.name),
            toml_str(d.department),
            toml_str(d.phrases[0][0]),
            list(&d.phrases)
        );
    }
    o
}

fn scale_items(extra_phrases: usize, regexes: usize) -> String {
    let mut o = String::from(
        "# Section: scale — load-testing items written by `callscore gen --phrases/--regexes`.\n# Require-only, referenced by nothing; not part of the truth file.\n",
    );
    let per_item = extra_phrases.div_ceil(SCALE_ITEMS).max(1);
    let items = extra_phrases.div_ceil(per_item);
    let mut next = [0usize; 3];
    let mut left = extra_phrases;
    for i in 0..items {
        let n = left.min(per_item);
        left -= n;
        let mut phrases = Vec::with_capacity(n);
        for k in 0..n {
            let lang = (i + k) % 3;
            let cap = scale_capacity(lang);
            // Past the capacity, phrases get a distinguishing numeric suffix.
            let p = if next[lang] < cap {
                scale_phrase(lang, next[lang])
            } else {
                format!(
                    "{} {}",
                    scale_phrase(lang, next[lang]),
                    next[lang] / cap + 1
                )
            };
            next[lang] += 1;
            phrases.push(toml_str(&p));
        }
        let _ = writeln!(
            o,
            "\n[[item]]\nid = \"scale/p{i:05}\"\nname = \"Mentions product group {i}\"\nsection = \"scale\"\nweight = 1\n\n[item.require]\nany = [{}]",
            phrases.join(", ")
        );
    }
    let per_item = regexes.div_ceil(SCALE_ITEMS).max(1);
    for (i, start) in (0..regexes).step_by(per_item).enumerate() {
        let list: Vec<String> = (start..(start + per_item).min(regexes))
            .map(|r| format!("'{}'", scale_regex(r)))
            .collect();
        let _ = writeln!(
            o,
            "\n[[item]]\nid = \"scale/r{i:05}\"\nname = \"Quotes a reference of range {i}\"\nsection = \"scale\"\nweight = 1\n\n[item.require]\nregex = [{}]",
            list.join(", ")
        );
    }
    o
}

const LEX_EN: &str = r#"# English sentiment lexicon (small).
[lexicon]
language = "en"
negators = ["not", "never", "no"]
negation_window = 3
intensifiers = { very = 1.5, really = 1.3, "a bit" = 0.7 }
contrast = ["but", "however"]

[lexicon.terms]
"happy" = 2.0
"satisfied" = 2.0
"great" = 2.5
"thanks" = 1.5
"perfect" = 2.5
"frustrated" = -2.0
"annoyed" = -2.0
"angry" = -3.0
"terrible" = -3.0
"unacceptable" = -3.0
"disappointed" = -2.5
"#;

const LEX_ZH: &str = r#"# Chinese sentiment lexicon (small). 不满意 is listed whole.
[lexicon]
language = "zh"
negators = ["不", "没有"]
negation_window = 3
intensifiers = { "非常" = 1.6, "太" = 1.5, "有点" = 0.7 }
contrast = ["但是", "不过"]

[lexicon.terms]
"满意" = 2.0
"不满意" = -2.5
"开心" = 2.0
"谢谢" = 2.0
"太好了" = 3.0
"生气" = -3.0
"失望" = -2.5
"糟糕" = -3.0
"#;

const LEX_FA: &str = r#"# Persian sentiment lexicon (small). Negation follows the verb in Persian, so the
# negated forms are listed whole.
[lexicon]
language = "fa"
negators = ["هرگز"]
negation_window = 3
intensifiers = { "خیلی" = 1.5, "واقعا" = 1.4 }
contrast = ["اما", "ولی"]

[lexicon.terms]
"راضی" = 2.0
"راضی نیستم" = -2.5
"خوشحالم" = 2.0
"ممنون" = 1.5
"عالی" = 2.5
"عصبانی" = -3.0
"ناامید" = -2.5
"افتضاح" = -3.0
"#;

impl Lang {
    /// Index into [`PerLang`] arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}
