#!/usr/bin/python3
# bench/relevance/damage.py QUERIES [SEED] - the questions with one typing
# slip each, for the typo figures of bench/README.md ("Search that forgives").
# Damage one word (6+ letters) of each query with one random typing slip:
# a deleted, doubled, swapped or replaced letter (seeded, reproducible).
import random, sys, re
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
letters = "abcdefghijklmnopqrstuvwxyz"
for line in open(sys.argv[1], encoding="utf-8"):
    qid, split, q = line.rstrip("\n").split("\t")
    words = [m for m in re.finditer(r"[a-zàâçéèêëîïôûùüÿœ]{6,}", q)]
    if not words:
        continue
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 1)
    kind = rng.choice(["del", "dup", "swap", "sub"])
    if kind == "del":
        d = w[:i] + w[i + 1:]
    elif kind == "dup":
        d = w[:i] + w[i] + w[i:]
    elif kind == "swap":
        d = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    else:
        d = w[:i] + rng.choice(letters.replace(w[i], "")) + w[i + 1:]
    print("%s\t%s\t%s" % (qid, split, q[:m.start()] + d + q[m.end():]))
