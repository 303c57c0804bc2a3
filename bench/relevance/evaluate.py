#!/usr/bin/python3
"""Score ranked runs against graded relevance judgements.

  evaluate.py --qrels qrels.tsv --queries queries.tsv --run NAME=run.tsv [--run ...]
              [--baseline NAME ...] [--json out.json] [--markdown out.md]
              [--bootstrap 2000] [--seed 1] [--floor ndcg10=0.60 ...]

queries.tsv: qid TAB split TAB query (or qid TAB query: split "all").
qrels.tsv:   qid TAB docid TAB grade (2 = best answer, 1 = also relevant, 0 = not).
run.tsv:     qid TAB rank TAB docid TAB score (what `savoir bench-query` prints).

Per split: nDCG@10 (gain 2^g - 1, log2 discount, ideal ranking from the
qrels), MRR@10 (first document of grade >= 1) and Recall@10, each with a 95 %
bootstrap percentile interval over the queries; with --baseline, the ratio of
each run's nDCG@10 to the better baseline's (the one with the higher nDCG@10
in that split), with a 95 % paired-bootstrap interval. A query missing from a
run scores 0; a query without any judgement is left out, with a warning.
The resampling is seeded per split, so the output is deterministic.
"""
import argparse, json, math, random, sys
from collections import defaultdict

K = 10
METRICS = [("ndcg10", "nDCG@10"), ("mrr10", "MRR@10"), ("recall10", "R@10")]


def rows(path, min_cols):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < min_cols:
                sys.exit("evaluate.py: %s:%d: expected %d tab-separated columns" % (path, n, min_cols))
            yield cols


def read_run(path):
    ranked = defaultdict(list)
    for cols in rows(path, 3):
        ranked[cols[0]].append((int(cols[1]), cols[2]))
    run = {}
    for qid, hits in ranked.items():
        seen, docs = set(), []
        for _, doc in sorted(hits):
            if doc not in seen:
                seen.add(doc)
                docs.append(doc)
        run[qid] = docs[:K]
    return run


