#!/usr/bin/env bash
# fulldisk.sh - savoir index on a disk that fills up (issue 14): the run
# stops with a message naming the index and the free and needed space, the
# batch under way rolls back whole, the WAL is folded in and truncated so
# its room comes back, savoir check passes, the batches committed before
# answer searches, and a run once there is room indexes the rest.  The
# disk is a small tmpfs: the test needs root to mount it.
. "$(dirname "$0")/lib.sh"

mnt="$T_TMP/mnt"
mkdir "$mnt"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=4m tmpfs "$mnt" 2>/dev/null; then
	echo "1..0 # SKIP needs root to mount a tmpfs"
	exit 0
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$T_TMP"' EXIT
plan 21

# Twelve CSV files of 500 partnerships each: one file is one batch (about
# 1 MB of index), each file's rows carry a word of their own (lot03x).
tree="$T_TMP/tree"
python3 - "$tree" <<'EOF'
import os, random, sys
out = sys.argv[1]
random.seed(14)
syl = ["ba", "co", "di", "fu", "ga", "le", "mi", "no", "pa", "ri", "so",
       "tu", "ve", "xa", "zo", "lon", "mar", "ter", "vil", "ques"]
vocab = ["".join(random.choice(syl) for _ in range(random.randint(2, 4)))
         for _ in range(2000)]
os.makedirs(out)
for f in range(12):
    with open(f"{out}/lot{f:02d}.csv", "w") as fh:
        fh.write("id,collectivite,type_collectivite,partenaire,pays,"
                 "annee_debut,annee_fin,themes,statut,financeurs,"
                 "montant_eur,description,source,exemple\n")
        for r in range(500):
            desc = " ".join(random.choice(vocab) for _ in range(40))
            fh.write(f"lot{f:02d}-r{r:04d},Ville de Lot{f:02d}r{r:04d},"
                     f"commune,Commune de {random.choice(vocab).capitalize()},"
                     f"Mali,2001,,eau,actif,,,\"Marque lot{f:02d}x. {desc}.\","
                     "https://example.org/x,non\n")
EOF

kb="$mnt/kb.db"
sv() { "$SAVOIR" --db "$kb" "$@"; }
wal_small() { [ ! -e "$kb-wal" ] || [ "$(stat -c %s "$kb-wal")" -lt 65536 ]; }

# --- the disk fills up after a few batches ---
fails "indexing onto a full disk exits 2" 2 sv index --quiet "$tree"
cp "$T_TMP/out" "$T_TMP/full"
has "the message names the index and says the disk is full" \
    "^savoir: cannot write the index $kb: the disk is full" "$T_TMP/full"
has "it gives the free and the needed space and what to do" \
    "the disk is full \([0-9]+\.[0-9] MB free on $mnt, the batch needed about [0-9]+\.[0-9] MB\); free space or move the index with --db" \
    "$T_TMP/full"
hasnt "no bare SQLite message" 'cannot commit|database or disk is full' "$T_TMP/full"
has "the run's summary says what the index keeps" \
    '^savoir: stopped; the index keeps what was written before: [1-9][0-9]* files \([0-9]+ read.*\): [1-9][0-9]* documents$' \
    "$T_TMP/full"
check "the WAL was truncated (its room came back)" wal_small
check "savoir check passes after the full disk" sv check
has "check says ok" 'ok \(schema 3' "$T_TMP/out"
kept=$(sed -n 's/^savoir: stopped;.*: \([0-9]*\) documents$/\1/p' "$T_TMP/full")
sv stats >"$T_TMP/stats" 2>&1
has "the index holds the documents the summary counts, batches whole" \
    "^documents +${kept:-x} from [0-9]+ files" "$T_TMP/stats"
sv search lot00x >"$T_TMP/s" 2>&1
has "the first batch answers a search" '^500 résultats' "$T_TMP/s"
sv search lot11x >"$T_TMP/s" 2>&1
has "the batches never committed are not there" 'Aucun document' "$T_TMP/s"

# --- with room again, the next run indexes the rest ---
mount -o remount,size=64m "$mnt"
check "a run once there is room completes" sv index "$tree"
has "it reads only what was not kept" \
    '^indexed 12 files \([0-9]+ read, [1-9][0-9]* unchanged, 0 removed, 0 failed' "$T_TMP/out"
sv stats >"$T_TMP/stats" 2>&1
has "every document is indexed" '^documents +6000 from 12 files' "$T_TMP/stats"
sv search lot11x >"$T_TMP/s" 2>&1
has "the last batch answers a search" '^500 résultats' "$T_TMP/s"
check "savoir check passes at the end" sv check
check "the WAL is truncated at the end of a run" wal_small

# --- a disk too small for even the first batch ---
umount "$mnt"
mount -t tmpfs -o size=1m tmpfs "$mnt"
fails "the first batch does not fit: exit 2" 2 sv index --quiet "$tree"
has "the message says the disk is full" \
    "^savoir: cannot write the index $kb: the disk is full \([0-9.]+ MB free" "$T_TMP/out"
check "the WAL was truncated" wal_small
check "savoir check passes on the index left empty" sv check
finish
