//! Generates the bundled sample data (`examples/data/`) or a large data set
//! for the benchmarks. Deterministic: the same arguments give the same bytes.
//!
//! ```text
//! cargo run --release --example generate -- sample examples/data
//! cargo run --release --example generate -- usd examples/data
//! cargo run --release --example generate -- large 1000000 10000000 /tmp/invoices.csv
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "support/synth.rs"]
mod synth;

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

/// The policy of the USD sample: the article's tier floors at 100 roubles
/// to the dollar.
const USD_POLICY: &str = r#"{
  "tiers": {
    "currency": "USD",
    "gold": {"above": 3000},
    "silver": {"from": 800},
    "bronze": {"from": 150}
  }
}
"#;

/// The sample data ends with October 2026; its "as of" is 2026-11-01.
const SAMPLE_AS_OF: (i32, u32, u32) = (2026, 11, 1);

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("sample") => {
            let dir = PathBuf::from(args.get(1).map_or("examples/data", String::as_str));
            std::fs::create_dir_all(&dir)?;
            let as_of = NaiveDate::from_ymd_opt(SAMPLE_AS_OF.0, SAMPLE_AS_OF.1, SAMPLE_AS_OF.2).ok_or("date")?;
            let sample = synth::sample(300, 24, as_of, 20_261_101);
            synth::write_invoices(&sample, BufWriter::new(File::create(dir.join("invoices.csv"))?))?;
            synth::write_partners(&sample, BufWriter::new(File::create(dir.join("partners.csv"))?))?;
            synth::write_risk(&sample, BufWriter::new(File::create(dir.join("risk.csv"))?))?;
            for p in &sample.partners {
                if p.kind != synth::Kind::Regular {
                    println!("{} {:?}", p.id, p.kind);
                }
            }
            println!(
                "wrote {} partners and {} invoice lines to {}",
                sample.partners.len(),
                sample.lines.len(),
                dir.display()
            );
        }
        Some("usd") => {
            // A smaller network billed in US dollars (amounts a hundredth of
            // the rouble sample's), with a policy whose tiers are in USD.
            let dir = PathBuf::from(args.get(1).map_or("examples/data", String::as_str));
            std::fs::create_dir_all(&dir)?;
            let as_of = NaiveDate::from_ymd_opt(SAMPLE_AS_OF.0, SAMPLE_AS_OF.1, SAMPLE_AS_OF.2).ok_or("date")?;
            let sample = synth::sample(60, 24, as_of, 20_261_102);
            let file = BufWriter::new(File::create(dir.join("usd-invoices.csv"))?);
            synth::write_invoices_in(&sample, "USD", 100, file)?;
            std::fs::write(dir.join("usd-policy.json"), USD_POLICY)?;
            println!("wrote {} invoice lines in USD and the USD policy to {}", sample.lines.len(), dir.display());
        }
        Some("large") => {
            let partners: usize = args.get(1).ok_or("partners")?.parse()?;
            let lines: usize = args.get(2).ok_or("lines")?.parse()?;
            let path = args.get(3).ok_or("output file")?;
            let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).ok_or("date")?;
            let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
            writeln!(out, "partner_id,date,amount,invoice_id")?;
            let mut result = Ok(());
            synth::large(partners, lines, as_of, 7, |p, date, amount, n| {
                if result.is_ok() {
                    result = writeln!(out, "P{p:07},{date},{},I{n:09}", synth::money(amount));
                }
            });
            result?;
            out.flush()?;
            println!("wrote {lines} lines for {partners} partners to {path}");
        }
        _ => {
            eprintln!("usage: generate sample [DIR] | generate usd [DIR] | generate large PARTNERS LINES FILE");
            std::process::exit(2);
        }
    }
    Ok(())
}
