#!/usr/bin/env python3
"""Aggregate invoice lines into monthly figures on Apache Spark.

    python3 scripts/spark_monthly.py INVOICES.csv OUT_DIR [--partitions N]

Reads the invoice CSV with an explicit schema (amounts as DECIMAL(18,2),
never inferred as doubles), runs scripts/monthly_figures.sql with Spark SQL
and writes the result as Spark writes Parquet: a directory of Snappy part
files with a _SUCCESS marker, which partner_priority's ParquetImport reads as
one data set (`assess --monthly OUT_DIR`).

Here Spark runs in local mode, bound to the loopback. On a cluster the same
script runs unchanged with spark-submit and S3 or HDFS paths:

    spark-submit --master yarn scripts/spark_monthly.py \
        s3a://billing/invoices/ s3a://warehouse/monthly_figures/
"""
import argparse
import os
import pathlib

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

from pyspark.sql import SparkSession  # noqa: E402

SCHEMA = (
    "partner_id STRING, date DATE, amount DECIMAL(18,2), invoice_id STRING, "
    "margin DECIMAL(18,2), due_date DATE, paid_date DATE"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("invoices")
    parser.add_argument("out")
    parser.add_argument("--partitions", type=int, default=4, help="part files to write")
    args = parser.parse_args()
    query = (pathlib.Path(__file__).with_name("monthly_figures.sql")).read_text(encoding="utf-8")

    builder = SparkSession.builder.appName("partner-priority monthly figures")
    if "SPARK_MASTER" not in os.environ and not os.environ.get("PYSPARK_SUBMIT_ARGS"):
        builder = (
            builder.master("local[2]")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(args.partitions))
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        invoices = spark.read.csv(args.invoices, header=True, schema=SCHEMA, mode="FAILFAST")
        invoices.createOrReplaceTempView("invoices")
        monthly = spark.sql(query)
        # Each partner's rows in one part file, by month: the crate reads
        # rows that come by partner and month without hashing them.
        (
            monthly.repartition(args.partitions, "partner_id")
            .sortWithinPartitions("partner_id", "month", "due_date", "paid_date")
            .write.mode("overwrite")
            .parquet(args.out)
        )
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
