#!/usr/bin/env python3
"""Checks that the polars job and the crate's `assess` give the same segment
and tier for every partner, and the same set of partners.

usage: compare.py POLARS.csv ASSESS.csv [--examples N]

Prints the number of partners on each side, the partners on one side only,
the number of segment and tier mismatches and up to N examples of each;
exits 1 on any difference.
"""

import argparse
import sys

import polars as pl


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("polars_csv")
    ap.add_argument("assess_csv")
    ap.add_argument("--examples", type=int, default=5)
    args = ap.parse_args()

    cols = ["partner_id", "segment", "tier"]
    left = pl.read_csv(args.polars_csv, columns=cols, schema_overrides={c: pl.String for c in cols})
    # monthly_turnover (the crate's figure) is only shown in the examples.
    right = pl.read_csv(args.assess_csv, infer_schema=False)
    if "monthly_turnover" not in right.columns:
        right = right.with_columns(monthly_turnover=pl.lit("?"))
    right = right.select(cols + ["monthly_turnover"])
    bad = 0
    for name, df in (("polars", left), ("assess", right)):
        dups = df.height - df["partner_id"].n_unique()
        if dups:
            print(f"{name}: {dups} duplicate partner rows")
            bad += dups
    print(f"partners: polars {left.height}, assess {right.height}")

    both = left.join(right, on="partner_id", how="full", suffix="_assess", coalesce=True)
    only_polars = both.filter(pl.col("segment_assess").is_null() & pl.col("segment").is_not_null())
    only_assess = both.filter(pl.col("segment").is_null() & pl.col("segment_assess").is_not_null())
    for name, df in (("polars", only_polars), ("assess", only_assess)):
        print(f"only in {name}: {df.height}")
        if df.height:
            print("  e.g. " + ", ".join(df["partner_id"].head(args.examples).to_list()))
    bad += only_polars.height + only_assess.height

    common = both.filter(pl.col("segment").is_not_null() & pl.col("segment_assess").is_not_null())
    for what in ("segment", "tier"):
        diff = common.filter(pl.col(what) != pl.col(f"{what}_assess")).sort("partner_id")
        print(f"{what} mismatches: {diff.height} of {common.height}")
        if diff.height:
            counts = diff.group_by(what, f"{what}_assess").len().sort("len", descending=True)
            for row in counts.iter_rows():
                print(f"  polars {row[0]} / assess {row[1]}: {row[2]}")
            for row in diff.head(args.examples).iter_rows(named=True):
                print(
                    f"  {row['partner_id']}: polars {row[what]}, assess {row[what + '_assess']}"
                    f" (assess monthly_turnover {row['monthly_turnover']})"
                )
        bad += diff.height

    print("MATCH" if bad == 0 else f"MISMATCH: {bad} differences")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
