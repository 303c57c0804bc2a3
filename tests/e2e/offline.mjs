// offline.mjs - the library kept offline, in a real browser (Debian's
// Chromium through playwright-core), against savoird --laptop serving a
// carried index file on http://127.0.0.1 (a secure context: the service
// worker registers with no certificate).  It starts and stops savoird
// itself, since the point is to read with the server gone:
//   - the footer's offline promise shows once the worker is active;
//   - a document pinned, unpinned, pinned again;
//   - « Garder toute la bibliothèque hors ligne » reaches N / N documents
//     (N from the home page), its progress announced (aria-live);
//   - savoird killed: three documents never opened read with their
//     titles, /hors-ligne lists N documents, a page never kept gets the
//     French offline page, and nothing is logged in the console;
//   - a document edited, the index rebuilt and carried again, savoird
//     restarted: the next visit fetches that document and only it.
// Started by offline.sh with:
//   SAVOIRD      the daemon          SAVOIR    the CLI
//   E2E_TMP      a scratch directory holding corpus/ (a copy), www/,
//                savoir.conf, and where the index files go
//   E2E_OUT      where screenshots go
//   CHROMIUM     the browser (default /usr/bin/chromium)
// Prints "ok - what" / "not ok - what" / "# detail" lines, as e2e.mjs.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launch, ok, screenshots, status, step } from './lib.mjs';

const SAVOIRD = process.env.SAVOIRD;
const SAVOIR = process.env.SAVOIR;
const tmp = process.env.E2E_TMP;
const outDir = process.env.E2E_OUT || 'out';
const TIMEOUT = 15000;
const carried = join(tmp, 'carried', 'savoir.db');
const EDITED = 'cas/ecole-interreg';
const EDITED_FILE = join(tmp, 'corpus', 'cas', 'ecole-interreg.md');
const NEW_TITLE = 'Interreg à l’école : titre revu pour la lecture hors ligne';
// Edited too, but its download fails once (the route aborts it).
const BLOCKED = 'cas/ecole-reequilibrage';
const BLOCKED_FILE = join(tmp, 'corpus', 'cas', 'ecole-reequilibrage.md');
const BLOCKED_TITLE = 'Rééquilibrage : titre revu, téléchargé à la deuxième visite';
// Removed from the corpus.
const GONE = 'cas/ecole-urgence-humanitaire';
const GONE_FILE = join(tmp, 'corpus', 'cas', 'ecole-urgence-humanitaire.md');

const screenshot = screenshots(outDir);

// The index, exported as one file a participant carries (savoir export).
function buildCarried() {
	const db = join(tmp, 'work.db');
	execFileSync(SAVOIR, ['--db', db, 'index', join(tmp, 'corpus')],
	    { stdio: 'pipe' });
	rmSync(carried, { force: true });
	execFileSync(SAVOIR, ['--db', db, 'export', carried], { stdio: 'pipe' });
}

// savoird --laptop in the foreground; resolves once it says where it is.
let server = null;
let serverLog = '';
function startServer(port) {
	return new Promise((resolve, reject) => {
		const args = ['--laptop', '--db', carried, '--port', String(port),
			'-c', join(tmp, 'savoir.conf')];
		const child = spawn(SAVOIRD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const timer = setTimeout(() => reject(new Error(
		    `savoird did not start: ${out}${serverLog}`)), 10000);
		child.stdout.on('data', (d) => {
			out += d;
			const m = /Savoir est ouvert sur (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
			if (m !== null) {
				clearTimeout(timer);
				resolve({ url: m[1].replace(/\/$/, ''), port: Number(m[2]), out });
			}
		});
		child.stderr.on('data', (d) => { serverLog += d; });
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`savoird exited (${code}): ${serverLog}`));
		});
		server = child;
	});
}

function stopServer() {
	return new Promise((resolve) => {
		if (server === null || server.exitCode !== null)
			return resolve();
		server.once('exit', () => resolve());
		server.kill('SIGKILL');		/* gone, as a cut cable */
	});
}

