/*
 * offline-search.js - the library searched in the browser when the server
 * cannot be reached.  The index comes from /api/offline/index
 * (src/core/store_offline.c), from the Cache Storage when the service
 * worker kept it, else from the network.  It holds what the server knows
 * (each word of the library mapped to the terms the server's tokenizer
 * makes of it, every term's postings, the ranking parameters), so this
 * file never stems: it folds as src/core/tokenizer_fr.c folds, cuts the
 * elisions, reads the query as src/core/query.c reads it, looks the words
 * up and ranks as src/core/search_fast.c ranks (BM25F per field, the
 * proximity hint, the document's weight, the title phrase, the named
 * articles first).  What differs is said where it differs.
 *
 * A plain script: no library, no build step, no eval (CSP script-src
 * 'self').  In a page it runs the form of offline-search.html; under
 * Node it only exports its functions (tests/e2e/offline-fold.mjs).
 */
'use strict';

(function (root) {

/* --- folding (tokenizer_fr.c) ------------------------------------------ */

var CP_WORD = 0, CP_SEP = 1, CP_DROP = 2;

/* U+00C0-U+017F without diacritics, lower case; "" for × and ÷. */
var FOLD_LATIN = [
	'a', 'a', 'a', 'a', 'a', 'a', 'ae', 'c',
	'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
	'd', 'n', 'o', 'o', 'o', 'o', 'o', '',
	'o', 'u', 'u', 'u', 'u', 'y', 'th', 'ss',
	'a', 'a', 'a', 'a', 'a', 'a', 'ae', 'c',
	'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
	'd', 'n', 'o', 'o', 'o', 'o', 'o', '',
	'o', 'u', 'u', 'u', 'u', 'y', 'th', 'y',
	'a', 'a', 'a', 'a', 'a', 'a', 'c', 'c',
	'c', 'c', 'c', 'c', 'c', 'c', 'd', 'd',
	'd', 'd', 'e', 'e', 'e', 'e', 'e', 'e',
	'e', 'e', 'e', 'e', 'g', 'g', 'g', 'g',
	'g', 'g', 'g', 'g', 'h', 'h', 'h', 'h',
	'i', 'i', 'i', 'i', 'i', 'i', 'i', 'i',
	'i', 'i', 'ij', 'ij', 'j', 'j', 'k', 'k',
	'k', 'l', 'l', 'l', 'l', 'l', 'l', 'l',
	'l', 'l', 'l', 'n', 'n', 'n', 'n', 'n',
	'n', 'n', 'n', 'n', 'o', 'o', 'o', 'o',
	'o', 'o', 'oe', 'oe', 'r', 'r', 'r', 'r',
	'r', 'r', 's', 's', 's', 's', 's', 's',
	's', 's', 't', 't', 't', 't', 't', 't',
	'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
	'u', 'u', 'u', 'u', 'w', 'w', 'y', 'y',
	'y', 'z', 'z', 'z', 'z', 'z', 'z', 's'
];
var FOLD_FB = ['ff', 'fi', 'fl', 'ffi', 'ffl', 'st', 'st'];

function isAlnum(c) {
	return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ||
	    (c >= 97 && c <= 122);
}

function cpClass(c) {
	if (c < 0x80)
		return isAlnum(c) ? CP_WORD : CP_SEP;
	if (c === 0xAD || c === 0x200B || c === 0x200C || c === 0x200D ||
	    c === 0x2060 || (c >= 0x300 && c <= 0x36F) ||
	    (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
	    (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
	    (c >= 0xFE20 && c <= 0xFE2F))
		return CP_DROP;
	if (c <= 0xBF || c === 0xD7 || c === 0xF7 ||
	    (c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
	    (c >= 0x2100 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
	    c === 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFF) ||
	    (c >= 0x1F000 && c <= 0x1FAFF))
		return CP_SEP;
	return CP_WORD;
}

/*
 * fold_into(): words (fr_fold, FOLD_WORDS) lowercases ASCII and Greek and
 * Cyrillic capitals and makes every separator one space; otherwise (a
 * token, FOLD_DIACRITICS) only diacritics and ligatures go.
 */
function foldInto(s, words) {
	var out = '', sep = false, i, c, rep, cls;

	for (i = 0; i < s.length; ) {
		c = s.codePointAt(i);
		i += c > 0xFFFF ? 2 : 1;
		if (c < 0x80) {
			if (!words)
				out += String.fromCharCode(c);
			else if (isAlnum(c)) {
				if (sep && out.length > 0)
					out += ' ';
				sep = false;
				out += String.fromCharCode(c).toLowerCase();
			} else
				sep = true;
			continue;
		}
		rep = null;
		if (c >= 0xC0 && c <= 0x17F)
			rep = FOLD_LATIN[c - 0xC0];
		else if (c >= 0xFB00 && c <= 0xFB06)
			rep = FOLD_FB[c - 0xFB00];
		else if (words && ((c >= 0x391 && c <= 0x3A9 && c !== 0x3A2) ||
		    (c >= 0x410 && c <= 0x42F)))
			c += 0x20;
		else if (words && c >= 0x400 && c <= 0x40F)
			c += 0x50;
		cls = rep !== null ? (rep !== '' ? CP_WORD : CP_SEP) :
		    cpClass(c);
		if (cls === CP_DROP)
			continue;
		if (words && cls === CP_SEP) {
			sep = true;
			continue;
		}
		if (words && sep && out.length > 0)
			out += ' ';
		sep = false;
		if (rep !== null && rep !== '')
			out += rep;
		else
			out += String.fromCodePoint(c);
	}
	return out;
}

/* fr_fold(): what query.c and the synonyms compare. */
function frFold(s) {
	return foldInto(s, true);
}

/* A token as unicode61 hands it (lower case: its table also makes the
 * micro sign a Greek mu), folded as savoir_fr does. */
function tokenFold(tok) {
	return foldInto(tok.toLowerCase().replace(/\u00B5/g, '\u03BC'),
	    false);
}

/* Ligatures only (FOLD_LIGATURES): what the stemmer is given. */
function ligFold(tok) {
	return tok.toLowerCase().replace(/[\u0152\u0153]/g, 'oe')
	    .replace(/[\u00C6\u00E6]/g, 'ae')
	    .replace(/[\uFB00-\uFB06]/g, function (m) {
		return FOLD_FB[m.charCodeAt(0) - 0xFB00];
	    });
}

/* The Snowball French stop words and the empty words of a question
 * (tokenizer_fr.c's fr_stopwords, folded). */
var STOPWORDS = new Set(('a ai aie aient aies ainsi ait alors as au aura ' +
    'aurai auraient aurais aurait auras aurez auriez aurions aurons ' +
    'auront aussi aux avaient avais avait avec avez aviez avions avoir ' +
    'avons ayant ayante ayantes ayants ayez ayons c ca ce ceci cela celle ' +
    'celles celui ces cet cette ceux chez combien comme comment d dans de ' +
    'des devoir devra dois doit doivent donc dont du elle en es est et ' +
    'etaient etais etait etant etante etantes etants ete etee etees etes ' +
    'etiez etions etre eu eue eues eumes eurent eus eusse eussent eusses ' +
    'eussiez eussions eut eutes eux faire fait falloir faut font fumes ' +
    'furent fus fusse fussent fusses fussiez fussions fut futes il ils j ' +
    'je jusqu l la laquelle le lequel les lesquelles lesquels leur lorsqu ' +
    'lui m ma mais me meme mes moi moins mon n ne ni non nos notre nous ' +
    'on ont ou oui par pas peut peuvent peux plus pour pourquoi pourra ' +
    'pourront pouvoir puis puisqu qu quand que quel quelle quelles ' +
    'quelque quelques quels qui quoi quoiqu s sa se sera serai seraient ' +
    'serais serait seras serez seriez serions serons seront ses si ' +
    'soient sois soit sommes son sont soyez soyons suis sur t ta te tes ' +
    'toi ton tous tout toute toutes tres tu un une vers vos votre vous ' +
    'y').split(' '));

/* Elided words the tokenizer drops before an apostrophe. */
var TOK_ELISIONS = new Set(['c', 'd', 'i', 'j', 'l', 'm', 'n', 's', 't',
    'qu', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu']);
var Q_ELISIONS = new Set(['l', 'd', 'qu', 'j', 'n', 's', 'c', 'm', 't',
    'jusqu', 'lorsqu', 'puisqu', 'quoiqu', 'i']);

/* --- legal article references (article_ref_next) ------------------------ */

function isDigit(ch) {
	return ch >= '0' && ch <= '9';
}

function wordCharAt(s, i) {
	if (i < 0 || i >= s.length)
		return false;
	return cpClass(s.codePointAt(i)) !== CP_SEP;
}

function wordBefore(s, i) {
	if (i === 0)
		return false;
	var c = s.charCodeAt(i - 1);
	if (c >= 0xDC00 && c <= 0xDFFF && i >= 2)
		c = s.codePointAt(i - 2);
	return cpClass(c) !== CP_SEP;
}

function spaceLen(s, i) {
	var ch = s[i];
	return ch === ' ' || ch === '\u00A0' || ch === '\u202F' ||
	    ch === '\u2009' ? 1 : 0;
}

/* Every reference of s: {start, end, norm}, norm as "L1115-1". */
function articleRefs(s) {
	var out = [], i, j, k, c, lower, dot, norm, nd;

	for (i = 0; i + 1 < s.length; i++) {
		c = s[i];
		if ('ADRLadrl'.indexOf(c) < 0 || wordBefore(s, i))
			continue;
		lower = c >= 'a';
		norm = c.toUpperCase();
		j = i + 1;
		if ((c === 'L' || c === 'l') && (s[j] === 'O' || s[j] === 'o')) {
			norm += 'O';
			j++;
		}
		dot = false;
		if (s[j] === '.') {
			dot = true;
			j++;
		}
		if (spaceLen(s, j)) {
			if (lower && !dot && (c === 'a' || c === 'd'))
				continue;
			j++;
		}
		for (nd = 0; j + nd < s.length && isDigit(s[j + nd]); nd++)
			;
		if (nd < 3 || norm.length + nd >= 32)
			continue;
		norm += s.substr(j, nd);
		j += nd;
		while (j + 1 < s.length && s[j] === '-' && isDigit(s[j + 1])) {
			for (k = j + 1; k < s.length && isDigit(s[k]); k++)
				;
			if (norm.length + (k - j) >= 32)
				break;
			norm += s.substring(j, k);
			j = k;
		}
		if (wordCharAt(s, j) ||
		    (j + 1 < s.length && s[j] === '-' && isDigit(s[j + 1])))
			continue;
		out.push({ start: i, end: j, norm: norm });
		i = j - 1;
	}
	return out;
}

/*
 * A text as savoir_fr tokenizes it: positions, each the raw word (before
 * folding) or a reference's term.  unicode61 keeps letters, digits and
 * private-use characters; an elided word before an apostrophe is dropped.
 */
var TOKEN_RE = /[\p{L}\p{N}\p{Co}\p{M}]+/gu;

function tokenize(text) {
	var out = [], refs = articleRefs(text), seg = 0, r, k;

	function words(a, b) {
		var part = text.substring(a, b), m, after;

		TOKEN_RE.lastIndex = 0;
		while ((m = TOKEN_RE.exec(part)) !== null) {
			after = part[m.index + m[0].length];
			if ((after === "'" || after === '\u2019') &&
			    m[0].length <= 6 &&
			    TOK_ELISIONS.has(m[0].toLowerCase()))
				continue;
			out.push({ word: m[0] });
		}
	}
	for (k = 0; k < refs.length; k++) {
		r = refs[k];
		if (r.start > seg)
			words(seg, r.start);
		out.push({ ref: r.norm.toLowerCase() });
		seg = r.end;
	}
	if (seg < text.length)
		words(seg, text.length);
	return out;
}

/* --- the index ------------------------------------------------------------ */

var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
var B64V = new Int8Array(128).fill(-1);
for (var bi = 0; bi < 64; bi++)
	B64V[B64.charCodeAt(bi)] = bi;

function Index(data) {
	if (!data || data.format !== 1 || !Array.isArray(data.docs) ||
	    typeof data.terms !== 'object')
		throw new Error('index hors ligne illisible');
	this.d = data;
	this.ndocs = data.docs.length;
	this.lists = new Map();
	this.groups = null;
	var P = data.params, c, k;
	/* search_fast.c's lnorm: the field weight over BM25's length
	 * normalization, per length code. */
	this.lnorm = new Float64Array(256 * 3);
	for (k = 0; k < 256; k++) {
		var len = k <= 32 ? k : 32.0 * Math.pow(1.06, (k - 32) + 0.5);
		for (c = 0; c < 3; c++) {
			var n = 1.0 - P.b[c] + P.b[c] * len / data.avg[c];
			this.lnorm[k * 3 + c] = n > 0 ? P.w[c] / n : 0;
		}
	}
	this.syn = new Map();
	this.synMax = 0;
	for (k = 0; k < (data.synonyms || []).length; k++) {
		var g = data.synonyms[k];
		for (c = 0; c < g.length; c++) {
			var f = frFold(g[c]);
			this.syn.set(f, k);
			this.synMax = Math.max(this.synMax, f.split(' ').length);
		}
	}
	this.docIndex = null;
}

/* A term's list, decoded once: {doc, tf (3 a document), first, df}. */
Index.prototype.list = function (term) {
	var l = this.lists.get(term);
	if (l !== undefined)
		return l;
	var s = this.d.terms[term];
	if (typeof s !== 'string') {
		this.lists.set(term, null);
		return null;
	}
	var doc = [], tf = [], first = [], i = 0, d = 0;
	function num() {
		var v = 0, mul = 1, x;
		for (;;) {
			x = B64V[s.charCodeAt(i++)];
			if (x < 0 || i > s.length)
				throw new Error('liste corrompue');
			v += (x & 31) * mul;
			if (!(x & 32))
				return v;
			mul *= 32;
		}
	}
	while (i < s.length) {
		d += num();
		var code = num(), t0 = 0, t1 = 0, t2 = Math.floor(code / 4);
		if (code & 1)
			t0 = num();
		if (code & 2)
			t1 = num();
		doc.push(d);
		tf.push(t0, t1, t2);
		first.push(t2 > 0 ? num() : 0);
	}
	l = { doc: doc, tf: tf, first: first, df: this.d.df[term] || doc.length };
	this.lists.set(term, l);
	return l;
};

/* The union of lists (pcursor_union): each column's greatest count, the
 * smallest first place, the df counted.  The lists are in document order:
 * merged two at a time. */
function union2(x, y) {
	var out = { doc: [], tf: [], first: [], df: 0 }, i = 0, j = 0, d, c,
	    fx, fy;

	while (i < x.doc.length || j < y.doc.length) {
		if (j >= y.doc.length || (i < x.doc.length &&
		    x.doc[i] < y.doc[j])) {
			out.doc.push(x.doc[i]);
			out.tf.push(x.tf[3 * i], x.tf[3 * i + 1], x.tf[3 * i + 2]);
			out.first.push(x.first[i++]);
		} else if (i >= x.doc.length || y.doc[j] < x.doc[i]) {
			out.doc.push(y.doc[j]);
			out.tf.push(y.tf[3 * j], y.tf[3 * j + 1], y.tf[3 * j + 2]);
			out.first.push(y.first[j++]);
		} else {
			d = x.doc[i];
			out.doc.push(d);
			for (c = 0; c < 3; c++)
				out.tf.push(Math.max(x.tf[3 * i + c],
				    y.tf[3 * j + c]));
			fx = x.first[i++];
			fy = y.first[j++];
			out.first.push(fx === 0 ? fy : fy === 0 ? fx :
			    Math.min(fx, fy));
		}
	}
	out.df = out.doc.length;
	return out;
}

function unionLists(ls) {
	ls = ls.filter(function (l) { return l !== null; });
	if (ls.length === 0)
		return null;
	if (ls.length === 1)
		return ls[0];
	var u = ls[0];
	for (var k = 1; k < ls.length; k++)
		u = union2(u, ls[k]);
	return u;
}

/*
 * The documents holding every list (a phrase of several words).  The
 * server asks FTS5, which knows the positions: here the words only need
 * to be in the same document, each column counting its rarest word, and
 * the place is unknown (0) as the server's phrase lists have it.
 */
function intersectLists(ls) {
	if (ls.length === 0 || ls.some(function (l) { return l === null; }))
		return null;
	if (ls.length === 1)
		return ls[0];
	var maps = ls.map(function (l) {
		var m = new Map();
		for (var i = 0; i < l.doc.length; i++)
			m.set(l.doc[i], i);
		return m;
	});
	var base = ls[0], out = { doc: [], tf: [], first: [], df: 0 };
	for (var i = 0; i < base.doc.length; i++) {
		var d = base.doc[i], t = [base.tf[3 * i], base.tf[3 * i + 1],
		    base.tf[3 * i + 2]], ok = true;
		for (var j = 1; j < ls.length && ok; j++) {
			var x = maps[j].get(d);
			if (x === undefined) {
				ok = false;
				break;
			}
			for (var c = 0; c < 3; c++)
				t[c] = Math.min(t[c], ls[j].tf[3 * x + c]);
		}
		if (!ok || t[0] + t[1] + t[2] === 0)
			continue;
		out.doc.push(d);
		out.tf.push(t[0], t[1], t[2]);
		out.first.push(0);
	}
	out.df = out.doc.length;
	return out;
}

/* Is the word 2 to 6 ASCII capitals (savoir_fr searches it as written)? */
function isAcronym(w) {
	return /^[A-Z]{2,6}$/.test(w);
}

/* Damerau-Levenshtein distance of a and b, or max + 1 past max. */
function distance(a, b, max) {
	if (Math.abs(a.length - b.length) > max)
		return max + 1;
	var prev2 = null, prev = [], cur, i, j, best;
	for (j = 0; j <= b.length; j++)
		prev.push(j);
	for (i = 1; i <= a.length; i++) {
		cur = [i];
		best = i;
		for (j = 1; j <= b.length; j++) {
			var cost = a[i - 1] === b[j - 1] ? 0 : 1;
			var v = Math.min(prev[j] + 1, cur[j - 1] + 1,
			    prev[j - 1] + cost);
			if (prev2 !== null && i > 1 && j > 1 &&
			    a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				v = Math.min(v, prev2[j - 2] + 1);
			cur.push(v);
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
		prev2 = prev;
		prev = cur;
	}
	return prev[b.length];
}

/*
 * The terms of one word of a query, as savoir_fr makes them.  A word the
 * library holds: its terms from the index's map (the accented variant
 * only when typed with accents).  A word it does not hold (the server
 * would stem it, or correct it): the nearest word of the library by one
 * or two letters typed wrong, else the longest term it begins with (at
 * least 5 letters and all but 4 of the word's).  stats counts those.
 */
Index.prototype.wordTerms = function (raw, stats) {
	var f = tokenFold(raw), e, terms, self = this;

	if (f === '')
		return [];
	if (/[0-9]/.test(f) || isAcronym(raw) || raw.length > 64)
		return [f];
	e = this.d.words[f];
	if (e !== undefined) {
		if (typeof e === 'string')
			return [e];
		terms = [e[0]];
		if (ligFold(raw) !== f)
			terms.unshift(e[1]);
		return terms;
	}
	if (this.d.terms[f] !== undefined)
		return [f];
	if (stats)
		stats.unknown++;
	/* A typo: the word of the library nearest, the most frequent. */
	var max = f.length >= 8 ? 2 : f.length >= 4 ? 1 : 0, best = null,
	    bd = max + 1, bdf = -1;
	if (max > 0) {
		if (this.vocab === undefined)
			this.vocab = Object.keys(this.d.words);
		for (var i = 0; i < this.vocab.length; i++) {
			var w = this.vocab[i];
			if (Math.abs(w.length - f.length) > max || w[0] !== f[0])
				continue;
			var dd = distance(f, w, Math.min(max, bd));
			if (dd > bd || dd > max)
				continue;
			var t = this.d.words[w], df = self.d.df[typeof t ===
			    'string' ? t : t[0]] || 0;
			if (dd < bd || df > bdf) {
				best = w;
				bd = dd;
				bdf = df;
			}
		}
	}
	if (best !== null) {
		if (stats)
			stats.corrected++;
		e = this.d.words[best];
		return [typeof e === 'string' ? e : e[0]];
	}
	/* An inflection the library lacks: the longest stem it begins with. */
	for (var n = f.length - 1; n >= 5 && n >= f.length - 4; n--) {
		if (this.d.terms[f.substring(0, n)] !== undefined) {
			if (stats)
				stats.prefix++;
			return [f.substring(0, n)];
		}
	}
	if (stats)
		stats.missing++;
	return [f];
};

/* The list of one phrase of the query: its words' terms. */
Index.prototype.phraseList = function (text, stats, qterms) {
	var toks = tokenize(text), self = this, lists;

	lists = toks.map(function (t) {
		var terms = t.ref !== undefined ? [t.ref] :
		    self.wordTerms(t.word, stats);
		if (qterms)
			qterms.push(terms);
		return unionLists(terms.map(function (x) {
			return self.list(x);
		}));
	});
	if (lists.length === 0)
		return null;
	return lists.length === 1 ? lists[0] : intersectLists(lists);
};

/* --- the query (query.c) -------------------------------------------------- */

function isSpace(ch) {
	return /\s/.test(ch) || ch === '\uFEFF';
}
function isHyphen(ch) {
	return ch === '-' || ch === '\u2010' || ch === '\u2011';
}
function isApostrophe(ch) {
	return ch === "'" || ch === '\u2019' || ch === '\u2018' ||
	    ch === '\u02BC';
}
function isOpenQuote(ch) {
	return ch === '"' || ch === '\u00AB' || ch === '\u201C' ||
	    ch === '\u201E';
}
function closes(open, ch) {
	if (open === '\u00AB')
		return ch === '\u00BB';
	if (open === '\u201E')
		return ch === '\u201C' || ch === '\u201D';
	return ch === '"' || ch === '\u201D';
}
function isWordChar(ch) {
	if (ch === undefined || ch === '')
		return false;
	var c = ch.codePointAt(0);
	if (c < 0x80)
		return isAlnum(c);
	if (c < 0xA0)
		return false;
	if (c <= 0xBF)
		return [0xAA, 0xB2, 0xB3, 0xB5, 0xB9, 0xBA, 0xBC, 0xBD,
		    0xBE].indexOf(c) >= 0;
	if (c === 0xD7 || c === 0xF7)
		return false;
	if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
	    (c >= 0x2190 && c <= 0x245F) || (c >= 0x2500 && c <= 0x2BFF) ||
	    (c >= 0x2E00 && c <= 0x2E7F) || (c >= 0x3000 && c <= 0x3004) ||
	    (c >= 0x3008 && c <= 0x3020) || (c >= 0xFE10 && c <= 0xFE1F) ||
	    (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF01 && c <= 0xFF0F) ||
	    (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
	    (c >= 0xFF5B && c <= 0xFF65) || c === 0xFEFF ||
	    (c >= 0xFFF0 && c <= 0xFFFF) || (c >= 0x1F000 && c <= 0x1FAFF) ||
	    (c >= 0xE0000 && c <= 0xE007F))
		return false;
	return !isSpace(ch);
}

var CODE_NAMES = [
	['code general des collectivites territoriales', 'cgct'],
	['code du travail', 'ct'],
	['code de l environnement', 'cenv']
];
var FILTER_KEYS = ['type', 'pays', 'annee', 'theme', 'module', 'code',
    'article'];

/*
 * Parse a query into nodes: {kind: 'word' | 'phrase' | 'article' |
 * 'filter' | 'not', text, stopword, key}.  Prefixes (coop*) are searched
 * as words and OR as nothing: the server hands both to FTS5.
 */
function parseQuery(input) {
	var s = Array.from(input.slice(0, 1000)).join(''), nodes = [], i = 0,
	    refs = articleRefs(s), ri = 0;

	function cpAt(j) {
		return j < s.length ? String.fromCodePoint(s.codePointAt(j)) :
		    '';
	}
	function wordEnd(j) {
		var start = j, ch;
		while (j < s.length) {
			ch = cpAt(j);
			if (isWordChar(ch))
				j += ch.length;
			else if (isHyphen(ch) && j > start &&
			    isWordChar(cpAt(j + 1)))
				j += 1;
			else
				break;
		}
		return j;
	}
	function articleAt(j) {
		for (var k = ri; k < refs.length && refs[k].start <= j; k++)
			if (refs[k].start === j)
				return refs[k];
		return null;
	}
	function articleCode(j) {
		var ws = [], we = [], f = [], k, at = 0, key = null, end = j;
		while (ws.length < 8) {
			var p = j;
			while (p < s.length && isSpace(s[p]))
				p++;
			if (p === j || !isWordChar(cpAt(p)))
				break;
			ws.push(p);
			we.push(wordEnd(p));
			f.push(frFold(s.substring(p, we[we.length - 1])));
			j = we[we.length - 1];
		}
		var nw = ws.length;
		if (nw > 1 && (f[0] === 'du' || f[0] === 'des'))
			at = 1;
		else if (nw > 2 && f[0] === 'de' && f[1] === 'la')
			at = 2;
		for (k = 0; key === null && at < nw && k < CODE_NAMES.length;
		    k++) {
			var name = CODE_NAMES[k][0].split(' '), w = at, ok = true;
			for (var t = 0; ok && t < name.length; t++)
				ok = w < nw && name[t] === f[w++];
			if (ok) {
				key = CODE_NAMES[k][1];
				end = we[w - 1];
			}
		}
		for (k = 0; key === null && at < nw && k < CODE_NAMES.length;
		    k++)
			if (f[at] === CODE_NAMES[k][1]) {
				key = CODE_NAMES[k][1];
				end = we[at];
			}
		if (key === null && at > 0 && we[at] - ws[at] >= 2 &&
		    we[at] - ws[at] <= 10 && f[at] !== 'code' &&
		    !STOPWORDS.has(f[at]) &&
		    /^[A-Z]+$/.test(s.substring(ws[at], we[at]))) {
			key = f[at];
			end = we[at];
		}
		return { key: key, end: end };
	}
	function add(n, exclude) {
		if (nodes.length >= 32)
			return;
		nodes.push(exclude ? { kind: 'not', kid: n } : n);
	}

	var pendingNot = false;	/* NOT: exclude what follows (query.c) */
	while (i < s.length && nodes.length < 32) {
		var ch = cpAt(i), exclude = false, t = i, a;
		while (ri < refs.length && refs[ri].start < i)
			ri++;
		if (isSpace(ch)) {
			i += ch.length;
			continue;
		}
		var before = i > 0 ? s[i - 1] : '';
		if (ch === '-' && (before === '' || before === '(' ||
		    isSpace(before)) && (isWordChar(cpAt(i + 1)) ||
		    isOpenQuote(cpAt(i + 1)))) {
			exclude = true;
			t = i + 1;
			ch = cpAt(t);
		}
		if (pendingNot && (isWordChar(ch) || isOpenQuote(ch))) {
			exclude = true;
			pendingNot = false;
		}
		if ((a = articleAt(t)) !== null) {
			var code = articleCode(a.end);
			add({ kind: 'article', text: a.norm, key: code.key },
			    exclude);
			i = code.end;
		} else if (isOpenQuote(ch)) {
			var start = t + ch.length, end = start;
			while (end < s.length && !closes(ch, cpAt(end)))
				end += cpAt(end).length;
			i = end + 1;
			var text = s.substring(start, end).replace(/\s+/g, ' ')
			    .trim();
			if (frFold(text) !== '')
				add({ kind: 'phrase', text: text }, exclude);
		} else if (isWordChar(ch)) {
			var e = wordEnd(t), after = cpAt(e), f = frFold(
			    s.substring(t, e)), w = s.substring(t, e);
			i = e;
			if (after === ':' && FILTER_KEYS.indexOf(f) >= 0) {
				var ve = e + 1;
				while (ve < s.length && !isSpace(s[ve]))
					ve++;
				var value = s.substring(e + 1, ve);
				i = ve;
				if (value !== '' && !exclude)
					add({ kind: 'filter', key: f,
					    text: value }, false);
				continue;
			}
			if (f === '')
				continue;
			if (after === '*') {
				i = e + 1;
			} else if (!exclude && w === 'OR') {
				continue;
			} else if (!exclude && (w === 'AND' || w === 'ET' ||
			    (w === 'NEAR' && after === '('))) {
				continue;	/* what every search does */
			} else if (!exclude && w === 'NOT') {
				pendingNot = true;
				continue;
			} else if (!exclude && (f === 'article' ||
			    f === 'articles' || f === 'art')) {
				var j = e;
				while (j < s.length && (s[j] === '.' ||
				    isSpace(s[j])))
					j++;
				if (articleAt(j) !== null)
					continue;
			}
			var elided = (isApostrophe(after) || (after === '"' &&
			    Q_ELISIONS.has(f))) && isWordChar(cpAt(e + 1));
			if (elided && after === '"')
				i = e + 1;
			var allStop = /[ -]/.test(f) && f.split(/[ -]/)
			    .every(function (x) {
				return x === '' || STOPWORDS.has(x);
			    });
			add({ kind: 'word', text: w, stopword: STOPWORDS.has(f) ||
			    (elided && Q_ELISIONS.has(f)) || allStop },
			    exclude);
		} else
			i += ch.length;
	}
	return nodes;
}

/* query_expand(): a word or a run of words that is a synonym term brings
 * its group, as phrases that only count as synonyms. */
Index.prototype.expand = function (nodes) {
	var out = [], i, j, run, best, group, self = this;

	for (i = 0; i < nodes.length; i++) {
		best = 0;
		group = -1;
		run = '';
		for (j = i; j < nodes.length && nodes[j].kind === 'word'; j++) {
			run += (run ? ' ' : '') + frFold(nodes[j].text);
			if (self.syn.has(run)) {
				best = j - i + 1;
				group = self.syn.get(run);
			}
			if (j - i + 1 >= self.synMax)
				break;
		}
		if (best === 1 && nodes[i].stopword)
			best = 0;
		if (best === 0) {
			out.push(nodes[i]);
			continue;
		}
		var typed = run.split(' ').slice(0, best).join(' ');
		var others = self.d.synonyms[group].filter(function (t) {
			var f = frFold(t);
			return f !== typed && (' ' + f + ' ').indexOf(' ' +
			    typed + ' ') < 0;
		});
		if (others.length === 0) {
			out.push(nodes[i]);
			continue;
		}
		if (best === 1) {
			out.push({ kind: 'or', kids: [nodes[i]].concat(
			    others.map(function (t) {
				return { kind: 'word', text: t };
			    })) });
			continue;
		}
		for (j = i; j < i + best; j++)
			out.push(nodes[j]);
		out.push({ kind: 'extra', alias: best, kids: others.map(
		    function (t) { return { kind: 'word', text: t }; }) });
		i += best - 1;
	}
	return out;
};

/* --- ranking (search_fast.c) ---------------------------------------------- */

function popcount(x) {
	var n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

var f32 = Math.fround;

/*
 * Search: {hits: [{id, title, type, typeLabel, summary, score}], total,
 * stats: {unknown, corrected, prefix, missing}, partial}.
 */
Index.prototype.search = function (input, limit) {
	var self = this, d = this.d, P = d.params, N = d.n;
	var stats = { unknown: 0, corrected: 0, prefix: 0, missing: 0 };
	var nodes = this.expand(parseQuery(input || ''));
	var filters = [], articles = [], phrases = [], required = [],
	    excluded = [], i, j, k;

	limit = limit || 10;
	if (this.docIndex === null) {
		this.docIndex = new Map();
		for (i = 0; i < this.ndocs; i++)
			this.docIndex.set(d.docs[i][0], i);
	}
	function significant(n) {
		return n.kind === 'word' ? !n.stopword : n.kind === 'phrase' ||
		    n.kind === 'article' || n.kind === 'or';
	}
	var anySig = nodes.some(significant);
	for (i = 0; i < nodes.length; i++) {
		var n = nodes[i];
		if (n.kind === 'filter')
			filters.push(n);
		else if (n.kind === 'not')
			excluded.push(n.kid);
		else if (n.kind === 'article') {
			var id = (n.key ? frFold(n.key) : 'cgct') + '/' +
			    n.text.replace(/ /g, '-');
			if (this.docIndex.has(id))
				articles.push(this.docIndex.get(id));
			phrases.push({ text: n.text, unit: i, syn: false });
		} else if (n.kind === 'or') {
			for (j = 0; j < n.kids.length; j++)
				phrases.push({ text: n.kids[j].text, unit: i,
				    syn: j > 0 });
		} else if (n.kind === 'extra') {
			for (j = 0; j < n.kids.length; j++)
				phrases.push({ text: n.kids[j].text,
				    unit: i - n.alias, syn: true });
		} else if (n.kind === 'phrase')
			required.push(n);
		else if (n.kind === 'word' && (significant(n) || !anySig))
			phrases.push({ text: n.text, unit: i, syn: false });
	}
	/* Typed phrases are required (the server's FTS5 path ranks them):
	 * ranked here as units of their own. */
	for (i = 0; i < required.length; i++)
		phrases.push({ text: required[i].text, unit: 1000 + i,
		    syn: false, required: true });

	var units = [];
	for (i = 0; i < phrases.length; i++)
		if (units.indexOf(phrases[i].unit) < 0 && units.length < 32)
			units.push(phrases[i].unit);
	var nunits = units.length, full = nunits >= 32 ? 0xffffffff :
	    (1 << nunits) - 1;

	/* Each document's sums, in phrase order as the server adds them, in
	 * single precision as the server's window (a Float32Array rounds
	 * each sum as C's float does); the first places of the previous
	 * phrase for the proximity hint, stamped as search_fast.c does. */
	if (this.acc === undefined)
		this.acc = { score: new Float32Array(this.ndocs),
		    mask: new Uint32Array(this.ndocs),
		    tmask: new Uint32Array(this.ndocs),
		    touched: new Uint8Array(this.ndocs),
		    fpos: [new Float64Array(this.ndocs),
		    new Float64Array(this.ndocs)] };
	var A = this.acc, seen = [], previdf = 0, qt = [], ph, l, idf, w1,
	    pidf, prox, bit;
	var STAMP = 4294967296;
	for (i = 0; i < phrases.length; i++) {
		ph = phrases[i];
		var qterms = [];
		l = this.phraseList(ph.text, stats, qterms);
		if (!ph.syn)
			for (j = 0; j < qterms.length; j++)
				qt.push({ terms: qterms[j], unit: units.indexOf(
				    ph.unit) });
		if (l === null || l.df === 0 || l.doc.length === 0) {
			if (!ph.syn)
				previdf = 0;
			continue;
		}
		idf = Math.log((0.5 + (N - l.df)) / (0.5 + l.df));
		if (idf <= 0.0)
			idf = 1e-6;
		w1 = (ph.syn ? P.syn : 1.0) * idf * (P.k1 + 1.0);
		bit = 1 << units.indexOf(ph.unit);
		prox = P.prox > 0 && !ph.syn && i > 0 && !phrases[i - 1].syn &&
		    phrases[i - 1].unit !== ph.unit && previdf > 0;
		pidf = idf < previdf ? idf : previdf;
		if (!ph.syn)
			previdf = idf;
		var cur = A.fpos[i % 2], prev = A.fpos[(i + 1) % 2];
		var stamp = i + 1, ln = self.lnorm, no = d.norms;
		var bonus = f32(P.prox * pidf);
		for (k = 0; k < l.doc.length; k++) {
			var doc = l.doc[k], fi = l.first[k];
			if (A.touched[doc] === 0) {
				A.touched[doc] = 1;
				seen.push(doc);
			}
			if (fi > 0 && !ph.syn) {
				cur[doc] = stamp * STAMP + fi;
				if (prox && Math.floor(prev[doc] / STAMP) ===
				    stamp - 1 && Math.abs(fi - prev[doc] %
				    STAMP) <= P.near)
					A.score[doc] = A.score[doc] + bonus;
			}
			var nr = 4 * doc;
			var f = l.tf[3 * k] * ln[no[nr] * 3] +
			    l.tf[3 * k + 1] * ln[no[nr + 1] * 3 + 1] +
			    l.tf[3 * k + 2] * ln[no[nr + 2] * 3 + 2];
			if (f > 0) {
				A.score[doc] = A.score[doc] + f32(w1 * f /
				    (f + P.k1));
				A.mask[doc] |= bit;
				if (l.tf[3 * k] > 0)
					A.tmask[doc] |= bit;
			}
		}
	}

	/* Filters (type:..., the only facet the copy holds), exclusions,
	 * required phrases. */
	var reqBits = 0;
	for (i = 0; i < phrases.length; i++)
		if (phrases[i].required)
			reqBits |= 1 << units.indexOf(phrases[i].unit);
	var types = filters.filter(function (x) { return x.key === 'type'; })
	    .map(function (x) { return frFold(x.text); });
	var out = new Set();
	for (i = 0; i < excluded.length; i++) {
		var xl = this.phraseList(excluded[i].text, null, null);
		if (xl !== null)
			xl.doc.forEach(function (x) { out.add(x); });
	}

	var hits = [], partial = true, total = 0;
	var matched = new Set();
	for (k = 0; k < seen.length; k++) {
		var doc = seen[k], m = A.mask[doc], fs = A.score[doc],
		    tm = A.tmask[doc];
		A.score[doc] = 0;
		A.mask[doc] = A.tmask[doc] = A.touched[doc] = 0;
		A.fpos[0][doc] = A.fpos[1][doc] = 0;
		if (m === 0 || out.has(doc) || (m & reqBits) !== reqBits)
			continue;
		if (types.length > 0 && types.indexOf(frFold(d.docs[doc][4] ||
		    '')) < 0)
			continue;
		total++;
		matched.add(doc);
		var h = { doc: doc, mask: m, tmask: tm,
		    score: fs * d.norms[4 * doc + 3] / 100.0 };
		if ((m & full) === full)
			partial = false;
		if (P.cover !== 0 && nunits > 1)
			h.score *= 1.0 + P.cover * (popcount(m & full) - 1) /
			    (nunits - 1);
		if (articles.indexOf(doc) >= 0)
			h.score += 1e12;
		hits.push(h);
	}
	/* The named articles that matched no word still come first. */
	articles.forEach(function (doc) {
		if (!matched.has(doc)) {
			total++;
			hits.push({ doc: doc, mask: 0, tmask: 0, score: 1e12 });
		}
	});
	function worse(x, y) {
		return x.score < y.score || (x.score === y.score && x.doc > y.doc);
	}
	function cmp(x, y) {
		return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
	}
	hits.sort(cmp);
	var want = P.tphrase !== 0 && limit < 50 ? 50 : limit;
	hits = hits.slice(0, want);
	/* A title that is the query's words in order lifts its row. */
	if (P.tphrase !== 0 && nunits > 1) {
		for (i = 0; i < hits.length; i++) {
			var hm = hits[i].mask & full;
			if (hits[i].score < 1e12 && popcount(hm) >= 2 &&
			    (hits[i].tmask & hm) === hm &&
			    this.titlePhrase(hits[i].doc, qt, hm))
				hits[i].score *= 1.0 + P.tphrase;
		}
		hits.sort(cmp);
	}
	return {
		total: total,
		partial: nunits > 1 && partial,
		stats: stats,
		hits: hits.slice(0, limit).map(function (h) {
			var x = d.docs[h.doc];
			return { id: x[0], title: x[1], typeLabel: x[2],
			    summary: x[3], type: x[4] || '',
			    score: h.score >= 1e12 ? h.score - 1e12 : h.score };
		})
	};
};

/* savoir_titlephrase's rule: the title holds the matched units one after
 * the other, in the query's order. */
Index.prototype.titlePhrase = function (doc, qt, m) {
	var used = [], u, self = this, toks, units, i, k;

	for (u = 0; u < 32; u++)
		if (m & (1 << u))
			used.push(u);
	if (used.length < 2)
		return false;
	toks = tokenize(this.d.docs[doc][1]);
	units = toks.map(function (t) {
		var terms;
		if (t.ref !== undefined)
			terms = [t.ref];
		else {
			var f = tokenFold(t.word), e = self.d.words[f];
			terms = [f];
			if (typeof e === 'string')
				terms.push(e);
			else if (e !== undefined)
				terms.push(e[0], e[1]);
		}
		for (var q = 0; q < qt.length; q++)
			for (var x = 0; x < terms.length; x++)
				if (qt[q].terms.indexOf(terms[x]) >= 0)
					return qt[q].unit;
		return -1;
	});
	for (i = 0; i + used.length <= units.length; i++) {
		for (k = 0; k < used.length && units[i + k] === used[k]; k++)
			;
		if (k === used.length)
			return true;
	}
	return false;
};

var api = {
	frFold: frFold,
	tokenFold: tokenFold,
	tokenize: tokenize,
	parseQuery: parseQuery,
	articleRefs: articleRefs,
	Index: Index
};

if (typeof module === 'object' && module.exports) {
	module.exports = api;
	return;
}
root.SavoirOffline = api;

/* --- the page ------------------------------------------------------------- */

var INDEX_URL = '/api/offline/index';

/* The index: from any cache the service worker filled, else the network
 * (which may answer 503 for a moment while the server prepares it). */
function loadIndex() {
	var fromCache = root.caches ? root.caches.match(INDEX_URL)
	    .catch(function () { return undefined; }) :
	    Promise.resolve(undefined);
	return fromCache.then(function (r) {
		if (r)
			return r.json();
		return fetchIndex(0);
	}).then(function (data) { return new Index(data); });
}

function fetchIndex(tries) {
	return fetch(INDEX_URL, { credentials: 'same-origin' })
	    .then(function (r) {
		/* 503: the server is preparing the copy (seconds for a
		 * large library): try again, sooner first. */
		if (r.status === 503 && tries < 12)
			return new Promise(function (ok) {
				setTimeout(ok, Math.min(250 << tries, 4000));
			}).then(function () { return fetchIndex(tries + 1); });
		if (!r.ok)
			throw new Error('HTTP ' + r.status);
		return r.json();
	});
}

function el(tag, cls, text) {
	var e = document.createElement(tag);
	if (cls)
		e.className = cls;
	if (text !== undefined)
		e.textContent = text;
	return e;
}

function plural(n, one, many) {
	return n.toLocaleString('fr-FR') + '\u00A0' + (n > 1 ? many : one);
}

function render(index, q) {
	var status = document.getElementById('offline-status');
	var list = document.getElementById('offline-hits');
	var title = document.getElementById('offline-title');
	list.replaceChildren();
	if (q.trim() === '') {
		title.textContent = 'Recherche hors ligne';
		status.textContent = 'Saisissez une recherche.';
		return null;
	}
	var t0 = performance.now();
	var res = index.search(q, 10);
	var ms = performance.now() - t0;
	title.textContent = 'Résultats pour « ' + q + ' »';
	res.hits.forEach(function (h) {
		var li = el('li', 'hit');
		var h3 = el('h3', 'hit__title');
		var a = el('a', null, h.title);
		a.href = '/doc/' + h.id.split('/').map(encodeURIComponent)
		    .join('/');
		h3.appendChild(a);
		li.appendChild(h3);
		var meta = el('p', 'hit__meta');
		var badge = el('span', 'badge badge--' + (h.type || 'doc'),
		    h.typeLabel);
		meta.appendChild(badge);
		li.appendChild(meta);
		if (h.summary)
			li.appendChild(el('p', 'hit__snippet', h.summary));
		list.appendChild(li);
	});
	status.textContent = res.total === 0 ?
	    'Aucun document de la copie hors ligne ne correspond à cette ' +
	    'recherche.' : plural(res.total, 'document trouvé',
	    'documents trouvés') + ' dans la copie hors ligne' +
	    (res.partial ? ' (aucun ne contient tous les mots)' : '') + '.';
	document.body.dataset.searchMs = ms.toFixed(3);
	return { res: res, ms: ms };
}

function start() {
	var form = document.getElementById('offline-form');
	var input = document.getElementById('offline-q');
	var status = document.getElementById('offline-status');
	var q = new URLSearchParams(root.location.search).get('q') || '';
	input.value = q;
	status.textContent = 'Chargement de la copie hors ligne…';
	var t0 = performance.now();
	loadIndex().then(function (index) {
		document.body.dataset.loadMs = (performance.now() - t0)
		    .toFixed(1);
		root.savoirOfflineIndex = index;
		document.body.dataset.ready = '1';
		render(index, q);
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var v = input.value;
			/* The address keeps the query, as /recherche does. */
			history.replaceState(null, '', '/recherche?q=' +
			    encodeURIComponent(v));
			render(index, v);
		});
	}).catch(function (e) {
		document.body.dataset.ready = 'error';
		status.textContent = 'La copie hors ligne de la bibliothèque ' +
		    'n’est pas disponible dans ce navigateur (' + e.message +
		    ') : reconnectez-vous au serveur pour chercher.';
	});
}

root.savoirOfflineRender = render;
if (document.readyState === 'loading')
	document.addEventListener('DOMContentLoaded', start);
else
	start();

})(typeof self !== 'undefined' ? self : globalThis);
