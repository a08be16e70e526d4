//! Interaction strategies: the article's playbook per tier, segment and
//! risk, built in (English and Russian) or loaded from JSON.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::language::Language;
use crate::pareto::Segment;
use crate::risk::{RiskCategory, RiskLevel, RiskProfile};
use crate::tier::Tier;

/// Shared text: cloning a strategy for a million partners copies pointers.
type Text = Arc<str>;
type Texts = Arc<[Text]>;

/// The goal and actions for one tier.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TierPlay {
    /// The goal of working with partners of the tier.
    pub goal: Text,
    /// What to do.
    pub actions: Texts,
}

/// The emphasis and actions for one segment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SegmentPlay {
    /// The emphasis for the segment.
    pub emphasis: Text,
    /// What to do.
    pub actions: Texts,
}

/// Mitigations for one risk category, per level (Low needs none).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Mitigations {
    /// At Medium.
    pub medium: Texts,
    /// At High.
    pub high: Texts,
    /// At Critical.
    pub critical: Texts,
}

impl Mitigations {
    /// The mitigations at `level` (none at Low).
    #[must_use]
    pub fn at(&self, level: RiskLevel) -> Option<&Texts> {
        match level {
            RiskLevel::Low => None,
            RiskLevel::Medium => Some(&self.medium),
            RiskLevel::High => Some(&self.high),
            RiskLevel::Critical => Some(&self.critical),
        }
    }
}

/// One entry per tier.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TierPlays {
    /// Gold.
    pub gold: TierPlay,
    /// Silver.
    pub silver: TierPlay,
    /// Bronze.
    pub bronze: TierPlay,
    /// Beginner.
    pub beginner: TierPlay,
}

/// One entry per segment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SegmentPlays {
    /// Segment A.
    pub a: SegmentPlay,
    /// Segment B.
    pub b: SegmentPlay,
    /// Segment C.
    pub c: SegmentPlay,
    /// Segment D.
    pub d: SegmentPlay,
}

/// One entry per risk category.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RiskPlays {
    /// Financial risk.
    pub financial: Mitigations,
    /// Reputational risk.
    pub reputational: Mitigations,
    /// Operational risk.
    pub operational: Mitigations,
    /// Legal risk.
    pub legal: Mitigations,
}

/// The action plan for a crisis in each risk category (the article: "have an
/// action plan for a crisis").
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CrisisPlans {
    /// A financial crisis: a sharp fall of turnover, growing payment
    /// delays, a Critical financial risk.
    pub financial: Texts,
    /// A reputational crisis.
    pub reputational: Texts,
    /// An operational crisis.
    pub operational: Texts,
    /// A legal crisis.
    pub legal: Texts,
}

/// A playbook: for every tier a goal and actions, for every segment an
/// emphasis and actions, for every risk category the mitigations per level
/// and the action plan for a crisis.
///
/// Complete by construction: the built-in playbooks ([`Playbook::english`],
/// [`Playbook::russian`]) follow the article, and a custom playbook is
/// checked when it is loaded ([`Playbook::from_json`], [`Playbook::new`]),
/// so a lookup ([`Playbook::strategy`]) never fails.
///
/// # Example
///
/// ```
/// use partner_priority::risk::RiskProfile;
/// use partner_priority::strategy::Playbook;
/// use partner_priority::{Segment, Tier};
///
/// let playbook = Playbook::russian();
/// let s = playbook.strategy(Tier::Silver, Segment::B, &RiskProfile::default());
/// assert_eq!(&*s.goal, "перевод в категорию «Золотых» партнёров");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, try_from = "RawPlaybook", into = "RawPlaybook"))]
pub struct Playbook {
    language: Language,
    tiers: TierPlays,
    segments: SegmentPlays,
    risks: RiskPlays,
    crisis: CrisisPlans,
}

/// The serde form of [`Playbook`]: `crisis` may be left out, for the
/// built-in plans in the playbook's language.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    language: Language,
    tiers: TierPlays,
    segments: SegmentPlays,
    risks: RiskPlays,
    #[serde(default)]
    crisis: Option<CrisisPlans>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawPlaybook> for Playbook {
    type Error = Error;
    fn try_from(r: RawPlaybook) -> Result<Playbook> {
        let crisis = r.crisis.unwrap_or_else(|| Playbook::builtin(r.language).crisis);
        Playbook::new(r.language, r.tiers, r.segments, r.risks)?.with_crisis_plans(crisis)
    }
}

