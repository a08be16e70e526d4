//! The article's words, pinned: the built-in Russian playbook, the segment
//! names and profile figures and the tier floors against the article
//! «Приоритизация партнеров: обороты, кризисы, потенциал», quoted below
//! word for word (its lines, with its own `․` sentence ends and `е` for
//! `ё`). Where the crate words a thing differently on purpose, the test says
//! how and why; anything else that drifts from the article fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use partner_priority::lang::{Catalogue, Russian};
use partner_priority::rust_decimal::Decimal;
use partner_priority::strategy::Playbook;
use partner_priority::tier::TierPolicy;
use partner_priority::{Segment, Tier};

/// "Уровни сегментации", lines 15–18 of the article.
const SEGMENTS: [&str; 4] = [
    "  1. «A» – Ключевые партнеры (20% партнеров, 80% оборота): Это партнеры, генерирующие наибольшую долю прибыли․ Они требуют максимального внимания, индивидуального подхода и эксклюзивных условий сотрудничества․ Регулярные встречи, совместное планирование маркетинговых кампаний и приоритетная поддержка – ключевые элементы работы с этой группой․",
    "  2. «B» – Важные партнеры (30% партнеров, 15% оборота): Эти партнеры демонстрируют стабильный, хотя и меньший, вклад в общий оборот․ Они обладают потенциалом роста и требуют регулярного мониторинга и поддержки․ Предоставление дополнительных маркетинговых материалов, обучение и участие в совместных мероприятиях могут стимулировать их развитие․",
    "  3. «C» – Перспективные партнеры (40% партнеров, 5% оборота): Это новые или развивающиеся партнерства с небольшим текущим оборотом, но с высоким потенциалом․ Им необходима активная поддержка, обучение и мотивация․ Предоставление льготных условий, помощь в разработке стратегии продаж и регулярный анализ результатов помогут им выйти на новый уровень․",
    "  4. «D» – Пассивные партнеры (10% партнеров, менее 1% оборота): Эти партнеры практически не генерируют оборот и требуют анализа причин․ Возможно, они не соответствуют целевой аудитории, нуждаются в дополнительном обучении или просто не заинтересованы в активном сотрудничестве․ В некоторых случаях может потребоваться пересмотр условий сотрудничества или прекращение партнерства․",
];

/// "Категории по объему продаж", lines 28–31.
const TIERS: [&str; 4] = [
    "  1. «Золотые» (более 500 000 рублей в месяц): Это ключевые стратегические партнеры, обеспечивающие значительную часть дохода․ Они заслуживают максимального внимания, эксклюзивных условий, совместного планирования и приоритетной поддержки․ Регулярные встречи на высшем уровне, совместные маркетинговые кампании и доступ к новым продуктам – обязательные элементы работы с этой категорией․",
    "  2. «Серебряные» (от 100 000 до 500 000 рублей в месяц): Эти партнеры демонстрируют стабильный рост и значительный потенциал․ Им необходима регулярная поддержка, обучение и мотивация․ Предоставление дополнительных маркетинговых материалов, участие в совместных мероприятиях и доступ к расширенной аналитике помогут им увеличить объемы продаж․",
    "  3. «Бронзовые» (от 20 000 до 100 000 рублей в месяц): Это развивающиеся партнеры, нуждающиеся в активной поддержке и обучении․ Предоставление льготных условий, помощь в разработке стратегии продаж и регулярный анализ результатов помогут им выйти на новый уровень․ Важно выявить их потребности и предложить индивидуальные решения․",
    "  4. «Начинающие» (менее 20 000 рублей в месяц): Эти партнеры находятся на начальной стадии сотрудничества и требуют особого внимания․ Им необходима интенсивная поддержка, обучение и мотивация․ Предоставление бесплатных маркетинговых материалов, помощь в настройке рекламных кампаний и регулярный мониторинг результатов помогут им успешно стартовать․",
];

/// "Стратегии взаимодействия", lines 65–68: each tier's actions and goal.
const STRATEGIES: [&str; 4] = [
    "  1. «Золотые» партнеры: Совместное развитие, совместные инвестиции, эксклюзивные условия, приоритетная поддержка, регулярные стратегические сессии․ Цель – укрепление долгосрочных отношений и максимизация прибыли․",
    "  2. «Серебряные» партнеры: Стимулирование роста, предоставление дополнительных ресурсов, обучение, участие в совместных маркетинговых кампаниях․ Цель – перевод в категорию «Золотых» партнеров․",
    "  3. «Бронзовые» партнеры: Активная поддержка, помощь в развитии, предоставление льготных условий, регулярный мониторинг результатов․ Цель – стимулирование роста и выход на прибыльный уровень․",
    "  4. «Начинающие» партнеры: Интенсивная поддержка, обучение, мотивация, предоставление бесплатных маркетинговых материалов․ Цель – успешный старт и быстрое развитие․",
];

