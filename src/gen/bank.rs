//! Sentence banks per language: what agents and customers say.
//!
//! Two kinds of sentences:
//! - **planted** sentences contain exactly one phrase of one core item or driver
//!   (the lists in [`super::pack`]); they are only used where the plan wants that hit;
//! - **filler** sentences contain no core phrase at all (checked by the unit tests of
//!   [`super::script`] with the engine's own matcher, also across sentence boundaries).
//!
//! Placeholders: `{a}` agent name, `{c}` customer name, `{p}` product name (a scaling
//! phrase), `{n}` a five-digit order number.

/// One language's sentences.
pub(crate) struct Bank {
    /// Sentence separator (`" "`, or `""` for Chinese).
    pub sep: &'static str,
    /// Agents: (id, spoken name).
    pub agents: &'static [(&'static str, &'static str)],
    /// Customer names.
    pub customers: &'static [&'static str],
    /// Greeting with the company name (planted: `greeting`).
    pub greeting: &'static [&'static str],
    /// Greeting without the company name (filler).
    pub hello: &'static [&'static str],
    /// Company-name greeting said late (planted, outside the window).
    pub greeting_late: &'static [&'static str],
    /// Agent introduction (planted: `introduction`).
    pub intro: &'static [&'static str],
    /// Introduction later in the call (planted, outside the window).
    pub intro_late: &'static [&'static str],
    /// The customer says the introduction phrase (wrong speaker); may be empty.
    pub intro_customer: &'static [&'static str],
    /// Recording disclosure (planted).
    pub recording: &'static [&'static str],
    /// Recording disclosure said late.
    pub recording_late: &'static [&'static str],
    /// The customer says the recording phrase.
    pub recording_customer: &'static [&'static str],
    /// Agent offers help at the start (filler).
    pub offer_help: &'static [&'static str],
    /// Customer hello (filler).
    pub customer_hello: &'static [&'static str],
    /// Verification ask (planted `before.first`).
    pub verify_ask: &'static [&'static str],
    /// Verification ask late in the call (planted).
    pub verify_ask_late: &'static [&'static str],
    /// Customer's identity answer (filler).
    pub verify_answer: &'static [&'static str],
    /// Verification confirmation (planted `before.then`).
    pub verify_done: &'static [&'static str],
    /// Agent looks up the account without verification talk (filler).
    pub verify_skip: &'static [&'static str],
    /// Apologies (planted `empathy`), one phrase each.
    pub apology: &'static [&'static str],
    /// Hold announcement (planted: makes `hold_thanks` apply).
    pub hold: &'static [&'static str],
    /// Customer accepts the hold (filler).
    pub hold_ok: &'static [&'static str],
    /// Thanks for holding (planted).
    pub hold_thanks: &'static [&'static str],
    /// Back from hold without thanks (filler).
    pub hold_back: &'static [&'static str],
    /// Customer asks when the money comes back (filler).
    pub refund_ask: &'static [&'static str],
    /// Refund timeline within 8 words (planted `near`).
    pub refund_pass: &'static [&'static str],
    /// Refund and business days too far apart.
    pub refund_far: &'static [&'static str],
    /// Vague answer, no timeline (filler).
    pub refund_vague: &'static [&'static str],
    /// The customer states the timeline (wrong speaker).
    pub refund_customer: &'static [&'static str],
    /// Agent confirms with no timeline words (filler).
    pub refund_confirm: &'static [&'static str],
    /// Forbidden guarantee (planted).
    pub guarantee: &'static [&'static str],
    /// The customer says the guarantee phrase.
    pub guarantee_customer: &'static [&'static str],
    /// Rudeness (planted).
    pub rude: &'static [&'static str],
    /// The customer says the rude phrase; may be empty.
    pub rude_customer: &'static [&'static str],
    /// Offer of further help (planted `anything_else`).
    pub anything_else: &'static [&'static str],
    /// Customer has no further question (filler).
    pub no_thanks: &'static [&'static str],
    /// Customer has one more question (filler).
    pub mid_more: &'static [&'static str],
    /// Farewell with company name (planted).
    pub farewell: &'static [&'static str],
    /// Farewell without company name (filler).
    pub closing_plain: &'static [&'static str],
    /// Customer's goodbye (filler).
    pub bye: &'static [&'static str],
    /// Customer wraps up (filler).
    pub wrap_customer: &'static [&'static str],
    /// Agent wraps up (filler).
    pub agent_wrap: &'static [&'static str],
    /// Customer sentences per driver (pack order), one driver phrase each.
    pub driver_sents: [&'static [&'static str]; 10],
    /// Agent replies per driver topic (filler).
    pub driver_replies: [&'static [&'static str]; 10],
    /// Generic exchanges (customer, agent), filler.
    pub filler: &'static [(&'static str, &'static str)],
    /// Customer is pleased (filler; positive sentiment).
    pub happy: &'static [&'static str],
    /// Customer is unhappy, often negated ("not happy") (filler; negative sentiment).
    pub unhappy: &'static [&'static str],
}