#[cfg(feature = "serde")]
impl From<Playbook> for RawPlaybook {
    fn from(p: Playbook) -> RawPlaybook {
        RawPlaybook {
            language: p.language,
            tiers: p.tiers,
            segments: p.segments,
            risks: p.risks,
            crisis: Some(p.crisis),
        }
    }
}

/// The strategy for one partner: the tier's goal and actions, the segment's
/// emphasis and actions, and the mitigations for its risks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Strategy {
    /// The tier it was composed for.
    pub tier: Tier,
    /// The segment it was composed for.
    pub segment: Segment,
    /// The goal (from the tier).
    pub goal: Text,
    /// The tier's actions.
    pub actions: Texts,
    /// The segment's emphasis.
    pub emphasis: Text,
    /// The segment's actions.
    pub segment_actions: Texts,
    /// Mitigations for every category at Medium or worse, worst first.
    pub mitigations: Vec<Mitigation>,
}

/// Mitigations for one risk of one partner.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Mitigation {
    /// The category.
    pub category: RiskCategory,
    /// Its level.
    pub level: RiskLevel,
    /// What to do.
    pub actions: Texts,
}

fn texts(items: &[&str]) -> Texts {
    items.iter().map(|s| Text::from(*s)).collect()
}

fn tier(goal: &str, actions: &[&str]) -> TierPlay {
    TierPlay { goal: goal.into(), actions: texts(actions) }
}

fn seg(emphasis: &str, actions: &[&str]) -> SegmentPlay {
    SegmentPlay { emphasis: emphasis.into(), actions: texts(actions) }
}

fn mit(medium: &[&str], high: &[&str], critical: &[&str]) -> Mitigations {
    Mitigations { medium: texts(medium), high: texts(high), critical: texts(critical) }
}

