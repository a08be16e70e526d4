#!/usr/bin/env python3
"""ABC(D) segment and volume tier per partner with polars (eager API).

The same job as the crate's `assess` example, reduced to the two figures the
benchmark compares: reads invoice lines (`partner_id,date,amount,...`) with
`amount` as an exact Decimal, sums turnover per partner per month, takes the
per-partner total over the review window and classes every partner:

- segment (default contract): base = sum of positive partner turnovers;
  partners with equal turnover form a tie group, classed as a whole by the
  cumulative turnover strictly above it ("before"): A if before < 80 % of
  base, else B if < 95 %, else C if < 99 %, else D; turnover <= 0 is D;
- tier by the monthly average over the whole window: Gold if total >
  500 000 x months, Silver if >= 100 000 x months, Bronze if >= 20 000 x
  months, else Beginner.

All comparisons are exact, on integer kopecks derived from the Decimal sums.
Partners with a line before the review date but none in the window are kept
(turnover 0, segment D, Beginner), as the crate does.

usage: polars_job.py INVOICES.csv OUT.csv [--as-of YYYY-MM-DD] [--months N]
"""

import argparse
import datetime as dt

import polars as pl

INT64_MAX = 2**63 - 1


def window_start(as_of: dt.date, months: int) -> dt.date:
    """The first day of the window of `months` whole months before `as_of`."""
    index = as_of.year * 12 + (as_of.month - 1) - months
    return dt.date(index // 12, index % 12 + 1, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("invoices")
    ap.add_argument("out")
    ap.add_argument("--as-of", default="2026-11-01", type=dt.date.fromisoformat)
    ap.add_argument("--months", default=12, type=int)
    args = ap.parse_args()
    if args.as_of.day != 1:
        ap.error("--as-of must be the first day of a month")
    first = window_start(args.as_of, args.months)

    lines = pl.read_csv(
        args.invoices,
        columns=["partner_id", "date", "amount"],
        schema_overrides={"partner_id": pl.String, "date": pl.Date, "amount": pl.Decimal(18, 2)},
    )

    # Turnover per partner per month, exact (Decimal sums), up to the review date.
    monthly = (
        lines.filter(pl.col("date") < args.as_of)
        .group_by("partner_id", pl.col("date").dt.month_start().alias("month"))
        .agg(pl.col("amount").sum())
    )
    del lines

    # Window total per partner (0 for a partner with lines only before the window),
    # as integer kopecks.
    totals = monthly.group_by("partner_id").agg(
        (pl.col("amount").filter(pl.col("month") >= first).sum() * 100).cast(pl.Int64).alias("kop")
    )
    del monthly

    # Segment: tie groups = distinct positive turnovers, classed by what lies strictly above.
    positive = totals.filter(pl.col("kop") > 0)
    base = int(positive["kop"].sum())
    if base * 100 > INT64_MAX:
        raise SystemExit("turnover too large for exact int64 comparisons")
    groups = (
        positive.group_by("kop")
        .len()
        .sort("kop", descending=True)
        .with_columns(before=(pl.col("kop") * pl.col("len")).cum_sum() - pl.col("kop") * pl.col("len"))
        .select(
            "kop",
            pl.when(pl.col("before") * 100 < 80 * base)
            .then(pl.lit("A"))
            .when(pl.col("before") * 100 < 95 * base)
            .then(pl.lit("B"))
            .when(pl.col("before") * 100 < 99 * base)
            .then(pl.lit("C"))
            .otherwise(pl.lit("D"))
            .alias("segment"),
        )
    )

    m = args.months
    result = totals.join(groups, on="kop", how="left").select(
        "partner_id",
        pl.col("segment").fill_null("D"),  # turnover <= 0
        pl.when(pl.col("kop") > 500_000_00 * m)
        .then(pl.lit("Gold"))
        .when(pl.col("kop") >= 100_000_00 * m)
        .then(pl.lit("Silver"))
        .when(pl.col("kop") >= 20_000_00 * m)
        .then(pl.lit("Bronze"))
        .otherwise(pl.lit("Beginner"))
        .alias("tier"),
    )
    result.write_csv(args.out)


if __name__ == "__main__":
    main()