/// English.
pub(crate) const EN: Bank = Bank {
    sep: " ",
    agents: &[
        ("sarah.jones", "Sarah"),
        ("tom.baker", "Tom"),
        ("emily.davis", "Emily"),
        ("daniel.kim", "Daniel"),
        ("priya.shah", "Priya"),
        ("marcus.lee", "Marcus"),
        ("olivia.brown", "Olivia"),
        ("james.wilson", "James"),
    ],
    customers: &[
        "John Carter",
        "Maria Lopez",
        "Ben Cho",
        "Rachel Green",
        "Tariq Hussain",
        "Anna Novak",
        "Sam Reyes",
        "Laura Smith",
        "Peter Wong",
        "Grace Miller",
    ],
    greeting: &[
        "Thank you for calling Acme.",
        "Welcome to Acme customer care.",
        "Good morning, thank you for calling Acme.",
    ],
    hello: &["Hello.", "Good morning.", "Hi there."],
    greeting_late: &[
        "By the way, thank you for calling Acme today.",
        "And welcome to Acme, I should have said that earlier.",
    ],
    intro: &[
        "My name is {a}.",
        "My name is {a}, and I will be looking after you today.",
    ],
    intro_late: &["By the way, my name is {a}, in case you need to call back."],
    intro_customer: &["Hi, my name is {c}."],
    recording: &[
        "This call may be recorded for quality purposes.",
        "Please note this call is recorded for training.",
    ],
    recording_late: &["I should mention that this call may be recorded."],
    recording_customer: &["Wait, this call is recorded?"],
    offer_help: &["How can I help you today?", "What can I do for you?"],
    customer_hello: &["Hi.", "Hello there.", "Hi, good morning."],
    verify_ask: &[
        "Before we go on, I need to verify your identity. Could you give me your full name and date of birth?",
        "To verify your identity, can you confirm the account holder's name and the last four digits of your phone number?",
    ],
    verify_ask_late: &["One more thing, I still need to verify your identity for the record."],
    verify_answer: &[
        "Sure, it's {c}, born March 3rd, 1985.",
        "Yes, {c}, and the last four digits are 4471.",
    ],
    verify_done: &[
        "Thank you, you are verified.",
        "Great, you are verified now.",
    ],
    verify_skip: &[
        "Okay, let me pull up your account.",
        "Alright, I have your account in front of me.",
    ],
    apology: &[
        "I'm sorry about that.",
        "I apologize for the inconvenience.",
        "I'm sorry for the trouble this has caused.",
    ],
    hold: &[
        "Let me put you on hold for a moment while I check.",
        "I'm going to put you on hold for a minute.",
    ],
    hold_ok: &["Sure, no problem.", "Okay."],
    hold_thanks: &[
        "Thank you for holding.",
        "Thank you for holding, I have the details now.",
    ],
    hold_back: &["Okay, I'm back.", "Right, I have the details now."],
    refund_ask: &[
        "How long will it take to get the money?",
        "When will I see the money on my card?",
    ],
    refund_pass: &[
        "The refund takes 5 to 7 business days.",
        "Your refund should reach your card within 3 business days.",
    ],
    refund_far: &[
        "The refund is approved on our side, and the bank usually needs some extra time, so count on about ten business days.",
    ],
    refund_vague: &[
        "It has been processed, you will see it soon.",
        "It's on its way to your card.",
    ],
    refund_customer: &["So the refund takes 5 to 7 business days?"],
    refund_confirm: &["Yes, that's right.", "Exactly."],
    guarantee: &[
        "I guarantee this will be fixed by tomorrow.",
        "I guarantee you won't see that charge again.",
    ],
    guarantee_customer: &["I guarantee you I paid that bill on time."],
    rude: &[
        "Sir, you need to calm down.",
        "Please calm down and let me finish.",
    ],
    rude_customer: &["Okay, okay, I'll calm down."],
    anything_else: &[
        "Is there anything else I can help you with?",
        "Is there anything else I can help with today?",
    ],
    no_thanks: &["No, that's all, thanks.", "No, that was everything."],
    mid_more: &[
        "Actually, yes, one more thing.",
        "Yes, actually, there's something else.",
    ],
    farewell: &[
        "Thank you for choosing Acme, have a great day.",
        "Thank you for choosing Acme. Goodbye.",
    ],
    closing_plain: &["Have a great day.", "Take care, goodbye."],
    bye: &["Bye.", "Thanks, bye.", "You too, bye."],
    wrap_customer: &[
        "Okay, that makes sense.",
        "Alright, good to know.",
        "Great, that's what I needed.",
    ],
    agent_wrap: &[
        "Alright, that's all done on my side.",
        "Okay, everything is updated.",
    ],
    driver_sents: [
        &[
            "I want a refund for last month's fee.",
            "I would like to get my money back for that order.",
        ],
        &[
            "I was charged twice for the same month.",
            "There's a wrong charge on my statement.",
        ],
        &[
            "My internet is down since this morning.",
            "There is no connection at all at my place.",
        ],
        &[
            "My internet is very slow in the evenings.",
            "The video keeps buffering every few minutes.",
        ],
        &[
            "My package has not arrived yet.",
            "My order is late by a week now.",
        ],
        &[
            "The phone arrived damaged.",
            "The screen is cracked right out of the box.",
        ],
        &[
            "I want to cancel my contract.",
            "Please cancel my subscription at the end of the month.",
        ],
        &[
            "I'd like to upgrade my plan.",
            "I'm looking for a faster package.",
        ],
        &[
            "I need to reset my password.",
            "I'm locked out of my account since yesterday.",
        ],
        &[
            "I need to change my address.",
            "I moved to a new apartment last week.",
        ],
    ],
    driver_replies: [
        &[
            "I can see the payment, let me process that for you.",
            "That fee should not be there, I'll reverse it.",
        ],
        &[
            "I can see two identical payments, I'll remove the duplicate.",
            "Let me check the statement line by line.",
        ],
        &[
            "There is a fault in your area, our technicians are on it.",
            "I'm running a line test on your connection now.",
        ],
        &[
            "Let me run a speed test from our side.",
            "I'll reset your line profile, that usually helps.",
        ],
        &[
            "The courier shows it at the local depot.",
            "I've asked the courier to prioritise your parcel.",
        ],
        &[
            "We will send a replacement straight away.",
            "Please keep the box, the courier will collect it.",
        ],
        &[
            "I can arrange that, there is no early termination fee.",
            "Before I do that, can I offer you a discount?",
        ],
        &[
            "The next tier gives you three times the speed.",
            "I can switch you over from the next billing cycle.",
        ],
        &[
            "I've sent a reset link to your email.",
            "I've unlocked the account, please try again.",
        ],
        &[
            "I've updated the address on your account.",
            "The new address will be used from your next bill.",
        ],
    ],
    filler: &[
        (
            "It started a few days ago.",
            "Thanks, that helps me narrow it down.",
        ),
        (
            "I already tried restarting everything.",
            "Good, that saves us a step.",
        ),
        (
            "Can you check my last invoice as well?",
            "Sure, your last invoice looks normal.",
        ),
        (
            "Will this affect my next bill?",
            "No, your next bill stays the same.",
        ),
        (
            "I've been a customer for six years.",
            "Thank you, we appreciate that.",
        ),
        (
            "Do I need to do anything on my side?",
            "No, nothing else is needed from you.",
        ),
        (
            "Can you send me a confirmation by email?",
            "Yes, I'll send a summary to your email.",
        ),
        (
            "Is there a reference number for this?",
            "Yes, your reference is in the confirmation message.",
        ),
        (
            "My neighbour said the same thing happened to her.",
            "That's useful to know, thank you.",
        ),
        (
            "How long will this take?",
            "It should be done within the hour.",
        ),
        (
            "I'm on the {p} plan, if that matters.",
            "Thanks, I can see that on your account.",
        ),
        ("My order number is {n}.", "Got it, I have the order here."),
    ],
    happy: &[
        "I'm really happy with that, thanks.",
        "That's great, thanks.",
    ],
    unhappy: &[
        "I'm not happy with this at all.",
        "Honestly, I'm really frustrated.",
        "This is unacceptable.",
    ],
};