impl Playbook {
    /// A checked playbook, with the built-in crisis plans in `language`
    /// (see [`Playbook::with_crisis_plans`]).
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPlaybook`] naming the entry
    /// (`tiers.gold.goal`, `segments.d.emphasis`, `tiers.silver.actions[2]`…)
    /// if a goal, emphasis or action is empty, or a tier or segment has no
    /// actions.
    pub fn new(language: Language, tiers: TierPlays, segments: SegmentPlays, risks: RiskPlays) -> Result<Playbook> {
        let blank = |s: &str| s.trim().is_empty();
        let check_list = |field: String, list: &Texts, required: bool| -> Result<()> {
            if required && list.is_empty() {
                return Err(Error::playbook(field, "needs at least one action"));
            }
            for (i, a) in list.iter().enumerate() {
                if blank(a) {
                    return Err(Error::playbook(format!("{field}[{i}]"), "is empty"));
                }
            }
            Ok(())
        };
        for (name, play) in
            [("gold", &tiers.gold), ("silver", &tiers.silver), ("bronze", &tiers.bronze), ("beginner", &tiers.beginner)]
        {
            if blank(&play.goal) {
                return Err(Error::playbook(format!("tiers.{name}.goal"), "is empty"));
            }
            check_list(format!("tiers.{name}.actions"), &play.actions, true)?;
        }
        for (name, play) in [("a", &segments.a), ("b", &segments.b), ("c", &segments.c), ("d", &segments.d)] {
            if blank(&play.emphasis) {
                return Err(Error::playbook(format!("segments.{name}.emphasis"), "is empty"));
            }
            check_list(format!("segments.{name}.actions"), &play.actions, true)?;
        }
        for (name, m) in [
            ("financial", &risks.financial),
            ("reputational", &risks.reputational),
            ("operational", &risks.operational),
            ("legal", &risks.legal),
        ] {
            check_list(format!("risks.{name}.medium"), &m.medium, false)?;
            check_list(format!("risks.{name}.high"), &m.high, false)?;
            check_list(format!("risks.{name}.critical"), &m.critical, false)?;
        }
        let crisis = Playbook::builtin(language).crisis;
        Ok(Playbook { language, tiers, segments, risks, crisis })
    }

    /// The same playbook with other crisis plans.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPlaybook`] naming the plan
    /// (`crisis.legal`, `crisis.financial[1]`…) if a category has no step or
    /// a step is empty.
    pub fn with_crisis_plans(mut self, crisis: CrisisPlans) -> Result<Playbook> {
        for (name, plan) in [
            ("financial", &crisis.financial),
            ("reputational", &crisis.reputational),
            ("operational", &crisis.operational),
            ("legal", &crisis.legal),
        ] {
            if plan.is_empty() {
                return Err(Error::playbook(format!("crisis.{name}"), "needs at least one step"));
            }
            for (i, step) in plan.iter().enumerate() {
                if step.trim().is_empty() {
                    return Err(Error::playbook(format!("crisis.{name}[{i}]"), "is empty"));
                }
            }
        }
        self.crisis = crisis;
        Ok(self)
    }

    /// The action plan for a crisis in `category`.
    #[must_use]
    pub fn crisis_plan(&self, category: RiskCategory) -> &[Text] {
        match category {
            RiskCategory::Financial => &self.crisis.financial,
            RiskCategory::Reputational => &self.crisis.reputational,
            RiskCategory::Operational => &self.crisis.operational,
            RiskCategory::Legal => &self.crisis.legal,
        }
    }

    /// The built-in playbook in `language`.
    #[must_use]
    pub fn builtin(language: Language) -> Playbook {
        match language {
            Language::Ru => Playbook::russian(),
            _ => Playbook::english(),
        }
    }

    /// The article's playbook in English.
    #[must_use]
    pub fn english() -> Playbook {
        Playbook {
            language: Language::En,
            tiers: TierPlays {
                gold: tier(
                    "strengthen the long-term relationship and maximise profit",
                    &[
                        "co-development",
                        "joint investment",
                        "exclusive terms",
                        "priority support",
                        "regular strategic sessions",
                    ],
                ),
                silver: tier(
                    "move the partner up to Gold",
                    &["growth incentives", "additional resources", "training", "joint marketing campaigns"],
                ),
                bronze: tier(
                    "stimulate growth and reach a profitable level",
                    &["active support", "help with development", "preferential terms", "regular monitoring of results"],
                ),
                beginner: tier(
                    "a successful start and fast development",
                    &["intensive support", "training", "motivation", "free marketing materials"],
                ),
            },
            segments: SegmentPlays {
                a: seg(
                    "key partner: maximum attention, an individual approach and exclusive terms",
                    &["regular meetings", "joint planning of marketing campaigns", "priority support"],
                ),
                b: seg(
                    "important partner: regular monitoring and support",
                    &["additional marketing materials", "training", "joint events"],
                ),
                c: seg(
                    "promising partner: active support, training and motivation",
                    &["preferential terms", "help with the sales strategy", "regular review of results"],
                ),
                d: seg(
                    "passive partner: analyse why there is almost no turnover",
                    &[
                        "check the fit with the target audience",
                        "offer training",
                        "revise the terms or end the partnership",
                    ],
                ),
            },
            risks: RiskPlays {
                financial: mit(
                    &["monitor payments every month", "check the credit history"],
                    &["shorten payment terms", "review the credit limit"],
                    &["switch to prepayment", "stop shipments on credit", "start collecting the overdue debt"],
                ),
                reputational: mit(
                    &["monitor reviews and complaints"],
                    &["check the partner's reputation", "agree a remediation plan"],
                    &["suspend joint marketing", "prepare a communication plan for customers"],
                ),
                operational: mit(
                    &["review delivery performance every month"],
                    &["tighten quality control", "require the delivery standards and deadlines"],
                    &["audit logistics and quality", "line up an alternative partner"],
                ),
                legal: mit(
                    &["review the contract terms"],
                    &["consult lawyers", "document breaches and claims"],
                    &["involve lawyers now", "prepare to end the contract or go to court"],
                ),
            },
            crisis: CrisisPlans {
                financial: texts(&[
                    "tighten credit terms",
                    "switch to prepayment",
                    "review the credit limit",
                    "meet the partner's management to learn the cause",
                ]),
                reputational: texts(&[
                    "check the partner's reputation",
                    "monitor the partner's activity regularly",
                    "prepare a communication plan for customers",
                ]),
                operational: texts(&[
                    "tighten quality control",
                    "require the delivery standards and deadlines",
                    "audit the partner's logistics",
                ]),
                legal: texts(&["review the contract", "consult lawyers", "document breaches and claims"]),
            },
        }
    }

    /// The article's playbook in Russian (its own wording where the article
    /// gives it).
    #[must_use]
    pub fn russian() -> Playbook {
        Playbook {
            language: Language::Ru,
            tiers: TierPlays {
                gold: tier(
                    "укрепление долгосрочных отношений и максимизация прибыли",
                    &[
                        "совместное развитие",
                        "совместные инвестиции",
                        "эксклюзивные условия",
                        "приоритетная поддержка",
                        "регулярные стратегические сессии",
                    ],
                ),
                silver: tier(
                    "перевод в категорию «Золотых» партнёров",
                    &[
                        "стимулирование роста",
                        "дополнительные ресурсы",
                        "обучение",
                        "участие в совместных маркетинговых кампаниях",
                    ],
                ),
                bronze: tier(
                    "стимулирование роста и выход на прибыльный уровень",
                    &[
                        "активная поддержка",
                        "помощь в развитии",
                        "льготные условия",
                        "регулярный мониторинг результатов",
                    ],
                ),
                beginner: tier(
                    "успешный старт и быстрое развитие",
                    &["интенсивная поддержка", "обучение", "мотивация", "бесплатные маркетинговые материалы"],
                ),
            },
            segments: SegmentPlays {
                a: seg(
                    "ключевой партнёр: максимум внимания, индивидуальный подход и эксклюзивные условия",
                    &["регулярные встречи", "совместное планирование маркетинговых кампаний", "приоритетная поддержка"],
                ),
                b: seg(
                    "важный партнёр: регулярный мониторинг и поддержка",
                    &["дополнительные маркетинговые материалы", "обучение", "участие в совместных мероприятиях"],
                ),
                c: seg(
                    "перспективный партнёр: активная поддержка, обучение и мотивация",
                    &["льготные условия", "помощь в разработке стратегии продаж", "регулярный анализ результатов"],
                ),
                d: seg(
                    "пассивный партнёр: анализ причин отсутствия оборота",
                    &[
                        "проверить соответствие целевой аудитории",
                        "предложить обучение",
                        "пересмотреть условия сотрудничества или прекратить партнёрство",
                    ],
                ),
            },
            risks: RiskPlays {
                financial: mit(
                    &["ежемесячно контролировать платежи", "проверить кредитную историю"],
                    &["сократить отсрочку платежа", "пересмотреть кредитный лимит"],
                    &["перейти на предоплату", "остановить отгрузки в кредит", "начать взыскание просроченного долга"],
                ),
                reputational: mit(
                    &["отслеживать отзывы и жалобы"],
                    &["проверить репутацию партнёра", "согласовать план исправления"],
                    &["приостановить совместный маркетинг", "подготовить план коммуникации с клиентами"],
                ),
                operational: mit(
                    &["ежемесячно проверять соблюдение сроков поставки"],
                    &["усилить контроль качества", "потребовать соблюдения стандартов и сроков поставки"],
                    &["провести аудит логистики и качества", "подготовить альтернативного партнёра"],
                ),
                legal: mit(
                    &["проверить условия договора"],
                    &["проконсультироваться с юристами", "фиксировать нарушения и претензии"],
                    &["немедленно привлечь юристов", "подготовиться к расторжению договора или суду"],
                ),
            },
            crisis: CrisisPlans {
                financial: texts(&[
                    "ужесточить условия отсрочки платежа",
                    "перейти на предоплату",
                    "пересмотреть кредитный лимит",
                    "встретиться с руководством партнёра и выяснить причины",
                ]),
                reputational: texts(&[
                    "проверить репутацию партнёра",
                    "регулярно мониторить деятельность партнёра",
                    "подготовить план коммуникации с клиентами",
                ]),
                operational: texts(&[
                    "усилить контроль качества",
                    "потребовать соблюдения стандартов и сроков поставки",
                    "проверить логистику партнёра",
                ]),
                legal: texts(&[
                    "пересмотреть договор",
                    "проконсультироваться с юристами",
                    "фиксировать нарушения и претензии",
                ]),
            },
        }
    }

    /// The playbook's language.
    #[must_use]
    pub fn language(&self) -> Language {
        self.language
    }

    /// The entry for a tier.
    #[must_use]
    pub fn tier(&self, tier: Tier) -> &TierPlay {
        match tier {
            Tier::Gold => &self.tiers.gold,
            Tier::Silver => &self.tiers.silver,
            Tier::Bronze => &self.tiers.bronze,
            Tier::Beginner => &self.tiers.beginner,
        }
    }

    /// The entry for a segment.
    #[must_use]
    pub fn segment(&self, segment: Segment) -> &SegmentPlay {
        match segment {
            Segment::A => &self.segments.a,
            Segment::B => &self.segments.b,
            Segment::C => &self.segments.c,
            Segment::D => &self.segments.d,
        }
    }

    /// The mitigations for a risk category.
    #[must_use]
    pub fn risk(&self, category: RiskCategory) -> &Mitigations {
        match category {
            RiskCategory::Financial => &self.risks.financial,
            RiskCategory::Reputational => &self.risks.reputational,
            RiskCategory::Operational => &self.risks.operational,
            RiskCategory::Legal => &self.risks.legal,
        }
    }

    /// Composes the strategy for one partner. Never fails: a playbook is
    /// complete by construction.
    #[must_use]
    pub fn strategy(&self, tier: Tier, segment: Segment, risk: &RiskProfile) -> Strategy {
        self.strategy_for(tier, segment, |c| risk.category(c).level)
    }

    /// [`Playbook::strategy`] with each category's risk level from `level`.
    pub(crate) fn strategy_for(
        &self,
        tier: Tier,
        segment: Segment,
        level: impl Fn(RiskCategory) -> Option<RiskLevel>,
    ) -> Strategy {
        let t = self.tier(tier);
        let s = self.segment(segment);
        let mut mitigations: Vec<Mitigation> = RiskCategory::ALL
            .iter()
            .filter_map(|&c| {
                let level = level(c)?;
                let actions = self.risk(c).at(level)?;
                (!actions.is_empty()).then(|| Mitigation { category: c, level, actions: actions.clone() })
            })
            .collect();
        mitigations.sort_by_key(|m| std::cmp::Reverse(m.level));
        Strategy {
            tier,
            segment,
            goal: t.goal.clone(),
            actions: t.actions.clone(),
            emphasis: s.emphasis.clone(),
            segment_actions: s.actions.clone(),
            mitigations,
        }
    }

    /// Loads and checks a playbook from JSON.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPlaybook`] naming the entry: a missing tier,
    /// segment or category (`tiers`: missing field `gold`), an unknown field,
    /// or an empty entry.
    #[cfg(feature = "serde")]
    pub fn from_json(json: &str) -> Result<Playbook> {
        crate::util::json::from_json(json, crate::util::json::Kind::Playbook)
    }

    /// The playbook as pretty-printed JSON.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Json`] if serialisation fails (it does not for
    /// a valid playbook).
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        crate::util::json::to_json(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::CategoryRisk;

    #[test]
    fn builtin_playbooks_are_complete_and_valid() {
        for p in [Playbook::english(), Playbook::russian()] {
            let checked = Playbook::new(p.language, p.tiers.clone(), p.segments.clone(), p.risks.clone())
                .unwrap()
                .with_crisis_plans(p.crisis.clone())
                .unwrap();
            assert_eq!(checked, p);
        }
    }

    #[test]
    fn strategies_compose_tier_segment_and_risk() {
        let at = |level| CategoryRisk { level: Some(level), evidence: Vec::new() };
        let risk = RiskProfile {
            financial: at(RiskLevel::High),
            legal: at(RiskLevel::Critical),
            operational: at(RiskLevel::Low),
            ..RiskProfile::default()
        };
        let s = Playbook::english().strategy(Tier::Gold, Segment::D, &risk);
        assert_eq!(&*s.goal, "strengthen the long-term relationship and maximise profit");
        assert!(s.emphasis.starts_with("passive partner"));
        assert_eq!(s.mitigations.len(), 2);
        assert_eq!(s.mitigations[0].category, RiskCategory::Legal);
        assert_eq!(s.mitigations[1].level, RiskLevel::High);
    }

    #[test]
    fn an_empty_entry_is_a_load_error_naming_it() {
        let p = Playbook::english();
        let mut tiers = p.tiers.clone();
        tiers.silver.goal = " ".into();
        let err = Playbook::new(Language::En, tiers, p.segments.clone(), p.risks.clone()).unwrap_err();
        assert!(err.is_invalid_config());
        assert!(err.to_string().contains("tiers.silver.goal"), "{err}");
        let mut segments = p.segments.clone();
        segments.d.actions = texts(&["ok", ""]);
        let err = Playbook::new(Language::En, p.tiers.clone(), segments, p.risks.clone()).unwrap_err();
        assert!(err.to_string().contains("segments.d.actions[1]"), "{err}");
    }
    #[test]
    fn each_builtin_playbook_knows_its_language() {
        assert_eq!(Playbook::english().language(), Language::En);
        assert_eq!(Playbook::russian().language(), Language::Ru);
        assert_eq!(Playbook::builtin(Language::Ru), Playbook::russian());
        assert_eq!(Playbook::builtin(Language::En), Playbook::english());
    }
}
