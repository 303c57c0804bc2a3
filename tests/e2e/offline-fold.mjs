// offline-fold.mjs - www/static/offline-search.js folds as the server does,
// checked against the C folding (src/core/tokenizer_fr.c) over a whole
// index: every word of the vocabulary (the tokenizer's fold of each form
// the documents hold: tokenFold) and every facet value (fr_fold, which the
// query and the synonyms use: frFold).  Started by offline.sh:
//   node offline-fold.mjs VOCAB.tsv FACETS.tsv
// with VOCAB "word TAB form" and FACETS "value TAB norm" lines, both as the
// C code wrote them into the index.  Prints "ok - ..." / "not ok - ...".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const js = process.env.OFFLINE_JS || '../../www/static/offline-search.js';
const O = require(js);

function pairs(file) {
	return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '')
	    .map((l) => l.split('\t'));
}

function check(what, rows, fold) {
	const bad = [];
	for (const [c, input] of rows)
		if (fold(input) !== c)
			bad.push(`${JSON.stringify(input)}: C ${JSON.stringify(c)}, JS ${JSON.stringify(fold(input))}`);
	if (rows.length > 0 && bad.length === 0)
		console.log(`ok - ${what}: ${rows.length} of ${rows.length} the same`);
	else {
		console.log(`not ok - ${what}: ${bad.length} of ${rows.length} differ`);
		for (const b of bad.slice(0, 20))
			console.log(`# ${b}`);
	}
}

const vocab = pairs(process.argv[2]);
check('every form of the vocabulary folds to the C tokenizer\'s word', vocab,
    O.tokenFold);
const facets = pairs(process.argv[3]).map(([value, norm]) => [norm, value]);
check('every facet value folds to the C fr_fold()', facets, O.frFold);

// Elisions and article references as savoir_fr cuts them.
const toks = O.tokenize("L'action jusqu’au L. 1115-1 d'aujourd'hui")
    .map((t) => t.ref !== undefined ? '#' + t.ref : O.tokenFold(t.word));
const want = ['action', 'au', '#l1115-1', 'aujourd', 'hui'];
if (JSON.stringify(toks) === JSON.stringify(want))
	console.log('ok - elisions dropped, article references one token');
else
	console.log(`not ok - elisions and references: ${JSON.stringify(toks)}, wanted ${JSON.stringify(want)}`);
