#!/usr/bin/env bash
# layering.sh - the store owns all SQL: no SQLite call and no raw handle
# outside the core's store, search and postings files (store*.c,
# search*.c, postings*.c).  The daemon and the
# CLI read the index through the functions of savoir.h (store_read.c,
# store_copy.c), which check every statement to its end; a statement
# written anywhere else would be one more place where a failed read could
# pass for a short answer.
#
# Justified exceptions, and why:
#   src/core/tokenizer_fr.c, textpack.c, sqlite_ext.c  are SQLite
#     extensions (a tokenizer and SQL functions): their job is SQLite's API.
# The check is a grep of the sources, so it needs no build.
. "$(dirname "$0")/lib.sh"

src=$top_srcdir/src
plan 6

# Every line of the C sources naming the SQLite API, as file:line:text.
grep -n 'sqlite3_' "$src"/savoird/*.c "$src"/savoir/*.c "$src"/savoird/*.h \
    "$src"/savoir/*.h >"$T_TMP/front" 2>/dev/null
grep -nE '\<(store_db|store_stmt)\>|store_int\.h' "$src"/savoird/*.[ch] \
    "$src"/savoir/*.[ch] >"$T_TMP/raw" 2>/dev/null
grep -lE 'sqlite3_' "$src"/core/*.c "$src"/index/*.c 2>/dev/null |
    sed "s|^$src/||" >"$T_TMP/users"
grep -vE '^core/(store[a-z_]*|search[a-z_]*|postings[a-z_]*|tokenizer_fr|textpack|sqlite_ext)\.c$' \
    "$T_TMP/users" >"$T_TMP/others"
grep -nE '\<(store_db|store_stmt)\>' "$src"/core/savoir.h \
    "$src"/index/*.h >"$T_TMP/decl" 2>/dev/null

hasnt "the daemon and the CLI make no SQLite call" . "$T_TMP/front"
hasnt "the daemon and the CLI never hold the raw handle or a statement" . \
    "$T_TMP/raw"
hasnt "only the store, search, postings and the SQLite extensions use the SQLite API" \
    . "$T_TMP/others"
hasnt "store_db and store_stmt are not in the public headers" . "$T_TMP/decl"
# The other side: the rule is not vacuous.
has "the store's read functions use the SQLite API" '^core/store_read\.c$' \
    "$T_TMP/users"
has "the core-private header declares store_db" '\<store_db\>' \
    "$src/core/store_int.h"
finish
