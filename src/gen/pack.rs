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

mod files;

use super::Lang;
pub use files::write_pack;

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

impl Lang {
    /// Index into [`PerLang`] arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}
