//! Recipes for common jobs. Every recipe is a doctest, so it compiles and
//! runs with the crate.
//!
//! # Custom tier thresholds
//!
//! The article's thresholds fit a Russian distributor; set your own, in your
//! currency, and hold demotions for two reviews.
//!
//! ```
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::tier::{DemotionSteps, Floor, TierPolicy};
//! use partner_priority::{Currency, Policy};
//!
//! let mut policy = Policy::default();
//! policy.tiers = TierPolicy::builder(Currency::RUB)
//!     .bronze(Floor::at_least(Decimal::from(50_000)))
//!     .silver(Floor::at_least(Decimal::from(250_000)))
//!     .gold(Floor::above(Decimal::from(1_000_000)))
//!     .demote_after(2)
//!     .demotion_steps(DemotionSteps::One)
//!     .build()?;
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # Loading a policy from JSON
//!
//! Every field may be left out to keep its default; unknown fields and bad
//! values are errors that name the field as the JSON names it.
//!
//! ```
//! use partner_priority::Policy;
//!
//! let policy = Policy::from_json(r#"{
//!     "window_months": 12,
//!     "review_period": "quarterly",
//!     "pareto": {"basis": "turnover", "cutoffs": {"a": 80, "b": 95, "c": 99}, "boundary": "upper"},
//!     "tiers": {
//!         "currency": "RUB",
//!         "gold": {"above": 500000}, "silver": {"from": 100000}, "bronze": {"from": 20000},
//!         "averaging": "since_start",
//!         "demotion": {"after_reviews": 2, "steps": "one"}
//!     },
//!     "risk": {"average_days_late": {"medium": 10, "high": 45, "critical": 90}},
//!     "priority": {"weights": {"value": 60, "potential": 30, "resilience": 10}},
//!     "playbook": {"builtin": "ru"}
//! }"#)?;
//! assert_eq!(policy.tiers.demote_after(), 2);
//! // Written back, amounts are JSON numbers.
//! assert!(policy.to_json()?.contains("\"above\": 500000"));
//!
//! let err = Policy::from_json(r#"{"tiers": {"currency": "RUB", "gold": {"above": 1}, "silver": {"from": 2}, "bronze": {"from": 0}}}"#)
//!     .unwrap_err();
//! assert!(err.is_invalid_config());
//! assert!(err.to_string().contains("`tiers.gold.above`"));
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # A review in Russian
//!
//! Strategies come from the Russian playbook; reasons, levels and amounts
//! are worded by the Russian catalogue, with thin-space thousands and the
//! rouble sign.
//!
//! ```
//! use partner_priority::chrono::NaiveDate;
//! use partner_priority::lang::Catalogue;
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Language, Ledger, Money, PartnerId, Policy, Review, Sale};
//!
//! let mut ledger = Ledger::new(Currency::RUB);
//! for m in 1..=12 {
//!     let date = NaiveDate::from_ymd_opt(2025, m, 5).unwrap();
//!     ledger.record(Sale::new(PartnerId::new("Д-1")?, date, Money::new(Decimal::from(612_000), Currency::RUB)))?;
//! }
//! let policy = Policy::default().with_language(Language::Ru);
//! let portfolio = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).run(&policy)?;
//! let a = portfolio.get("Д-1").unwrap();
//! assert_eq!(&*portfolio.strategy(a).goal, "укрепление долгосрочных отношений и максимизация прибыли");
//! let ru = portfolio.language();
//! let reasons: Vec<String> = a.reasons().iter().map(|r| ru.reason(r)).collect();
//! assert!(reasons.contains(&"Золотой: 612\u{202f}000 ₽ в месяц, на 112\u{202f}000 выше порога".to_owned()));
//! assert_eq!(ru.money(portfolio.total()), "7\u{202f}344\u{202f}000,00 ₽");
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # The company's own words
//!
//! A catalogue of your own changes what it words differently and takes
//! the rest from a built-in one; pass it wherever words are rendered.
//!
//! ```
//! use partner_priority::lang::{Catalogue, English};
//! use partner_priority::Tier;
//!
//! struct OurWords;
//!
//! impl Catalogue for OurWords {
//!     fn base(&self) -> &dyn Catalogue {
//!         &English
//!     }
//!     fn tier(&self, tier: Tier) -> &str {
//!         match tier {
//!             Tier::Gold => "Platinum",
//!             other => self.base().tier(other),
//!         }
//!     }
//! }
//!
//! assert_eq!(OurWords.tier(Tier::Gold), "Platinum");
//! assert_eq!(OurWords.tier(Tier::Bronze), "Bronze");
//! ```
//!
//! # Crisis plans of your own
//!
//! A playbook in JSON may give its own crisis plans; it is checked when it
//! is loaded (a plan needs a step, and no step may be empty).
//!
//! ```
//! use partner_priority::risk::RiskCategory;
//! use partner_priority::strategy::{CrisisPlans, Playbook};
//!
//! let plans = CrisisPlans {
//!     financial: ["call the partner's CFO within a day", "hold shipments on credit"].map(Into::into).into(),
//!     reputational: ["brief the PR team"].map(Into::into).into(),
//!     operational: ["send a field engineer"].map(Into::into).into(),
//!     legal: ["involve the legal department"].map(Into::into).into(),
//! };
//! let playbook = Playbook::english().with_crisis_plans(plans)?;
//! assert_eq!(&*playbook.crisis_plan(RiskCategory::Financial)[0], "call the partner's CFO within a day");
//! // Round trip through JSON, as a host keeps it.
//! assert_eq!(Playbook::from_json(&playbook.to_json()?)?, playbook);
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # Pre-aggregated monthly figures from a warehouse
//!
//! When the warehouse already sums invoice lines per partner and month, feed
//! the sums; a resent extract is refused for the months it repeats. For
//! payment discipline (financial risk) add the month's receivables: the
//! amounts due, with their due and paid dates, summed per pair of dates.
//! Figures with receivables give the same review as the lines they sum up;
//! [`Ledger::monthly_figures`](crate::Ledger::monthly_figures) writes them
//! from a ledger of lines.
//!
//! ```
//! use partner_priority::chrono::NaiveDate;
//! use partner_priority::ledger::MonthlyFigures;
//! use partner_priority::period::Month;
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Ledger, Money, PartnerId};
//!
//! let rows = [("D-1", 2025, 1, "640000.00", 12), ("D-1", 2025, 2, "590500.50", 11), ("D-2", 2025, 1, "18000", 2)];
//! let mut ledger = Ledger::new(Currency::RUB);
//! ledger.add_monthly_all(rows.iter().map(|(id, y, m, amount, deals)| {
//!     let amount = Decimal::from_str_exact(amount).unwrap();
//!     let month = Month::new(*y, *m).unwrap();
//!     let due = NaiveDate::from_ymd_opt(*y, *m, 28).unwrap();
//!     MonthlyFigures::new(PartnerId::new(id).unwrap(), month, Money::new(amount, Currency::RUB))
//!         .with_deals(*deals)
//!         // All of it due on the 28th, paid two days late.
//!         .with_receivable(due, due.checked_add_days(partner_priority::chrono::Days::new(2)), amount)
//! }))?;
//! assert_eq!(ledger.partner_count(), 2);
//! assert_eq!(ledger.monthly_figures().count(), 3);
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # A billing service: record as posted, correct, snapshot, restore, review
//!
//! A service keeps one [`Ledger`](crate::Ledger) in memory. It records each
//! line as the billing system posts it, with an identity (the invoice and
//! the line number, or a `line_id`), so that a retried post or an export
//! sent twice counts nothing twice. It corrects with the ledger's
//! all-or-nothing corrections, writes a snapshot before it stops and
//! restores it when it starts, and reviews the network every period.
//!
//! ```
//! use partner_priority::chrono::NaiveDate;
//! use partner_priority::ledger::{DateRange, Payment};
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
//!
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! // The dates this company can have: invoicing started in 2019.
//! let dates = DateRange::new(d(2019, 1, 1), d(2027, 12, 31))?;
//! let mut ledger = Ledger::new(Currency::RUB).with_dates(dates).strict();
//!
//! let rub = |units: i64| Money::new(Decimal::from(units), Currency::RUB);
//! let line = |partner: &str, invoice: &str, n: u32, date: NaiveDate, units: i64| {
//!     Sale::new(PartnerId::new(partner).unwrap(), date, rub(units))
//!         .with_invoice(invoice)
//!         .with_line(n)
//!         .with_due_date(date.checked_add_days(partner_priority::chrono::Days::new(30)).unwrap())
//! };
//!
//! // A batch as posted, and the same batch again after a timeout: the
//! // second time every line is a replay.
//! let batch = vec![
//!     line("D-1", "INV-1", 1, d(2025, 10, 3), 400_000),
//!     line("D-1", "INV-1", 2, d(2025, 10, 3), 20_000),
//!     line("D-2", "INV-2", 1, d(2025, 10, 9), 90_000),
//! ];
//! assert_eq!(ledger.record_all(&batch)?.recorded, 3);
//! assert_eq!(ledger.record_all(&batch)?.replays, 3);
//! // The third line of INV-1 comes later on its own.
//! ledger.record(line("D-1", "INV-1", 3, d(2025, 10, 3), 5_000))?;
//!
//! // The same identity with other content is refused, naming both lines;
//! // the ledger is as it was.
//! let err = ledger.record(line("D-2", "INV-2", 1, d(2025, 10, 9), 95_000)).unwrap_err();
//! assert!(err.is_conflict());
//!
//! // Corrections: the line amended, an invoice voided, a payment in parts,
//! // one of them bounced.
//! ledger.replace_line(line("D-2", "INV-2", 1, d(2025, 10, 9), 95_000))?;
//! ledger.record(line("D-3", "INV-3", 1, d(2025, 11, 2), 7_000))?;
//! ledger.void_invoice("INV-3")?;
//! ledger.record_payment(&Payment::part("INV-1", Decimal::from(300_000), d(2025, 11, 1)).with_id("PAY-1"))?;
//! ledger.record_payment(&Payment::full("INV-1", d(2025, 11, 20)).with_id("PAY-2"))?;
//! ledger.reverse_payment("INV-1", "PAY-2")?;
//! assert_eq!(ledger.open_amount("INV-1"), Some(Decimal::from(125_000)));
//!
//! // Before stopping: a snapshot in any serde format (JSON here; a compact
//! // binary one such as postcard for a large ledger). On start: restore it.
//! let snapshot = serde_json::to_vec(&ledger).expect("a ledger always serialises");
//! let mut ledger: Ledger = serde_json::from_slice(&snapshot).expect("our own snapshot");
//! // The restored ledger still knows its lines. (INV-2's line was replaced
//! // since: sent again in its old form it would be a conflict.)
//! assert_eq!(ledger.record_all(&batch[..2])?.replays, 2);
//! assert!(ledger.record(batch[2].clone()).unwrap_err().is_conflict());
//!
//! // The review of the period.
//! let portfolio = Review::new(&ledger, d(2026, 1, 1)).run(&Policy::default())?;
//! assert_eq!(portfolio.get("D-1").unwrap().turnover(), Decimal::from(425_000));
//! assert!(portfolio.get("D-3").is_none()); // its only invoice was voided
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # Ledgers built in parallel
//!
//! Ledgers merge, so chunks of invoice lines can be aggregated on separate
//! threads (or machines) and combined; the result equals one ledger built
//! from everything.
//!
//! ```
//! use partner_priority::chrono::NaiveDate;
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
//!
//! let sales: Vec<Sale> = (0..10_000)
//!     .map(|i| {
//!         let date = NaiveDate::from_ymd_opt(2025, 1 + (i % 12) as u32, 1).unwrap();
//!         let partner = PartnerId::new(&format!("P{}", i % 97)).unwrap();
//!         Sale::new(partner, date, Money::new(Decimal::new(i64::from(i) * 100 + 1, 2), Currency::RUB))
//!             .with_invoice(format!("INV-{i}"))
//!     })
//!     .collect();
//! let (left, right) = sales.split_at(sales.len() / 2);
//! let mut ledger = std::thread::scope(|s| {
//!     let a = s.spawn(|| {
//!         let mut l = Ledger::new(Currency::RUB);
//!         l.record_all(left).map(|_| l)
//!     });
//!     let mut b = Ledger::new(Currency::RUB);
//!     b.record_all(right)?;
//!     let mut a = a.join().expect("the worker thread does not panic")?;
//!     a.merge(b)?;
//!     Ok::<_, partner_priority::Error>(a)
//! })?;
//! let mut one = Ledger::new(Currency::RUB);
//! one.record_all(sales)?;
//! assert_eq!(ledger, one);
//! # ledger.merge(Ledger::new(Currency::RUB))?;
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # Keeping reviews across runs
//!
//! Store each review's [`Portfolio`](crate::Portfolio) as JSON and pass it
//! in next time: tier hysteresis and the migrations come from it.
//!
//! ```
//! use partner_priority::chrono::NaiveDate;
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Portfolio, Review, Sale};
//!
//! let mut ledger = Ledger::new(Currency::RUB);
//! let june = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
//! ledger.record(Sale::new(PartnerId::new("D-1")?, june, Money::new(Decimal::from(900_000), Currency::RUB)))?;
//! let policy = Policy::default();
//! let q3 = Review::new(&ledger, NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()).run(&policy)?;
//! let stored: String = q3.to_json()?;
//! // … a quarter later …
//! let previous = Portfolio::from_json(&stored)?;
//! assert_eq!(previous, q3);
//! let q4 = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).previous(&previous).run(&policy)?;
//! assert_eq!(q4.migrations().map(|m| m.continuing()), Some(1));
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # Running on your own thread pool
//!
//! With the `parallel` feature, large reviews run on a rayon pool of the
//! crate's own. A program that has its pool calls the crate from inside it
//! (`pool.install(|| Review::new(..).run(&policy))`), and the work stays on
//! that pool. Without the feature everything runs on the caller's thread;
//! the results are the same either way.