/// The article's words as the playbook writes them: a list item starts
/// with a small letter (the article capitalises the first item only because
/// it opens the sentence), and the crate writes `ё` in «партнёр».
fn as_playbook(article: &str) -> String {
    let mut chars = article.chars();
    let first: String = chars.next().map(|c| c.to_lowercase().collect()).unwrap_or_default();
    (first + chars.as_str()).replace("партнер", "партнёр")
}

/// The text between `start` and `end` in `line`.
fn between<'a>(line: &'a str, start: &str, end: &str) -> &'a str {
    let from = line.find(start).map(|i| i + start.len()).expect(start);
    let to = line[from..].find(end).map(|i| from + i).expect(end);
    &line[from..to]
}

/// Items the playbook words differently from the article on purpose:
/// (article, playbook). The article's «предоставление …» ("provision
/// of …") is left out: a playbook lists what the partner gets.
const REWORDED_TIER_ACTIONS: [(&str, &str); 3] = [
    ("предоставление дополнительных ресурсов", "дополнительные ресурсы"),
    ("предоставление льготных условий", "льготные условия"),
    ("предоставление бесплатных маркетинговых материалов", "бесплатные маркетинговые материалы"),
];

#[test]
fn the_russian_tier_goals_and_actions_are_the_articles() {
    let playbook = Playbook::russian();
    for (tier, line) in Tier::ALL.iter().zip(STRATEGIES) {
        let play = playbook.tier(*tier);
        // "… партнеры: <actions>․ Цель – <goal>․"
        let goal = between(line, "Цель – ", "․");
        assert_eq!(&*play.goal, as_playbook(goal), "{tier:?}");
        let actions: Vec<String> = between(line, "партнеры: ", "․ Цель")
            .split(", ")
            .map(|item| {
                let item = as_playbook(item);
                REWORDED_TIER_ACTIONS.iter().find(|(a, _)| *a == item).map_or(item, |(_, p)| (*p).to_owned())
            })
            .collect();
        let ours: Vec<&str> = play.actions.iter().map(|a| &**a).collect();
        assert_eq!(ours, actions, "{tier:?}");
    }
}

#[test]
fn the_segment_names_and_profiles_are_the_articles() {
    for (segment, line) in Segment::ALL.iter().zip(SEGMENTS) {
        // "«A» – Ключевые партнеры (20% партнеров, 80% оборота): …"
        assert_eq!(between(line, "«", "»"), segment.to_string());
        let name = between(line, "» – ", " партнеры (");
        assert_eq!(Russian.segment(*segment), as_playbook(name), "{segment:?}");
        let partners: i64 = between(line, "(", "% партнеров").parse().unwrap();
        let turnover = between(line, "партнеров, ", "% оборота");
        let (bound, turnover) = match turnover.strip_prefix("менее ") {
            Some(t) => (true, t),
            None => (false, turnover),
        };
        let turnover: i64 = turnover.parse().unwrap();
        let expected = segment.expected();
        assert_eq!(expected.partners, Decimal::new(partners, 2), "{segment:?}");
        assert_eq!(expected.turnover, Decimal::new(turnover, 2), "{segment:?}");
        assert_eq!(expected.turnover_is_upper_bound, bound, "{segment:?}");
    }
}

/// The segments' actions: the article's sentence lists them (A, B, C), or
/// the causes to look into (D).
#[test]
fn the_russian_segment_actions_follow_the_article() {
    let playbook = Playbook::russian();
    // A, B and C: the third sentence lists the actions, "…, … и …".
    for (segment, line) in [Segment::A, Segment::B, Segment::C].iter().zip(SEGMENTS) {
        let sentence = line.split('․').nth(2).unwrap().trim();
        let (list, _) = sentence
            .split_once(" – ")
            .or_else(|| sentence.split_once(" могут "))
            .or_else(|| sentence.split_once(" помогут "))
            .unwrap();
        let mut items: Vec<String> = list.split(", ").map(as_playbook).collect();
        let last = items.pop().unwrap();
        let (a, b) = last.split_once(" и ").unwrap();
        items.extend([a.to_owned(), b.to_owned()]);
        let items: Vec<String> = items
            .into_iter()
            .map(|item| match item.as_str() {
                // «предоставление …» left out, as for the tiers.
                "предоставление дополнительных маркетинговых материалов" => {
                    "дополнительные маркетинговые материалы".to_owned()
                }
                "предоставление льготных условий" => "льготные условия".to_owned(),
                _ => item,
            })
            .collect();
        let ours: Vec<&str> = playbook.segment(*segment).actions.iter().map(|a| &**a).collect();
        assert_eq!(ours, items, "{segment:?}");
    }
    // D: the article names the causes to look into and the last resort;
    // the playbook turns them into steps (reworded on purpose: an action
    // for each cause the article gives, and its last resort).
    let d = SEGMENTS[3];
    for cause in [
        "не соответствуют целевой аудитории",
        "нуждаются в дополнительном обучении",
        "пересмотр условий сотрудничества или прекращение партнерства",
    ] {
        assert!(d.contains(cause), "{cause}");
    }
    let ours: Vec<&str> = playbook.segment(Segment::D).actions.iter().map(|a| &**a).collect();
    assert_eq!(
        ours,
        [
            "проверить соответствие целевой аудитории",
            "предложить обучение",
            "пересмотреть условия сотрудничества или прекратить партнёрство"
        ]
    );
}

