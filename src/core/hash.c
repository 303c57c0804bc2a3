/*
 * hash.c - the string hash and the open-addressing slot tables that the
 * postings writer, the vocabulary writer and the speller share.  A slot
 * table is a power-of-two array of uint32_t, each slot 0 (free) or the
 * index + 1 of an entry kept in the caller's own array; callers probe it
 * themselves, since only they know how to compare their entries.
 *
 * The hash is part of what the speller stores (its trigram buckets), so it
 * must never change.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "savoir.h"

/* 32-bit FNV-1a. */
uint32_t
hash_fnv1a(const char *s, size_t n)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

uint32_t *
slots_grow(uint32_t *slots, size_t *nslots, size_t min)
{
	size_t	 n = *nslots == 0 ? 16 : *nslots * 2;

	while (n < min)
		n *= 2;
	free(slots);
	*nslots = n;
	return xcalloc(n, sizeof *slots);
}

void
slots_clear(uint32_t *slots, size_t nslots)
{
	if (slots != NULL)
		memset(slots, 0, nslots * sizeof *slots);
}

void
slots_put(uint32_t *slots, size_t nslots, uint32_t hash, size_t i)
{
	size_t	 j;

	for (j = hash & (nslots - 1); slots[j] != 0; j = (j + 1) & (nslots - 1))
		;
	slots[j] = (uint32_t)i + 1;
}