/// Simplified Chinese.
pub(crate) const ZH: Bank = Bank {
    sep: "",
    agents: &[
        ("li.wei", "小李"),
        ("zhang.min", "小张"),
        ("wang.fang", "小王"),
        ("chen.jie", "小陈"),
        ("liu.yang", "小刘"),
        ("zhao.lei", "小赵"),
        ("yang.xue", "小杨"),
        ("zhou.qing", "小周"),
    ],
    customers: &[
        "王芳", "郑浩", "刘洋", "陈静", "杨帆", "赵敏", "孙磊", "周婷", "吴刚", "徐丽",
    ],
    greeting: &["您好，感谢致电艾克美。", "您好，欢迎致电艾克美。"],
    hello: &["您好。", "你好。"],
    greeting_late: &["对了，感谢致电艾克美。"],
    intro: &["我是客服{a}。", "我是客服{a}，很高兴为您服务。"],
    intro_late: &["忘了说，我是客服{a}，有需要可以再找我。"],
    intro_customer: &[],
    recording: &["本次通话将被录音。", "温馨提示，通话可能会被录音。"],
    recording_late: &["另外提醒您，本次通话将被录音。"],
    recording_customer: &["等一下，通话可能会被录音吗？"],
    offer_help: &["请问有什么可以帮您？", "请问您遇到了什么问题？"],
    customer_hello: &["你好。", "您好。"],
    verify_ask: &["为了核实您的身份，请提供您的姓名和手机号后四位。"],
    verify_ask_late: &["另外，按规定我还需要核实您的身份。"],
    verify_answer: &["我叫{c}，后四位是3821。", "{c}，手机尾号6657。"],
    verify_done: &["好的，身份已核实。", "谢谢，身份已核实。"],
    verify_skip: &["好的，我帮您查一下账户。"],
    apology: &["非常抱歉。", "真是抱歉，给您添麻烦了。"],
    hold: &["请您稍等片刻，我帮您查询一下。"],
    hold_ok: &["好的。", "行，我等一下。"],
    hold_thanks: &["感谢您的耐心等待。"],
    hold_back: &["好的，查到了。"],
    refund_ask: &["钱什么时候能回来？"],
    refund_pass: &["退款将在3到5个工作日内到账。"],
    refund_far: &["退款已经在系统里提交成功了，银行那边处理还需要一些时间，一般十个工作日左右。"],
    refund_vague: &["已经帮您处理了，请留意到账信息。"],
    refund_customer: &["所以退款要3到5个工作日吗？"],
    refund_confirm: &["是的，没错。"],
    guarantee: &["我保证明天就能解决。", "这个我保证不会再出现了。"],
    guarantee_customer: &["我保证我是按时交的费。"],
    rude: &["您先冷静一点。", "请您冷静一点，听我说完。"],
    rude_customer: &["好吧，我冷静一点。"],
    anything_else: &["请问还有什么可以帮您的吗？"],
    no_thanks: &["没有了，谢谢。", "没别的了。"],
    mid_more: &["其实还有一个问题。"],
    farewell: &[
        "感谢您选择艾克美，祝您生活愉快。",
        "感谢您选择艾克美，再见。",
    ],
    closing_plain: &["祝您生活愉快，再见。"],
    bye: &["再见。", "好的，拜拜。"],
    wrap_customer: &["好的，明白了。", "行，知道了。"],
    agent_wrap: &["好的，这边都处理好了。"],
    driver_sents: [
        &["我要退款，上个月的费用不对。", "请把钱退给我。"],
        &["这个月重复扣费了。", "你们扣错钱了。"],
        &["家里网络断了，从早上开始。", "现在完全上不了网。"],
        &["晚上网速很慢。", "看视频一直在缓冲。"],
        &["我的快递还没到。", "包裹一直没收到。"],
        &["收到的商品坏了。", "外包装破损，里面也有划痕。"],
        &["我想取消合约。", "我要注销这个套餐。"],
        &["我想升级套餐。", "有没有更快的宽带？"],
        &["我需要重置密码。", "我的账号被锁了。"],
        &["我想修改地址。", "我搬到新家了，要改一下信息。"],
    ],
    driver_replies: [
        &[
            "这笔费用我帮您申请退回。",
            "我看到这笔扣费了，马上帮您处理。",
        ],
        &["我看到有两笔相同的扣款，帮您撤销一笔。"],
        &["您所在区域有线路故障，技术人员正在抢修。"],
        &["我帮您做一下线路检测。"],
        &["快递目前在本地网点，今天会派送。"],
        &["我们马上给您补发一个新的。"],
        &["可以的，提前解约不收违约金。"],
        &["下一档的速度是现在的三倍。"],
        &["重置链接已经发到您的邮箱了。"],
        &["新地址已经帮您更新好了。"],
    ],
    filler: &[
        ("大概是三天前开始的。", "好的，这个信息很有用。"),
        ("我已经重启过路由器了。", "好的，那我们可以跳过这一步。"),
        ("下个月的账单会受影响吗？", "不会，下个月的账单不变。"),
        ("我用了你们六年了。", "感谢您一直以来的支持。"),
        ("我需要做什么吗？", "不需要，您这边不用做任何操作。"),
        ("能给我发个确认短信吗？", "可以，稍后会发送短信给您。"),
        ("有没有受理编号？", "有的，编号会在短信里。"),
        (
            "我邻居也遇到了同样的问题。",
            "明白，这个情况我们会一起记录。",
        ),
        ("我用的是{p}，不知道有没有关系。", "好的，我这边看到了。"),
        ("我的订单号是{n}。", "收到，订单我查到了。"),
    ],
    happy: &["太好了，谢谢。", "我很满意，谢谢。"],
    unhappy: &["我对这个服务很不满意。", "我真的很生气。", "太让人失望了。"],
};