buildCarried();
const first = await startServer(0);
const base = first.url;
ok(true, `savoird --laptop serves ${carried} on ${base}`);

// N, the documents in the library, as the home page counts them, and
// three documents with their titles, from the API.
const home = await (await fetch(`${base}/`)).text();
const N = Number((/(\d+) documents sur la coopération/.exec(home) || [])[1]);
ok(N > 10, `the home page counts the documents (${N})`);
const feed = await (await fetch(`${base}/api/changes?since=0&limit=1000`)).json();
const ids = feed.changes.filter((c) => c.op === 'put').map((c) => c.id);
ok(ids.length === N, 'the change feed names every document', `${ids.length} != ${N}`);
const PINNED = 'cas/chambery-ouahigouya';
const three = [];
for (const id of ids.filter((i) => i !== PINNED && i !== EDITED &&
    !i.startsWith('notes/')).slice(5, 8)) {
	const d = await (await fetch(`${base}/api/doc/${id.split('/').map(encodeURIComponent).join('/')}`)).json();
	three.push({ id, title: d.title || (d.doc && d.doc.title) });
}
ok(three.length === 3 && three.every((t) => typeof t.title === 'string' && t.title !== ''),
    'three documents to read offline, with their titles', JSON.stringify(three));
// The offline search page (www/static/offline-search.html).
const searchPage = await fetch(`${base}/static/offline-search.html`);
const searchTitle = (/<title>([^<]*)<\/title>/.exec(await searchPage.text()) || [])[1];
ok(searchPage.status === 200 && searchTitle !== undefined,
    'the offline search page is served', `${searchPage.status} ${searchTitle}`);

