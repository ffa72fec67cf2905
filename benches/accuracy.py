#!/usr/bin/env python3
"""Accuracy of callscore on labelled text: sentiment per language and set, drivers mined
with `callscore suggest` and scored on a test split. Glue only: every number comes from
the release binary (`callscore run` reading one-turn customer calls on stdin).

Called by benches/accuracy.sh; see benches/README.md ("Accuracy on labelled text").

Metrics (as defined for the hidden sets):
- sentiment: sign accuracy over texts whose gold is not neutral, a predicted 0 counting as
  wrong; the share of texts scored exactly 0; Pearson r against the gold rating (numeric
  gold only). Neutral gold: exactly 0 for binary sets' none; |gold| < 0.5 for mean ratings
  (−4…+4), the middle of the scale where raters disagreed on the sign.
- drivers: macro-F1 over intents of the primary driver; out-of-scope texts must get no
  driver (a driver found on one counts against that driver's precision).

Each sentiment set is split by a hash of its id into a tuning part (the lexicons were
reviewed against it) and a held-out part (never looked at while tuning); both are printed.
"""

import argparse
import csv
import hashlib
import json
import math
import os
import subprocess
import sys
import time


def heldout(key, share=0.3):
    h = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)
    return (h % 1000) < share * 1000


def score(binary, rules, texts):
    """Score each text as a one-turn customer call; returns the call records in order."""
    lines = []
    for i, t in enumerate(texts):
        lines.append(
            json.dumps(
                {"call_id": f"t{i}", "turns": [{"speaker": "customer", "text": t}]},
                ensure_ascii=False,
            )
        )
    p = subprocess.run(
        [binary, "run", "-", "--rules", rules, "--out", "-", "--quiet", "--no-redact"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
    )
    if p.returncode not in (0, 3):
        sys.exit(f"callscore run failed ({p.returncode}): {p.stderr[-2000:]}")
    recs = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        if r.get("type") == "call":
            recs[r["call_id"]] = r
    return [recs.get(f"t{i}") for i in range(len(texts))]


def pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def sentiment_metrics(golds, preds, neutral):
    polar = [(g, p) for g, p in zip(golds, preds) if not neutral(g)]
    right = sum(1 for g, p in polar if p != 0 and (p > 0) == (g > 0))
    zeros = sum(1 for p in preds if p == 0)
    return {
        "n": len(golds),
        "polar": len(polar),
        "sign_acc": right / len(polar) if polar else float("nan"),
        "zeros": zeros / len(preds) if preds else float("nan"),
        "pearson": pearson(golds, preds),
    }


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def sentiment_sets(data):
    """(language, set name, [(key, text, gold)], neutral predicate, numeric gold); the
    held-out share of each set is in HELDOUT_SHARE."""
    out = []
    p = os.path.join(data, "sentiment", "en-tweets.tsv")
    if os.path.exists(p):
        rows = [(r["id"], r["text"], float(r["gold"])) for r in read_tsv(p)]
        out.append(("en", "en-tweets", rows, lambda g: abs(g) < 0.5, True))
    p = os.path.join(data, "sentiment", "zh-reviews.tsv")
    if os.path.exists(p):
        rows = [
            (f"zh{i}:{r['text']}", r["text"], 1.0 if r["gold"] == "1" else -1.0)
            for i, r in enumerate(read_tsv(p))
        ]
        out.append(("zh", "zh-reviews", rows, lambda g: False, False))
    # Not public data: review-like sentences written by hand by the callscore team as
    # checks for domains the development data lacks (benches/data/README.md), read from
    # the repo, not DATA. fa-handwritten keeps its 30 % held-out part; the sets written
    # later hold out half (HELDOUT_SHARE).
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    for lang, name in HANDWRITTEN:
        p = os.path.join(here, f"{name}.tsv")
        if not os.path.exists(p):
            continue
        table = read_tsv(p)
        if all(r["gold"] in ("0", "1") for r in table):
            rows = [(r["id"], r["text"], 1.0 if r["gold"] == "1" else -1.0) for r in table]
            out.append((lang, name, rows, lambda g: False, False))
        else:
            # A mean rating −4…+4, read like en-tweets.
            rows = [(r["id"], r["text"], float(r["gold"])) for r in table]
            out.append((lang, name, rows, lambda g: abs(g) < 0.5, True))
    return out


# Hand-written check sets in benches/data/, in the order they are reported.
HANDWRITTEN = [
    ("zh", "zh-hotel-handwritten"),
    ("zh", "zh-food-handwritten"),
    ("en", "en-product-handwritten"),
    ("en", "en-movie-handwritten"),
    ("en", "en-editorial-handwritten"),
    ("fa", "fa-handwritten"),
    ("fa", "fa-product-handwritten"),
    ("fa", "fa-movie-handwritten"),
    ("zh", "zh-hotel-blind"),
    ("zh", "zh-food-blind"),
    ("en", "en-product-blind"),
    ("en", "en-movie-blind"),
    ("en", "en-editorial-blind"),
]
# Share of each set held out (never looked at while tuning); 30 % unless listed.
HELDOUT_SHARE = {name: 0.5 for _, name in HANDWRITTEN if name != "fa-handwritten"}


def f1_macro(golds, preds, intents):
    rows = {}
    for it in intents:
        tp = sum(1 for g, p in zip(golds, preds) if g == it and p == it)
        fp = sum(1 for g, p in zip(golds, preds) if g != it and p == it)
        fn = sum(1 for g, p in zip(golds, preds) if g == it and p != it)
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        rows[it] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return sum(rows.values()) / len(rows), rows


def mine_and_score(binary, work, name, train_rows, parts, extra, none_label, intents):
    """`suggest` on train_rows (text, label), check and test the pack, score each part
    [(set name, rows)]; returns one result per part."""
    train = os.path.join(work, f"{name}.jsonl")
    with open(train, "w", encoding="utf-8") as f:
        for t, l in train_rows:
            f.write(json.dumps({"text": t, "label": l}) + "\n")
    pack = os.path.join(work, f"{name}-pack")
    subprocess.run(["rm", "-rf", pack], check=True)
    t0 = time.monotonic()
    cmd = [binary, "suggest", train, "--out", pack, "--kind", "drivers",
           "--none-label", none_label, *extra]
    s = subprocess.run(cmd, capture_output=True, text=True)
    took = time.monotonic() - t0
    if s.returncode != 0:
        sys.exit(f"suggest failed: {s.stderr}")
    for c in (["check", "--rules", pack], ["test", "--rules", pack]):
        r = subprocess.run([binary] + c, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"callscore {' '.join(c)} failed on the mined pack:\n{r.stdout}{r.stderr}")
    results = []
    for set_name, part in parts:
        recs = score(binary, pack, [t for t, _ in part])
        preds = [(rec or {}).get("drivers", {}).get("primary") or none_label for rec in recs]
        golds = [l for _, l in part]
        macro, _ = f1_macro(golds, preds, intents)
        oos = [p for g, p in zip(golds, preds) if g == none_label]
        clean = sum(
            1 for r, g in zip(recs, golds)
            if g == none_label and not (r or {}).get("drivers", {}).get("matched")
        )
        results.append({
            "set": set_name,
            "texts": len(part),
            "macro_f1": macro,
            "oos_clean": clean / len(oos) if oos else float("nan"),
            "suggest_s": took,
        })
    return results


def drivers(binary, data, work, extra=(), none_label="out_of_scope", folds=5):
    """Three measurements on the intent set:
    - mined from train, scored on val and on test (val chose the settings);
    - mined from train + val (the final pack: val only chose settings), scored on test;
    - cross-validation: train + val cut into `folds` parts by a hash of the text, each
      part scored by a pack mined from the others (a second split the settings were not
      chosen on); the mean macro-F1."""
    p = os.path.join(data, "drivers", "clinc150-banking.jsonl")
    if not os.path.exists(p):
        return []
    rows = [json.loads(l) for l in open(p, encoding="utf-8")]
    os.makedirs(work, exist_ok=True)
    intents = sorted({r["intent"] for r in rows if r["intent"] != none_label})
    split = {s: [(r["text"], r["intent"]) for r in rows if r["split"] == s]
             for s in ("train", "val", "test")}
    set_name = "clinc150-banking"
    results = mine_and_score(
        binary, work, "clinc-train", split["train"],
        [(f"{set_name} val", split["val"]), (f"{set_name} test", split["test"])],
        extra, none_label, intents)
    for r in mine_and_score(binary, work, "clinc-trainval", split["train"] + split["val"],
                            [(f"{set_name} test, mined from train + val", split["test"])],
                            extra, none_label, intents):
        results.append(r)
    pool = split["train"] + split["val"]
    fold_of = [int(hashlib.sha256(t.encode("utf-8")).hexdigest()[:8], 16) % folds
               for t, _ in pool]
    scores = []
    for k in range(folds):
        mine = [x for x, f in zip(pool, fold_of) if f != k]
        held = [x for x, f in zip(pool, fold_of) if f == k]
        scores += mine_and_score(binary, work, f"clinc-fold{k}", mine,
                                 [(f"fold {k}", held)], extra, none_label, intents)
    results.append({
        "set": f"{set_name} train + val, {folds}-fold mean",
        "texts": sum(r["texts"] for r in scores),
        "macro_f1": sum(r["macro_f1"] for r in scores) / folds,
        "oos_clean": sum(r["oos_clean"] for r in scores) / folds,
        "suggest_s": sum(r["suggest_s"] for r in scores) / folds,
        "folds": [r["macro_f1"] for r in scores],
    })
    return results


def speed(binary, data, work, n=100_000):
    """Time `suggest` on N labelled texts made by joining two intent-set texts (the first
    one's label), and N sentiment texts made by joining two posts (the first one's rating)."""
    import random
    rng = random.Random(7)
    out = []
    p = os.path.join(data, "drivers", "clinc150-banking.jsonl")
    q = os.path.join(data, "sentiment", "en-tweets.tsv")
    if not (os.path.exists(p) and os.path.exists(q)):
        return out
    intents = [json.loads(l) for l in open(p, encoding="utf-8")]
    tweets = read_tsv(q)
    os.makedirs(work, exist_ok=True)
    for kind, rows in (("drivers", [(r["text"], r["intent"]) for r in intents]),
                       ("sentiment", [(r["text"], r["gold"]) for r in tweets])):
        f = os.path.join(work, f"speed-{kind}.jsonl")
        size = 0
        with open(f, "w", encoding="utf-8") as w:
            for _ in range(n):
                a, b = rng.choice(rows), rng.choice(rows)
                line = json.dumps({"text": a[0] + " " + b[0], "label": a[1]}) + "\n"
                size += len(line.encode("utf-8"))
                w.write(line)
        target = os.path.join(work, f"speed-{kind}-out")
        subprocess.run(["rm", "-rf", target], check=True)
        t0 = time.monotonic()
        r = subprocess.run([binary, "suggest", f, "--out", target, "--kind", kind],
                           capture_output=True, text=True)
        took = time.monotonic() - t0
        if r.returncode != 0:
            sys.exit(f"suggest --kind {kind} failed on {n} texts: {r.stderr}")
        out.append({"kind": kind, "texts": n, "mb": size / 1e6, "seconds": took})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/callscore")
    ap.add_argument("--rules", default="rules")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--work", default="/tmp/callscore-accuracy")
    ap.add_argument("--json", help="also write the numbers as JSON here")
    ap.add_argument("--suggest-args", default="", help="extra `suggest` options (space-separated)")
    ap.add_argument("--only", choices=["sentiment", "drivers"], help="measure only one of them")
    ap.add_argument("--misses", help="write the tuning part's wrong and zero-scored texts here "
                    "(TSV: set, id, gold, score, text)")
    ap.add_argument("--lang", action="append",
                    help="sentiment sets of this language only (repeatable: --lang en --lang fa)")
    a = ap.parse_args()

    report = {"sentiment": [], "drivers": []}
    print(f"## Sentiment (pack `{a.rules}`)\n")
    print("| language | set | part | texts | polar | sign accuracy | zeros | Pearson r |")
    print("|---|---|---|---|---|---|---|---|")
    sets = [] if a.only == "drivers" else sentiment_sets(a.data)
    langs = {x for v in (a.lang or []) for x in v.split(",")}
    sets = [s for s in sets if not langs or s[0] in langs]
    misses = open(a.misses, "w", encoding="utf-8") if a.misses else None
    for lang, name, rows, neutral, numeric in sets:
        recs = score(a.bin, a.rules, [t for _, t, _ in rows])
        preds = [((r or {}).get("sentiment", {}).get("customer", {}) or {}).get("overall", 0.0)
                 for r in recs]
        for part in ("tuning", "held-out", "all"):
            idx = [i for i, (k, _, _) in enumerate(rows)
                   if part == "all"
                   or (heldout(k, HELDOUT_SHARE.get(name, 0.3)) == (part == "held-out"))]
            m = sentiment_metrics([rows[i][2] for i in idx], [preds[i] for i in idx], neutral)
            r = m["pearson"] if numeric else float("nan")
            print(f"| {lang} | {name} | {part} | {m['n']} | {m['polar']} | {m['sign_acc']:.3f} | "
                  f"{m['zeros'] * 100:.1f} % | {'' if math.isnan(r) else f'{r:.3f}'} |")
            report["sentiment"].append({"language": lang, "set": name, "part": part, **m})
        if misses:
            # Tuning part only: the held-out part stays unread while the lexicons are tuned.
            for i, (k, t, g) in enumerate(rows):
                p = preds[i]
                if (not heldout(k, HELDOUT_SHARE.get(name, 0.3)) and not neutral(g)
                        and (p == 0 or (p > 0) != (g > 0))):
                    misses.write(f"{name}\t{k}\t{g:+.1f}\t{p:+.3f}\t{t}\n")
    print("\n*-handwritten, *-blind: sentences written for these checks (benches/data/README.md), "
          "not public data: the development data has no labelled Persian text, no English "
          "product reviews, film reviews or editorials, and no Chinese hotel or food-delivery "
          "reviews. The *-blind sets were written without reading the lexicons. Half of each is "
          "held out (fa-handwritten: 30 %).")

    print("\n## Drivers (`callscore suggest` on the train split, scored on val and test; on "
          "train + val, scored on test; 5-fold cross-validation of train + val)\n")
    print("| set | texts | macro-F1 | out-of-scope with no driver | suggest time |")
    print("|---|---|---|---|---|")
    found = [] if a.only == "sentiment" else drivers(a.bin, a.data, a.work, a.suggest_args.split())
    for d in found:
        print(f"| {d['set']} | {d['texts']} | {d['macro_f1']:.3f} | {d['oos_clean']:.3f} | "
              f"{d['suggest_s']:.2f} s |")
        report["drivers"].append(d)
    if a.only is None:
        print("\n## `suggest` speed (release build, all cores)\n")
        print("| kind | texts | input | time |")
        print("|---|---|---|---|")
        for r in speed(a.bin, a.data, a.work):
            print(f"| {r['kind']} | {r['texts']:,} | {r['mb']:.1f} MB | {r['seconds']:.2f} s |")
            report.setdefault("speed", []).append(r)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