/// Persian.
pub(crate) const FA: Bank = Bank {
    sep: " ",
    agents: &[
        ("reza.ahmadi", "رضا"),
        ("maryam.karimi", "مریم"),
        ("ali.rostami", "علی"),
        ("niloufar.moradi", "نیلوفر"),
        ("sara.hosseini", "سارا"),
        ("hossein.jafari", "حسین"),
        ("zahra.amini", "زهرا"),
        ("amir.sadeghi", "امیر"),
    ],
    customers: &[
        "مینا کاظمی",
        "بهرام نوری",
        "لیلا صالحی",
        "کاوه مرادی",
        "شیرین رحیمی",
        "پرویز قاسمی",
        "نسرین باقری",
        "فرهاد زمانی",
        "الهام یوسفی",
        "داریوش کریمی",
    ],
    greeting: &[
        "سلام، با تشکر از تماس شما با اکمه.",
        "سلام، به اکمه خوش آمدید.",
    ],
    hello: &["سلام.", "سلام، وقت بخیر."],
    greeting_late: &["راستی، به اکمه خوش آمدید."],
    intro: &["اسم من {a} است.", "اسم من {a} است و در خدمت شما هستم."],
    intro_late: &["راستی اسم من {a} است، اگر دوباره تماس گرفتید."],
    intro_customer: &["سلام، اسم من {c} است."],
    recording: &[
        "این تماس ضبط می‌شود.",
        "لطفا توجه کنید که این مکالمه ضبط می‌شود.",
    ],
    recording_late: &["یادم رفت بگویم، این تماس ضبط می‌شود."],
    recording_customer: &["ببخشید، این تماس ضبط می‌شود؟"],
    offer_help: &["چطور می‌توانم کمکتان کنم؟", "در خدمتم، بفرمایید."],
    customer_hello: &["سلام.", "سلام، وقت بخیر."],
    verify_ask: &["برای احراز هویت، لطفا نام کامل و چهار رقم آخر کد ملی خود را بفرمایید."],
    verify_ask_late: &["یک نکته، طبق مقررات هنوز باید احراز هویت انجام شود."],
    verify_answer: &["{c}، چهار رقم آخر ۳۹۵۰.", "بله، {c} هستم، رقم‌های آخر ۷۱۲۴."],
    verify_done: &["ممنون، هویت شما تایید شد.", "بسیار خب، هویت شما تایید شد."],
    verify_skip: &["بسیار خب، حسابتان را باز می‌کنم."],
    apology: &["واقعا متاسفم.", "بابت این مشکل عذرخواهی می‌کنم."],
    hold: &["لطفا چند لحظه منتظر بمانید تا بررسی کنم."],
    hold_ok: &["باشه.", "بله، منتظر می‌مانم."],
    hold_thanks: &["ممنون از صبر شما."],
    hold_back: &["بسیار خب، اطلاعات را پیدا کردم."],
    refund_ask: &["کی پول به حسابم برمی‌گردد؟"],
    refund_pass: &["بازپرداخت ظرف ۳ تا ۵ روز کاری انجام می‌شود."],
    refund_far: &[
        "بازپرداخت در سیستم ثبت شد و بانک معمولا برای انجام آن زمان بیشتری لازم دارد، حدود ده روز کاری.",
    ],
    refund_vague: &["انجام شد، به زودی به حسابتان واریز می‌شود."],
    refund_customer: &["یعنی بازپرداخت ۳ تا ۵ روز کاری طول می‌کشد؟"],
    refund_confirm: &["بله، دقیقا."],
    guarantee: &[
        "تضمین می‌کنم تا فردا حل شود.",
        "تضمین می‌کنم دیگر تکرار نشود.",
    ],
    guarantee_customer: &["تضمین می‌کنم که قبض را به موقع پرداخت کردم."],
    rude: &["لطفا آرام باشید و بگذارید حرفم را بزنم."],
    rude_customer: &[],
    anything_else: &["آیا کار دیگری هست که بتوانم برایتان انجام دهم؟"],
    no_thanks: &["نه، ممنون.", "نه، همین بود."],
    mid_more: &["راستش بله، یک سوال دیگر هم دارم."],
    farewell: &["از اینکه اکمه را انتخاب کردید سپاسگزاریم، روز خوبی داشته باشید."],
    closing_plain: &["روز خوبی داشته باشید."],
    bye: &["خداحافظ.", "ممنون، خداحافظ."],
    wrap_customer: &["بسیار خب، متوجه شدم.", "خوب است، ممنون."],
    agent_wrap: &["بسیار خب، همه چیز از طرف ما انجام شد."],
    driver_sents: [
        &[
            "لطفا پولم را برگردانید.",
            "برای این سفارش درخواست استرداد وجه دارم.",
        ],
        &[
            "این ماه مبلغ دو بار کسر شده.",
            "از حسابم مبلغ اشتباه کسر شده.",
        ],
        &["از صبح اینترنت قطع است.", "مودم اصلا وصل نمی‌شود."],
        &[
            "شب‌ها سرعت اینترنت خیلی کم است.",
            "ویدیو مدام قطع و وصل می‌شود.",
        ],
        &["سفارشم هنوز نرسیده.", "بسته به دستم نرسیده."],
        &["گوشی خراب رسیده.", "جعبه آسیب دیده بود."],
        &["لطفا قراردادم را لغو کنید.", "می‌خواهم اشتراکم را لغو کنید."],
        &["برای ارتقای بسته تماس گرفتم.", "سرعت بالاتر می‌خواهم."],
        &["رمز عبورم را فراموش کردم.", "حسابم قفل شده."],
        &["برای تغییر آدرس تماس گرفتم.", "به خانه جدید نقل مکان کردم."],
    ],
    driver_replies: [
        &["این مبلغ را برایتان برگشت می‌زنم."],
        &["دو پرداخت یکسان می‌بینم، یکی را حذف می‌کنم."],
        &["در منطقه شما خرابی وجود دارد و همکاران فنی مشغول رفع آن هستند."],
        &["یک تست سرعت از سمت خودمان انجام می‌دهم."],
        &["بسته در انبار محلی است و امروز ارسال می‌شود."],
        &["یک مورد جدید برایتان ارسال می‌کنیم."],
        &["انجام می‌شود، هزینه فسخ زودهنگام ندارد."],
        &["طرح بعدی سه برابر سرعت دارد."],
        &["لینک بازیابی به ایمیل شما ارسال شد."],
        &["آدرس جدید در حساب شما ثبت شد."],
    ],
    filler: &[
        ("از سه روز پیش شروع شد.", "ممنون، این اطلاعات کمک می‌کند."),
        (
            "مودم را خاموش و روشن کردم.",
            "خوب است، پس این مرحله لازم نیست.",
        ),
        (
            "قبض ماه بعد تغییر می‌کند؟",
            "خیر، قبض ماه بعد تغییری نمی‌کند.",
        ),
        ("شش سال است مشتری شما هستم.", "ممنون از همراهی شما."),
        ("لازم است کاری انجام بدهم؟", "خیر، از طرف شما کاری لازم نیست."),
        ("می‌شود پیامک بفرستید؟", "بله، پیامک برایتان ارسال می‌شود."),
        ("شماره پیگیری دارد؟", "بله، شماره پیگیری در پیامک است."),
        ("من طرح {p} دارم.", "بله، در حساب شما می‌بینم."),
        ("شماره سفارشم {n} است.", "بله، سفارش را پیدا کردم."),
    ],
    happy: &["خیلی خوشحالم، ممنون.", "عالی است، ممنون."],
    unhappy: &[
        "من اصلا راضی نیستم.",
        "واقعا عصبانی هستم.",
        "خیلی ناامید شدم.",
    ],
};