const browser = await launch();
const context = await browser.newContext({
	locale: 'fr-FR',
	viewport: { width: 1280, height: 900 },
	serviceWorkers: 'allow',
});
context.setDefaultTimeout(TIMEOUT);
const messages = [];
function watch(page) {
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			messages.push(`${m.type()} ${page.url()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => messages.push(`pageerror ${page.url()}: ${e.message}`));
}
context.on('page', watch);
const page = await context.newPage();

// Is url in the library's cache (not the visited pages')?
function inLibrary(path) {
	return page.evaluate(async (p) => {
		const c = await caches.open('savoir-library');
		const r = await c.match(p);
		return r === undefined ? null : await r.text();
	}, path);
}

await step('service worker', async () => {
	ok(serverLog.includes(`serving ${carried} on ${base}/`),
	    'savoird logs "serving FILE on http://127.0.0.1:N/"', serverLog);
	await page.goto(`${base}/`);
	const promise = page.locator('[data-offline-promise]');
	await promise.waitFor({ state: 'visible' });
	ok(/restent lisibles hors connexion/.test(await promise.textContent()),
	    'the footer promise shows once the service worker is active');
	ok(await page.locator('.offline-notice').count() === 0,
	    'no certificate notice on a secure context');
});

await step('pin a document', async () => {
	const path = `/doc/${PINNED}`;
	await page.goto(base + path);
	const button = page.locator('.offline-pin__button');
	await button.waitFor({ state: 'visible' });
	ok(await button.textContent() === 'Garder ce document hors ligne',
	    'a document offers « Garder ce document hors ligne »');
	await button.click();
	await page.locator('.offline-pin__button', { hasText: 'Retirer' }).waitFor();
	ok(/gardé hors ligne/.test(await page.locator('.offline-pin__status').textContent()),
	    'once kept, the document says so and offers « Retirer »');
	const kept = await inLibrary(path);
	ok(kept !== null && kept.includes('<h1'), 'the pinned document is in the library cache');
	await screenshot(page, 'document-garde');
	await page.locator('.offline-pin__button').click();
	await page.locator('.offline-pin__button', { hasText: 'Garder ce document hors ligne' }).waitFor();
	ok(await inLibrary(path) === null, '« Retirer » takes it out of the library cache');
	await page.locator('.offline-pin__button').click();
	await page.locator('.offline-pin__button', { hasText: 'Retirer' }).waitFor();
	ok(await inLibrary(path) !== null, 'pinned again');
});

await step('keep the whole library', async () => {
	await page.goto(`${base}/`);
	const button = page.locator('.offline-box__button');
	await button.waitFor({ state: 'visible' });
	ok(await button.textContent() === 'Garder toute la bibliothèque hors ligne',
	    'the home page offers « Garder toute la bibliothèque hors ligne »');
	const status = page.locator('.offline-box__status');
	ok(await status.getAttribute('aria-live') === 'polite' &&
	    await status.getAttribute('role') === 'status',
	    'its progress is announced (role=status, aria-live=polite)');
	// Every text the status takes, to see the progress go by.
	await page.evaluate(() => {
		const s = document.querySelector('.offline-box__status');
		window.seen = [];
		new MutationObserver(() => window.seen.push(s.textContent))
		    .observe(s, { childList: true, characterData: true, subtree: true });
	});
	const t0 = Date.now();
	await button.click();
	await page.waitForFunction(() => /^Toute la bibliothèque est gardée hors ligne/
	    .test(document.querySelector('.offline-box__status').textContent), null,
	    { timeout: 120000 });
	const text = await status.textContent();
	const m = /: (\d+) \/ (\d+) documents/.exec(text);
	ok(m !== null && Number(m[1]) === N && Number(m[2]) === N,
	    `the whole library is kept: ${N} / ${N} documents`, text);
	const seen = await page.evaluate(() => window.seen);
	const steps = seen.map((s) => /^Téléchargement : (\d+) \/ (\d+) documents/.exec(s))
	    .filter((x) => x !== null);
	ok(steps.length >= 2 && steps.every((s) => Number(s[2]) >= N - 1) &&
	    steps.some((s) => Number(s[1]) === Number(s[2])) &&
	    steps.some((s) => Number(s[1]) < Number(s[2])),
	    'the progress went from n / N to N / N', seen.slice(0, 5).concat(seen.slice(-3)).join('\n'));
	console.log(`# ${N} documents kept in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
	    `${steps.length} progress messages; last: ${seen[seen.length - 1]}`);
	await screenshot(page, 'bibliotheque-gardee');
	const doc = await page.goto(`${base}/doc/${PINNED}`);
	ok(doc.status() === 200, 'a kept document still opens online');
	await page.locator('.offline-pin__status').waitFor();
	ok(/gardé hors ligne/.test(await page.locator('.offline-pin__status').textContent()),
	    'the pinned document says it is kept');
});

// Three searches, answered by the server now and by the browser's copy
// once the server is gone: the same first result, the notice shown.
const SEARCHES = ['eau assainissement', 'coopération décentralisée Sénégal', 'L1115-1'];
const serverFirst = {};
await step('searches on the server, before it goes', async () => {
	for (const q of SEARCHES) {
		const r = await fetch(`${base}/api/search?q=${encodeURIComponent(q)}&limit=1`);
		const d = await r.json();
		serverFirst[q] = d.hits && d.hits[0] ? d.hits[0].id : null;
		ok(serverFirst[q] !== null, `the server finds « ${q} »`, JSON.stringify(d).slice(0, 200));
	}
});

