/*
 * query_int.h - what the query's parser (query.c) shares with its writer
 * (query_write.c): reading the repaired input a code point at a time,
 * folding, notices, and the tree's nodes.  Nothing else includes it.
 */
#ifndef SAVOIR_QUERY_INT_H
#define SAVOIR_QUERY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "savoir.h"

/* The code point at s[i] (U+FFFD for a bad byte, 0 past n) in *cp; its
 * length in bytes. */
size_t		 q_cp(const char *s, size_t n, size_t i, uint32_t *cp);
int		 q_is_space(uint32_t c);
int		 q_is_quote(uint32_t c);
/* s folded as the tokenizer folds (caller frees). */
char		*q_fold(const char *s, size_t len);
/* A French notice for the person who typed the query. */
void		 q_notice(struct query *, const char *fmt, ...)
		    SAVOIR_PRINTFLIKE(2, 3);
/* A node owning text (may be NULL); a node with its kids; one more kid. */
struct qnode	*q_node_new(enum qnode_kind kind, char *text);
void		 q_node_free(struct qnode *);
void		 q_node_adopt(struct qnode *parent, struct qnode *kid);

#endif /* SAVOIR_QUERY_INT_H */
