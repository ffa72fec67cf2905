#!/usr/bin/env python3
"""Score a folder of transcripts with callscore inside Apache Spark.

    spark-submit examples/spark/callscore_job.py INPUT --out OUT \
        --callscore target/release/callscore --rules rules [--metadata side.csv ...]

(or `python3 examples/spark/callscore_job.py ... --master local[2]` with pyspark
installed). INPUT is a folder or an object-store path Spark can list (file:, hdfs:,
s3a:, abfss:, dbfs:); every file below it is read.

What happens, and why:
1. Spark lists and reads the files (`binaryFiles`: bytes, so GBK, UTF-16 and .gz files
   reach callscore exactly as on disk) and spreads them over partitions.
2. Each file becomes one line, a callscore *file envelope*
   (`{"type": "file", "path": ..., "data_base64": ...}`, docs/formats.md), so every
   format keeps its name: the call ids and `source` of its records are those of
   `callscore run` on the same files. `path` is relative to INPUT's parent folder
   (`corpus/aws/x.json` for INPUT `.../corpus`).
3. The callscore binary, the rule pack and side metadata CSVs are shipped with
   `SparkContext.addFile`; each partition is piped through
   `callscore run - --out - --threads 1 --input-errors-ok` (one core per Spark task:
   Spark, not callscore, decides the parallelism) with `RDD.pipe(checkCode=True)`, so a
   crash, a fatal error or a kill fails the task (Spark retries it, then fails the job)
   while an unreadable transcript is an error record, as in a plain run.
4. The piped lines are kept once (persisted: the scoring runs once per partition) and
   routed by their `type`: call records to Parquet (`OUT/calls.parquet`, written by
   Spark), error records to JSON Lines (`OUT/errors/`, never dropped), and the one
   aggregates line each partition ends with to the driver.
5. The job checks that every partition ended with its aggregates line (a stream cut
   short would lose calls from the numbers) and runs `callscore merge` on them:
   `RUN_DIR` (default `OUT/run`, which must then be a local path) becomes a run folder
   with `aggregates.json` and `summary.json` that `callscore report` reads.
"""

import argparse
import base64
import json
import os
import posixpath
import shlex
import subprocess
import sys
import tempfile


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("input", help="folder or object-store path of transcript files")
    p.add_argument("--out", required=True, help="output folder (Parquet, errors, run)")
    p.add_argument("--run-dir", help="the merged run folder (default: OUT/run; a local path)")
    p.add_argument("--callscore", required=True, help="the callscore binary (Linux, for the executors)")
    p.add_argument("--rules", required=True, help="the rule pack folder")
    p.add_argument("--metadata", action="append", default=[], help="side metadata CSV joined on call_id (repeatable)")
    p.add_argument("--partitions", type=int, default=0, help="minimum partitions (default: Spark's)")
    p.add_argument("--run-id", help="the run id written into every output (default: new)")
    p.add_argument("--master", help="Spark master when not started by spark-submit, e.g. local[2]")
    return p.parse_args(argv)


def relative_to_parent(root, path):
    """`path` as a plain run over INPUT names it: relative to INPUT's parent folder."""
    root = root.rstrip("/")
    parent = posixpath.dirname(root)
    if path.startswith(root + "/") and parent:
        return path[len(parent) + 1:]
    return path


def envelope(root):
    def make(item):
        path, data = item
        return json.dumps(
            {
                "type": "file",
                "path": relative_to_parent(root, path),
                "data_base64": base64.b64encode(data).decode("ascii"),
            }
        )

    return make


def line_type(line):
    """callscore writes `type` first: `{"type":"call",...`."""
    if line.startswith('{"type":"call"'):
        return "call"
    if line.startswith('{"type":"error"'):
        return "error"
    if line.startswith('{"type":"aggregates"'):
        return "aggregates"
    return "other"


