use super::*;
use crate::potential::PotentialLevel;
use crate::risk::{RiskCategory, RiskLevel};

/// Every word of both built-in catalogues, through a `Language` and
/// directly: each is given (none falls back to itself forever), and the
/// two languages differ.
#[test]
fn every_name_is_worded_in_both_languages() {
    let names = |c: &dyn Catalogue| -> Vec<String> {
        let mut out: Vec<String> = Tier::ALL.iter().map(|t| c.tier(*t).to_owned()).collect();
        out.extend(Segment::ALL.iter().map(|s| c.segment(*s).to_owned()));
        out.extend(
            [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical]
                .map(|l| c.risk_level(l).to_owned()),
        );
        out.extend(RiskCategory::ALL.iter().map(|r| c.risk_category(*r).to_owned()));
        out.extend(
            [PotentialLevel::New, PotentialLevel::Low, PotentialLevel::Medium, PotentialLevel::High]
                .map(|l| c.potential_level(l).to_owned()),
        );
        out
    };
    let (en, ru) = (names(&English), names(&Russian));
    assert!(en.iter().chain(&ru).all(|w| !w.trim().is_empty()));
    assert!(en.iter().zip(&ru).all(|(e, r)| e != r), "{en:?} {ru:?}");
    assert_eq!(names(&Language::En), en);
    assert_eq!(names(&Language::Ru), ru);
    assert_eq!((English.language(), Russian.language()), (Language::En, Language::Ru));
    assert_eq!(Language::Ru.catalogue().tier(Tier::Gold), "Золотой");
}

/// A catalogue of its own overrides a word and takes the rest from its
/// base, in the base's number format.
#[test]
fn a_catalogue_of_its_own_falls_back_to_its_base() {
    struct Ours;
    impl Catalogue for Ours {
        fn base(&self) -> &dyn Catalogue {
            &Russian
        }
        fn tier(&self, tier: Tier) -> &str {
            if tier == Tier::Gold { "Платиновый" } else { self.base().tier(tier) }
        }
    }
    assert_eq!(Ours.tier(Tier::Gold), "Платиновый");
    assert_eq!(Ours.tier(Tier::Bronze), "Бронзовый");
    assert_eq!(Ours.segment(Segment::D), "пассивные");
    assert_eq!(Ours.amount(Decimal::new(1_234_567, 0), 0), "1\u{202f}234\u{202f}567");
    let reason = Reason::RiskUnknown;
    assert_eq!(Ours.reason(&reason), Russian.reason(&reason));
}