await step('offline', async () => {
	await stopServer();
	ok(server.exitCode !== null || server.signalCode !== null, 'savoird is stopped (killed)');
	messages.length = 0;
	for (const t of three) {
		const r = await page.goto(`${base}/doc/${t.id}`);
		const h1 = (await page.locator('h1').textContent()).trim();
		ok(r !== null && h1 === t.title, `offline, « ${t.title} » reads (never opened before)`, h1);
	}
	await screenshot(page, 'hors-connexion-document');
	await page.goto(`${base}/hors-ligne`);
	await page.locator('.offline-details__list').waitFor();
	const n = await page.locator('.offline-details__list li').count();
	ok(n === N, `offline, /hors-ligne lists the ${N} documents kept`, `${n}`);
	ok(new RegExp(`^${N} documents, `).test(await page.locator('.offline-details__summary').textContent()),
	    '/hors-ligne gives the count, the size and the last update',
	    await page.locator('.offline-details__summary').textContent());
	await screenshot(page, 'hors-connexion-liste');
	const link = page.locator('.offline-details__list a').nth(3);
	const title = await link.textContent();
	await Promise.all([page.waitForURL(/\/doc\//), link.click()]);
	ok((await page.locator('h1').textContent()).trim() === title,
	    'a title in the list opens its kept page', title);
	await page.goto(`${base}/doc/jamais/garde`);
	ok(/Hors connexion/.test(await page.locator('h1').textContent()),
	    'a page never kept gets the French offline page');
	ok(await page.locator('a[href="/hors-ligne"]').count() === 1,
	    'which points to the documents kept');
	for (const q of SEARCHES) {
		await page.goto(`${base}/recherche?q=${encodeURIComponent(q)}`);
		ok(await page.title() === searchTitle && /\/recherche\?q=/.test(page.url()),
		    `offline, « ${q} » is answered by the offline search page at /recherche`,
		    `${await page.title()} at ${page.url()}`);
		await page.locator('#offline-hits li').first().waitFor({ timeout: 10000 });
		ok(/Recherche hors ligne/.test(await page.locator('#offline-notice').textContent()) &&
		    await page.locator('#offline-notice').isVisible(),
		    '... says « Recherche hors ligne »');
		const href = await page.locator('#offline-hits li a').first().getAttribute('href');
		const id = decodeURIComponent(href.replace(/^\/doc\//, ''));
		ok(id === serverFirst[q], `... with the server's first result (${serverFirst[q]})`, id);
	}
	await screenshot(page, 'hors-connexion-recherche');
	const first = page.locator('#offline-hits li a').first();
	await Promise.all([page.waitForURL(/\/doc\//), first.click()]);
	ok((await page.locator('h1').count()) === 1, 'an offline result opens its kept page');
	await page.goto(`${base}/`);
	ok((await page.title()) === 'Savoir', 'the home page opens offline');
	ok(messages.length === 0, 'no console message while offline', messages.join('\n'));
});

const listed = (t) => [...document.querySelectorAll('.offline-details__list a')]
    .some((a) => a.textContent === t);

await step('update on the next visit', async () => {
	for (const [file, title] of [[EDITED_FILE, NEW_TITLE], [BLOCKED_FILE, BLOCKED_TITLE]]) {
		const md = readFileSync(file, 'utf8');
		ok(/^title: /m.test(md), `${file} has a title line`);
		writeFileSync(file, md.replace(/^title: .*$/m, `title: "${title}"`));
	}
	rmSync(GONE_FILE);
	buildCarried();
	serverLog = '';
	await startServer(first.port);
	// The worker's download of BLOCKED fails this time.
	await context.route(`**/doc/${BLOCKED}`, (r) => r.abort());
	await page.goto(`${base}/hors-ligne`);
	await page.waitForFunction(listed, NEW_TITLE, { timeout: 60000 });
	ok(true, '/hors-ligne lists the edited title after the next visit');
	const kept = await inLibrary(`/doc/${EDITED}`);
	ok(kept !== null && kept.includes(NEW_TITLE),
	    'the library keeps the new version of the edited document');
	ok(await inLibrary(`/doc/${GONE}`) === null &&
	    await page.locator(`.offline-details__list a[href="/doc/${GONE}"]`).count() === 0,
	    'the document removed from the corpus is dropped');
	ok(await page.locator('.offline-details__list li').count() === N - 1, `${N - 1} documents now`);
	const old = await inLibrary(`/doc/${BLOCKED}`);
	ok(old !== null && !old.includes(BLOCKED_TITLE),
	    'a failed download keeps the old copy');
	const status = await page.locator('.offline-box__status').textContent();
	ok(/: \d+ \/ \d+ documents/.test(status) && /1 document à reprendre à la prochaine visite/.test(status),
	    'and is announced for the next visit', status);
	await page.waitForTimeout(300);
	const fetched = serverLog.split('\n').filter((l) => / GET \/doc\//.test(l));
	ok(fetched.length === 1 && fetched[0].includes(EDITED),
	    'only the edited document was downloaded again', fetched.join('\n'));
	await context.unroute(`**/doc/${BLOCKED}`);
	await page.goto(`${base}/hors-ligne`);
	await page.waitForFunction(listed, BLOCKED_TITLE, { timeout: 60000 });
	ok((await inLibrary(`/doc/${BLOCKED}`) || '').includes(BLOCKED_TITLE),
	    'the next visit retries the failed download');
	await page.locator('.offline-box__status', { hasText: `${N - 1} / ${N - 1} documents` }).waitFor();
	ok(!/à reprendre/.test(await page.locator('.offline-box__status').textContent()),
	    `then ${N - 1} / ${N - 1} documents, nothing left to retry`);
});

await step('a new index starts over', async () => {
	await stopServer();
	rmSync(join(tmp, 'work.db'), { force: true });
	rmSync(join(tmp, 'work.db-wal'), { force: true });
	rmSync(join(tmp, 'work.db-shm'), { force: true });
	buildCarried();
	serverLog = '';
	await startServer(first.port);
	const epoch = (await (await fetch(`${base}/api/changes?limit=1`)).json()).epoch;
	await page.goto(`${base}/hors-ligne`);
	await page.waitForFunction((e) => caches.match('/hors-ligne/etat.json', { cacheName: 'savoir-library' })
	    .then((r) => r.json()).then((s) => s.epoch === e), epoch, { timeout: 60000, polling: 200 });
	await page.locator('.offline-box__status', { hasText: `${N - 1} / ${N - 1} documents` }).waitFor();
	await page.waitForTimeout(300);
	const fetched = serverLog.split('\n').filter((l) => / GET \/doc\//.test(l));
	ok(fetched.length === N - 1, `a new index epoch: the ${N - 1} documents are downloaded again`,
	    `${fetched.length} downloads`);
	ok(await page.locator('.offline-details__list li').count() === N - 1, `still ${N - 1} documents listed`);
});

await step('remove everything', async () => {
	await page.locator('.offline-details__clear').click();
	await page.locator('.offline-details__empty').waitFor();
	ok(await page.evaluate(async () => (await caches.keys()).includes('savoir-library')) === false,
	    '« Tout retirer » empties the library cache');
});

// Out of room (Chromium's quota lowered through CDP): the pass stops, says
// so, and the next one, with room again, completes.
await step('storage full', async () => {
	await page.goto(`${base}/`);
	const cdp = await context.newCDPSession(page);
	const used = await page.evaluate(async () => (await navigator.storage.estimate()).usage);
	await cdp.send('Storage.overrideQuotaForOrigin', { origin: base, quotaSize: used + 300 * 1024 });
	await page.locator('.offline-box__button').click();
	await page.locator('.offline-box__status', { hasText: 'plus assez de place' }).waitFor({ timeout: 60000 });
	const text = await page.locator('.offline-box__status').textContent();
	const m = /: (\d+) \/ (\d+) documents/.exec(text);
	ok(m !== null && Number(m[1]) > 0 && Number(m[1]) < N - 1 && Number(m[2]) === N - 1 &&
	    /^Une partie de la bibliothèque/.test(text),
	    'out of room, the library says how much it kept and why it stopped', text);
	await cdp.send('Storage.overrideQuotaForOrigin', { origin: base });
	await page.locator('.offline-box__button', { hasText: 'Mettre à jour maintenant' }).click();
	await page.locator('.offline-box__status', { hasText: `${N - 1} / ${N - 1} documents` })
	    .waitFor({ timeout: 60000 });
	ok(!/place|reprendre/.test(await page.locator('.offline-box__status').textContent()),
	    `with room again, « Mettre à jour maintenant » completes: ${N - 1} / ${N - 1}`);
});

await browser.close();
await stopServer();
process.exit(status());