/// The segments' emphasis is the playbook's own one-line summary of the
/// article's description (a name and what the partner needs); pinned, with
/// the article's words it summarises.
#[test]
fn the_russian_segment_emphasis_summarises_the_article() {
    let playbook = Playbook::russian();
    let cases = [
        (
            Segment::A,
            "максимального внимания, индивидуального подхода и эксклюзивных условий",
            "ключевой партнёр: максимум внимания, индивидуальный подход и эксклюзивные условия",
        ),
        (
            Segment::B,
            "требуют регулярного мониторинга и поддержки",
            "важный партнёр: регулярный мониторинг и поддержка",
        ),
        (
            Segment::C,
            "Им необходима активная поддержка, обучение и мотивация",
            "перспективный партнёр: активная поддержка, обучение и мотивация",
        ),
        (Segment::D, "требуют анализа причин", "пассивный партнёр: анализ причин отсутствия оборота"),
    ];
    for ((segment, article, ours), line) in cases.iter().zip(SEGMENTS) {
        assert!(line.contains(article), "{segment:?}: {article}");
        assert_eq!(&*playbook.segment(*segment).emphasis, *ours, "{segment:?}");
    }
}

/// The default tier floors are the article's thresholds: "более 500 000"
/// (exclusive), "от 100 000", "от 20 000" (inclusive) roubles a month.
#[test]
fn the_default_tier_floors_are_the_articles() {
    let policy = TierPolicy::default();
    for (tier, line) in [Tier::Gold, Tier::Silver, Tier::Bronze].iter().zip(TIERS) {
        let threshold = between(line, "(", " рублей в месяц)");
        let (inclusive, amount) = match threshold.strip_prefix("более ") {
            Some(rest) => (false, rest),
            None => (true, between(threshold, "от ", " до")),
        };
        let amount: i64 = amount.replace(' ', "").parse().unwrap();
        let floor = policy.floor(*tier).unwrap();
        assert_eq!((floor.amount(), floor.is_inclusive()), (Decimal::from(amount), inclusive), "{tier:?}");
    }
    assert!(TIERS[3].contains("(менее 20 000 рублей в месяц)"));
    assert_eq!(policy.floor(Tier::Beginner), None);
    assert_eq!(policy.currency().code(), "RUB");
}

/// The English playbook is the article's in English: every goal and action,
/// pinned (there is no English article to quote).
#[test]
fn the_english_playbook_is_pinned() {
    let p = Playbook::english();
    let tier = |t: Tier| {
        let play = p.tier(t);
        (play.goal.to_string(), play.actions.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    };
    assert_eq!(
        tier(Tier::Gold),
        (
            "strengthen the long-term relationship and maximise profit".to_owned(),
            ["co-development", "joint investment", "exclusive terms", "priority support", "regular strategic sessions"]
                .map(str::to_owned)
                .to_vec()
        )
    );
    assert_eq!(
        tier(Tier::Silver),
        (
            "move the partner up to Gold".to_owned(),
            ["growth incentives", "additional resources", "training", "joint marketing campaigns"]
                .map(str::to_owned)
                .to_vec()
        )
    );
    assert_eq!(
        tier(Tier::Bronze),
        (
            "stimulate growth and reach a profitable level".to_owned(),
            ["active support", "help with development", "preferential terms", "regular monitoring of results"]
                .map(str::to_owned)
                .to_vec()
        )
    );
    assert_eq!(
        tier(Tier::Beginner),
        (
            "a successful start and fast development".to_owned(),
            ["intensive support", "training", "motivation", "free marketing materials"].map(str::to_owned).to_vec()
        )
    );
    let segment = |s: Segment| p.segment(s).emphasis.to_string();
    assert_eq!(segment(Segment::A), "key partner: maximum attention, an individual approach and exclusive terms");
    assert_eq!(segment(Segment::B), "important partner: regular monitoring and support");
    assert_eq!(segment(Segment::C), "promising partner: active support, training and motivation");
    assert_eq!(segment(Segment::D), "passive partner: analyse why there is almost no turnover");
}