def main(argv):
    args = parse_args(argv)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark import SparkFiles, StorageLevel
    from pyspark.sql import SparkSession

    # Every file below INPUT, in sub-folders too (Hadoop lists one level by default).
    builder = (
        SparkSession.builder.appName("callscore")
        .config("spark.hadoop.mapreduce.input.fileinputformat.input.dir.recursive", "true")
        .config("spark.ui.showConsoleProgress", "false")
        # Transcripts are small files: sizing splits as if each cost 4 MB to open
        # (Spark's default) makes one split of a small corpus; by bytes alone,
        # binaryFiles gives about --partitions splits without a shuffle.
        .config("spark.files.openCostInBytes", "0")
    )
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    local = sc.master.startswith("local")

    # Ship the binary, the pack and the side metadata to every executor.
    sc.addFile(os.path.abspath(args.callscore))
    sc.addFile(os.path.abspath(args.rules), recursive=True)
    for m in args.metadata:
        sc.addFile(os.path.abspath(m))

    def on_executor(path):
        # SparkFiles.get on the driver names the driver's copy. In local mode the
        # executors run in the driver's process and use that copy; on a cluster each
        # executor keeps added files in its working directory (SparkFiles' root there
        # is "."), where pipe starts the command.
        name = os.path.basename(os.path.normpath(path))
        return SparkFiles.get(name) if local else os.path.join(".", name)

    command = [
        on_executor(args.callscore), "run", "-", "--out", "-",
        "--rules", on_executor(args.rules),
        "--threads", "1", "--input-errors-ok", "--quiet",
    ]
    for m in args.metadata:
        command += ["--metadata", on_executor(m)]
    if args.run_id:
        command += ["--run-id", args.run_id]
    # pipe replaces the environment with this one: give what callscore needs, no more.
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8"}

    # Paths as Spark lists them (file:/abs/..., s3a://bucket/...), and INPUT the same way.
    root = args.input.rstrip("/")
    if "://" not in root and not root.startswith("file:"):
        root = os.path.abspath(root)
    root = _plain(root)
    metadata = {os.path.abspath(m) for m in args.metadata}
    files = sc.binaryFiles(args.input, minPartitions=args.partitions or None)
    files = files.map(lambda pb: (_plain(pb[0]), pb[1]))
    files = files.filter(lambda pb: pb[0] not in metadata)
    parts = files.getNumPartitions()
    lines = files.map(envelope(root)).pipe(shlex.join(command), env=env, checkCode=True)
    lines.persist(StorageLevel.MEMORY_AND_DISK)

    out = args.out.rstrip("/")
    calls = lines.filter(lambda l: line_type(l) == "call")
    errors = lines.filter(lambda l: line_type(l) == "error")
    aggregates = lines.filter(lambda l: line_type(l) == "aggregates").collect()
    other = lines.filter(lambda l: line_type(l) == "other").take(1)
    if other:
        sys.exit(f"callscore wrote a line that is not a record: {other[0][:200]}")
    if len(aggregates) != parts:
        sys.exit(
            f"{parts} partitions but {len(aggregates)} aggregates lines: a callscore stream was cut short; nothing merged"
        )

    n_calls = calls.count()
    if n_calls:
        spark.read.json(calls).write.mode("overwrite").parquet(out + "/calls.parquet")
    n_errors = errors.count()
    spark.createDataFrame(errors.map(lambda l: (l,)), "value string").write.mode(
        "overwrite"
    ).text(out + "/errors")

    run_dir = args.run_dir or _plain(out) + "/run"
    with tempfile.TemporaryDirectory() as tmp:
        agg_file = os.path.join(tmp, "aggregates.jsonl")
        with open(agg_file, "w", encoding="utf-8") as f:
            f.write("\n".join(aggregates) + "\n")
        merge = [args.callscore, "merge", agg_file, "--out", run_dir]
        if args.run_id:
            merge += ["--run-id", args.run_id]
        subprocess.run(merge, check=True)
    print(
        f"callscore on Spark: {parts} partitions, {n_calls} calls in {out}/calls.parquet, "
        f"{n_errors} error records in {out}/errors, aggregates in {run_dir}",
        file=sys.stderr,
    )
    spark.stop()


def _plain(path):
    """A local path without its `file:` scheme (Spark lists local files as file:/...)."""
    for scheme in ("file://", "file:"):
        if path.startswith(scheme):
            return path[len(scheme):]
    return path


if __name__ == "__main__":
    main(sys.argv[1:])
