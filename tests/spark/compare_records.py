#!/usr/bin/env python3
"""Compare the call records a Spark job wrote as Parquet with a run's calls.jsonl.

    python3 tests/spark/compare_records.py RUN_DIR/calls.jsonl OUT/calls.parquet

Records are read back with Spark, sorted by call id (then the whole record) and compared
as JSON values after the changes a Parquet round trip makes by design: Spark infers one
schema for all records, so a field missing from a record comes back as null (dropped
here on both sides), an empty object has no columns (dropped too), and 59 and 59.0 are
one number. Prints `identical N` and exits 0, or prints the first difference and exits 1.
"""

import json
import os
import sys


def norm(v):
    if isinstance(v, dict):
        out = {k: norm(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x is not None and x != {}}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    return float(v)


def key(r):
    return (r.get("call_id", ""), json.dumps(r, sort_keys=True))


def main(jsonl, parquet):
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[1]").appName("compare").getOrCreate()
    got = [norm(json.loads(l)) for l in spark.read.parquet(parquet).toJSON().collect()]
    spark.stop()
    with open(jsonl, encoding="utf-8") as f:
        want = [norm(json.loads(l)) for l in f if l.strip()]
    want = [r for r in want if r.get("type") != "run"]
    got.sort(key=key)
    want.sort(key=key)
    if len(got) != len(want):
        print(f"{len(got)} records in Parquet, {len(want)} in {jsonl}")
        return 1
    for g, w in zip(got, want):
        if g != w:
            print("first difference:\nparquet: " + json.dumps(g, sort_keys=True)[:2000])
            print("run:     " + json.dumps(w, sort_keys=True)[:2000])
            return 1
    print(f"identical {len(got)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