def score(docs, judged):
    """nDCG@10, MRR@10, Recall@10 of one ranked list against {doc: grade}."""
    dcg = sum((2 ** judged.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(docs))
    ideal = sorted(judged.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    rr = next((1.0 / (i + 1) for i, d in enumerate(docs) if judged.get(d, 0) >= 1), 0.0)
    relevant = sum(1 for g in judged.values() if g >= 1)
    found = sum(1 for d in docs if judged.get(d, 0) >= 1)
    return {"ndcg10": dcg / idcg if idcg else 0.0, "mrr10": rr,
            "recall10": found / relevant if relevant else 0.0}


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def percentile(sorted_xs, p):
    if not sorted_xs:
        return None
    pos = p * (len(sorted_xs) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def interval(values):
    values = sorted(values)
    return percentile(values, 0.025), percentile(values, 0.975)


def fmt(m):
    if m is None or m.get("mean") is None:
        return "-"
    if m.get("lo") is None:
        return "%.3f" % m["mean"]
    return "%.3f [%.3f, %.3f]" % (m["mean"], m["lo"], m["hi"])


def main():
    ap = argparse.ArgumentParser(description="nDCG@10, MRR@10 and Recall@10 of runs, with bootstrap intervals.")
    ap.add_argument("--qrels", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--run", action="append", required=True, metavar="NAME=FILE")
    ap.add_argument("--baseline", action="append", default=[], metavar="NAME")
    ap.add_argument("--json")
    ap.add_argument("--markdown")
    ap.add_argument("--bootstrap", type=int, default=2000, metavar="N")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--floor", action="append", default=[], metavar="METRIC=VALUE")
    a = ap.parse_args()

    runs = {}
    for spec in a.run:
        name, sep, path = spec.partition("=")
        if not sep or not name or name in runs:
            ap.error("--run wants a distinct NAME=FILE, got %r" % spec)
        runs[name] = read_run(path)
    for b in a.baseline:
        if b not in runs:
            ap.error("--baseline %s is not one of the runs" % b)
    floors = {}
    for spec in a.floor:
        metric, _, value = spec.partition("=")
        try:
            floors[metric] = float(value)
        except ValueError:
            ap.error("--floor wants METRIC=NUMBER, got %r" % spec)
        if metric not in dict(METRICS):
            ap.error("--floor metric must be one of %s" % ", ".join(dict(METRICS)))
    if a.bootstrap < 0:
        ap.error("--bootstrap must be 0 (no intervals) or more")

    qrels = defaultdict(dict)
    for cols in rows(a.qrels, 3):
        qrels[cols[0]][cols[1]] = int(cols[2])
    splits = defaultdict(list)
    for cols in rows(a.queries, 2):
        qid, split = cols[0], (cols[1] if len(cols) >= 3 else "all")
        if not any(g >= 1 for g in qrels.get(qid, {}).values()):
            print("evaluate.py: warning: query %s has no relevant judgement, left out" % qid, file=sys.stderr)
            continue
        splits[split].append(qid)

    report = {"k": K, "bootstrap": a.bootstrap, "seed": a.seed, "baselines": a.baseline, "splits": {}}
    for split, qids in splits.items():
        rng = random.Random("%d:%s" % (a.seed, split))
        n = len(qids)
        samples = [[rng.randrange(n) for _ in range(n)] for _ in range(a.bootstrap)]
        per = {name: [score(run.get(q, []), qrels[q]) for q in qids] for name, run in runs.items()}
        out = {"queries": n, "runs": {}}
        for name, scores in per.items():
            r = {"per_query": {q: s for q, s in zip(qids, scores)}}
            for m, _ in METRICS:
                xs = [s[m] for s in scores]
                lo, hi = interval([mean([xs[i] for i in smp]) for smp in samples]) if samples else (None, None)
                r[m] = {"mean": mean(xs), "lo": lo, "hi": hi}
            out["runs"][name] = r
        if a.baseline:
            best = max(a.baseline, key=lambda b: out["runs"][b]["ndcg10"]["mean"])
            out["baseline"] = best
            base = [s["ndcg10"] for s in per[best]]
            for name, scores in per.items():
                xs = [s["ndcg10"] for s in scores]
                ratios = []
                for smp in samples:
                    den = mean([base[i] for i in smp])
                    if den > 0:
                        ratios.append(mean([xs[i] for i in smp]) / den)
                den = mean(base)
                lo, hi = interval(ratios) if ratios else (None, None)
                out["runs"][name]["ratio"] = {"mean": mean(xs) / den if den > 0 else None, "lo": lo, "hi": hi}
        report["splits"][split] = out

    head = ["split", "run"] + [label for _, label in METRICS]
    if a.baseline:
        head.append("nDCG@10 / best baseline")
    table = []
    for split, out in report["splits"].items():
        for name, r in out["runs"].items():
            row = ["%s (%d)" % (split, out["queries"]), name] + [fmt(r[m]) for m, _ in METRICS]
            if a.baseline:
                row.append(fmt(r["ratio"]) + (" (%s)" % out["baseline"] if name != out["baseline"] else " (baseline)"))
            table.append(row)
    widths = [max(len(x) for x in col) for col in zip(head, *table)]
    for row in [head] + table:
        print("  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip())
    if a.bootstrap:
        print("95 %% bootstrap percentile intervals, %d resamples of the queries, seed %d" % (a.bootstrap, a.seed))

    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, sort_keys=True)
            f.write("\n")
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
            for row in table:
                f.write("| " + " | ".join(row) + " |\n")

    first = next(iter(runs))
    failed = False
    for split, out in report["splits"].items():
        for metric, floor in floors.items():
            got = out["runs"][first][metric]["mean"]
            if got < floor:
                print("evaluate.py: floor not met: run %s, split %s: %s = %.3f < %.3f"
                      % (first, split, metric, got, floor), file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
