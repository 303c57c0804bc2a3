// offline-search.mjs - the offline search page (www/static/offline-search.html and
// .js) in Debian's Chromium through playwright-core, against the server it
// stands in for: on every judged query (tests/relevance/queries.tsv) the
// server's first result (/api/search) and the page's, their agreement
// (at least 90 %), and the time the page takes to answer a query,
// measured in the page (p95 under 50 ms).  It also writes both rankings as
// runs for bench/relevance/evaluate.py (offline-search.sh prints their nDCG@10
// side by side), and checks the page itself: the French notice, the
// results, and a search typed after the network is gone.  Started by
// offline-search.sh:
//   SAVOIR_URL  https://127.0.0.1:PORT   QUERIES  queries.tsv
//   RUN_OFFLINE, RUN_SERVER  where the runs go   E2E_OUT  screenshots
// Prints "ok - what" / "not ok - what" and "# " details.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, ok, status } from './lib.mjs';

const base = process.env.SAVOIR_URL;
const outDir = process.env.E2E_OUT || 'out';
const AGREE_MIN = Number(process.env.AGREE_MIN || 0.90);
// The corpus's own checks; bench/offline/run sets other ones ("-": none).
const FIRST_HREF = process.env.FIRST_HREF || '/doc/glossaire/cooperation-decentralisee';
const CUT_QUERY = process.env.CUT_QUERY || 'jumelage';
const P95_MAX_MS = 50;

const queries = readFileSync(process.env.QUERIES, 'utf8').split('\n')
    .filter((l) => l.trim() !== '').map((l) => {
	const [qid, , q] = l.split('\t');
	return { qid, q };
    });

mkdirSync(outDir, { recursive: true });
const browser = await launch(['--ignore-certificate-errors']);
const context = await browser.newContext({
	ignoreHTTPSErrors: true,
	locale: 'fr-FR',
	viewport: { width: 1280, height: 900 },
	serviceWorkers: 'block',
});
context.setDefaultTimeout(60000);
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
// Expected, and logged by Chromium whatever the page does: the 503 of a
// copy still in preparation (the page tries again), and the requests the
// browser itself makes while the network is cut.
page.on('console', (m) => {
	if (m.type() === 'error' && !/status of 503|ERR_INTERNET_DISCONNECTED/
	    .test(m.text()))
		errors.push(m.text());
});

try {
	const first = 'coopération décentralisée';
	await page.goto(`${base}/static/offline-search.html?q=${encodeURIComponent(first)}`);
	await page.waitForFunction(() => document.body.dataset.ready !== undefined);
	const ready = await page.evaluate(() => document.body.dataset.ready);
	ok(ready === '1', 'the page loads the offline index', await page
	    .textContent('#offline-status'));
	const load = await page.evaluate(() => document.body.dataset.loadMs);
	console.log(`# index loaded in ${load} ms`);
	const notice = (await page.textContent('#offline-notice')).replace(/\s+/g, ' ').trim();
	ok(notice === 'Recherche hors ligne : le serveur est injoignable, les résultats viennent de la copie gardée dans ce navigateur.',
	    'the page says « Recherche hors ligne » and why', notice);
	ok(await page.getAttribute('#offline-status', 'aria-live') === 'polite',
	    'the result count is announced (aria-live)');
	ok(await page.inputValue('#offline-q') === first,
	    'the query of the address is in the form');
	const href = await page.getAttribute('#offline-hits li a', 'href');
	if (FIRST_HREF !== '-')
		ok(href === FIRST_HREF, 'the first result links to its document',
		    href);
	await page.screenshot({ path: join(outDir, 'offline-1-results.png'), fullPage: true });

	// Every judged query: the server's ranking, then the page's.
	const rows = await page.evaluate(async (qs) => {
		const out = [];
		for (const { qid, q } of qs) {
			const r = await fetch('/api/search?limit=10&q=' +
			    encodeURIComponent(q));
			const srv = (await r.json()).hits.map((h) => h.id);
			const t = window.savoirOfflineRender(
			    window.savoirOfflineIndex, q);
			out.push({ qid, q, srv, off: t.res.hits.map((h) => h.id),
			    ms: t.ms, stats: t.res.stats });
		}
		return out;
	}, queries);
	let agree = 0;
	const ms = [], stats = { unknown: 0, corrected: 0, prefix: 0, missing: 0 };
	const differ = [];
	let off = '', srv = '';
	for (const r of rows) {
		if ((r.srv[0] || '') === (r.off[0] || ''))
			agree++;
		else
			differ.push(`${r.qid} « ${r.q} »: server ${r.srv[0]}, offline ${r.off[0]}`);
		ms.push(r.ms);
		for (const k in stats)
			stats[k] += r.stats[k];
		r.off.forEach((id, i) => { off += `${r.qid}\t${i + 1}\t${id}\t${10 - i}\n`; });
		r.srv.forEach((id, i) => { srv += `${r.qid}\t${i + 1}\t${id}\t${10 - i}\n`; });
	}
	writeFileSync(process.env.RUN_OFFLINE, off);
	writeFileSync(process.env.RUN_SERVER, srv);
	const share = agree / rows.length;
	ok(rows.length === queries.length && share >= AGREE_MIN,
	    `the offline first result is the server's on ${agree} of ${rows.length} judged queries (${(100 * share).toFixed(1)} %, at least ${100 * AGREE_MIN} %)`,
	    differ.join('\n'));
	for (const d of differ)
		console.log(`# differs: ${d}`);
	console.log(`# words the library does not hold: ${stats.unknown} (corrected by a letter or two: ${stats.corrected}, cut to a stem: ${stats.prefix}, left as typed: ${stats.missing})`);
	ms.sort((a, b) => a - b);
	if (process.env.LATENCIES)
		writeFileSync(process.env.LATENCIES, ms.map((x) => x.toFixed(3)).join('\n') + '\n');
	const pct = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
	const line = `p50 ${pct(0.5).toFixed(2)} ms, p95 ${pct(0.95).toFixed(2)} ms, max ${ms[ms.length - 1].toFixed(2)} ms`;
	ok(pct(0.95) < P95_MAX_MS, `a query answers in the page in ${line} (p95 under ${P95_MAX_MS} ms)`);

	// The network gone: a new search still answers from the copy.
	await context.setOffline(true);
	await page.fill('#offline-q', CUT_QUERY);
	await page.click('.search__button');
	await page.waitForFunction((q) => document.getElementById(
	    'offline-title').textContent.indexOf(q) >= 0, CUT_QUERY);
	const n = await page.locator('#offline-hits li').count();
	ok(n > 0, `with the network cut, a new search answers from the copy (${n} results)`);
	ok(page.url().endsWith('/recherche?q=' + encodeURIComponent(CUT_QUERY)),
	    'the address says what was searched', page.url());
	await page.screenshot({ path: join(outDir, 'offline-2-cut.png'), fullPage: true });
	await context.setOffline(false);
	ok(errors.length === 0, 'no error in the page', errors.join('\n'));
} catch (e) {
	ok(false, 'the offline page runs to the end', e && e.stack ? e.stack : e);
}
await browser.close();
process.exit(status());
