// e2e.mjs - Savoir's pages in a real browser (Debian's Chromium, driven by
// playwright-core): what a person does, from the home page to a cited
// article and back, with suggestions, a facet, highlighting, a phone-sized
// screen and an offline reload.  Started by run.sh, which gives it a
// running savoird:
//   SAVOIR_URL   https://127.0.0.1:PORT
//   E2E_OUT      where screenshots go
//   CHROMIUM     the browser (default /usr/bin/chromium)
// Prints one line per check: "ok - what" or "not ok - what", with "# "
// lines of detail; run.sh numbers them into TAP.
import { consoleErrors as watchConsole, launch, ok, screenshots, status, step } from './lib.mjs';

const base = process.env.SAVOIR_URL;
const outDir = process.env.E2E_OUT || 'out';
const origin = new URL(base).origin;
const QUERY = 'coopération décentralisée Sénégal';
const TIMEOUT = 15000;

const screenshot = screenshots(outDir);

// ignoreHTTPSErrors covers pages, not the service worker's script: as for
// a person who clicked through the warning, the self-signed certificate
// stops the worker (offline.mjs tests it over http://127.0.0.1, where it
// registers).
const browser = await launch();
const context = await browser.newContext({
	ignoreHTTPSErrors: true,
	locale: 'fr-FR',
	viewport: { width: 1280, height: 900 },
	serviceWorkers: 'allow',
});
context.setDefaultTimeout(TIMEOUT);

// Everything the pages ask for must come from Savoir itself, and nothing
// may complain in the console.
const foreign = [];
const failedRequests = [];
context.on('request', (r) => {
	const u = r.url();
	if (/^(data|blob|about|chrome|chrome-extension):/.test(u))
		return;
	if (new URL(u).origin !== origin)
		foreign.push(u);
});
context.on('requestfailed', (r) => {
	failedRequests.push(`${r.url()}: ${r.failure() ? r.failure().errorText : ''}`);
});
// Pages we ask for an error status on purpose log that status.
const expectedStatus = new Set();
const consoleErrors = watchConsole(context, (p, text) =>
    expectedStatus.has(p.url()) &&
    /^Failed to load resource: the server responded with a status of 40[04]/.test(text));

const page = await context.newPage();

// 1. The home page.
await step('home page', async () => {
	const r = await page.goto(`${base}/`);
	ok(r.status() === 200, 'home page answers 200', `status ${r.status()}`);
	ok(await page.getAttribute('html', 'lang') === 'fr', 'home page is in French (lang="fr")');
	ok((await page.title()) === 'Savoir', 'home page title is Savoir', await page.title());
	ok(await page.locator('main#contenu').count() === 1 &&
	    await page.locator('header').count() >= 1 &&
	    await page.locator('footer').count() >= 1, 'layout has header, main and footer landmarks');
	const label = await page.locator('label[for="q"]').textContent();
	ok(/recherche/i.test(label || ''), 'the search field has a label', label);
	ok(await page.getAttribute('#q', 'placeholder') === 'ex. coopération décentralisée Sénégal',
	    'the search field shows an example');
	const kinds = await page.locator('.kind').allTextContents();
	ok(kinds.length >= 6 && kinds.some((k) => /Articles de loi\s*\d+/.test(k)) &&
	    kinds.some((k) => /Notes de cours\s*\d+/.test(k)),
	    'shortcuts to each kind of material, with counts', kinds.join('\n'));
	ok(await page.locator('.syntax').count() === 1 &&
	    /L1115-1/.test(await page.locator('.syntax').textContent()),
	    'home page explains the query syntax');
	ok(await page.locator('link[rel="search"][href="/opensearch.xml"]').count() === 1,
	    'layout links the OpenSearch description');
	await screenshot(page, 'accueil');
});

// 2. Suggestions while typing: an ARIA combobox.
await step('suggestions', async () => {
	const input = page.locator('#q');
	await input.click();
	await input.pressSequentially('coopé', { delay: 40 });
	const list = page.locator('[role="listbox"]');
	await list.waitFor({ state: 'visible' });
	const n = await page.locator('[role="option"]').count();
	ok(n > 0, 'suggestions appear while typing', `${n} options`);
	ok(await input.getAttribute('role') === 'combobox' &&
	    await input.getAttribute('aria-expanded') === 'true' &&
	    await input.getAttribute('aria-controls') === await list.getAttribute('id'),
	    'the field is an expanded combobox controlling the listbox');
	await input.press('ArrowDown');
	const active = await input.getAttribute('aria-activedescendant');
	ok(active !== null && await page.locator(`#${active}`).getAttribute('aria-selected') === 'true',
	    'ArrowDown selects the first suggestion (aria-activedescendant)', active);
	await screenshot(page, 'suggestions');
	await input.press('Escape');
	ok(await input.getAttribute('aria-expanded') === 'false' && !(await list.isVisible()),
	    'Escape closes the suggestions');
});

// 3. A search, submitted with Enter.
await step('search', async () => {
	const input = page.locator('#q');
	// Escape would also empty a search field whose list is closed.
	await input.fill(QUERY);
	await Promise.all([page.waitForURL(/\/recherche\?/), input.press('Enter')]);
	await page.waitForLoadState('load');
	ok(await page.inputValue('#q') === QUERY, 'the query comes back intact (accents, spaces)',
	    await page.inputValue('#q'));
	const summary = await page.locator('.summary').textContent();
	ok(/^\d[\d\u202f]* documents? contien\w+ tous les mots, \d[\d\u202f]* en contien\w+ une partie \(/.test(summary.trim()),
	    'the count says how many documents hold all the words and how many some', summary);
	ok(await page.locator('.hit--partial .hit__partial').count() > 0 ||
	    await page.locator('.hit--partial').count() === 0, 'partial matches are marked');
	const hits = page.locator('.hit');
	ok(await hits.count() > 1, 'ranked results are listed', `${await hits.count()} hits`);
	ok(await page.locator('.hit__snippet mark').count() > 0, 'snippets mark the words found');
	const first = await page.locator('.hit__title a').first().textContent();
	ok(/Sénégal|coopération/i.test(first), 'the first result is about the query', first);
	ok(await page.locator('.facet').count() >= 2, 'facets are shown');
	ok(await page.locator('.pagination').count() === 1 &&
	    /Page 1 sur \d+/.test(await page.locator('.pagination').textContent()),
	    'pagination says which page');
	await screenshot(page, 'resultats');
});

// The documents a summary counts: « 3 résultats » or « 3 documents
// contiennent tous les mots, 9 en contiennent une partie » (12).
function resultCount(summary) {
	const n = (s) => parseInt(s.replace(/\u202f/g, ''), 10);
	const m = /^(\d[\d\u202f]*) documents? contien\w+ tous les mots, (\d[\d\u202f]*) en/.exec(summary.trim());
	return m ? n(m[1]) + n(m[2]) : n(summary.trim());
}

// 4. A facet: filter on the notes, then remove the filter.
let filteredUrl = '';
await step('facet', async () => {
	const before = await page.locator('.summary').textContent();
	const facet = page.locator('.facet', { has: page.locator('h3', { hasText: 'Type de document' }) });
	const link = facet.locator('a', { hasText: 'Notes de cours' });
	await Promise.all([page.waitForURL(/type=note/), link.click()]);
	filteredUrl = page.url();
	ok(/[?&]q=/.test(filteredUrl), 'the facet keeps the query', filteredUrl);
	const chip = page.locator('.chip', { hasText: 'Type de document : Notes de cours' });
	ok(await chip.count() === 1, 'the active filter is shown');
	ok(await page.locator('.facet__link.is-active').count() === 1, 'the facet value is marked active');
	const badges = await page.locator('.hit .badge').allTextContents();
	ok(badges.length > 0 && badges.every((b) => b === 'Note de cours'),
	    'every result is a note', badges.join(', '));
	const after = await page.locator('.summary').textContent();
	ok(resultCount(after) < resultCount(before), 'the filter narrows the results',
	    `${before} -> ${after}`);
	await screenshot(page, 'facette');
});

// 5. A document from the results, with the words highlighted, that cites
//    a legal article.
let docUrl = '';
let docTitle = '';
await step('document', async () => {
	const n = await page.locator('.hit__title a').count();
	let found = false;
	for (let i = 0; i < n && !found; i++) {
		await Promise.all([page.waitForURL(/\/doc\//),
			page.locator('.hit__title a').nth(i).click()]);
		if (await page.locator('a[href^="/doc/cgct/"]').count() > 0)
			found = true;
		else
			await page.goBack();
	}
	ok(found, 'a result cites an article of the CGCT');
	docUrl = page.url();
	docTitle = (await page.locator('h1').textContent()).trim();
	ok(docTitle !== '', 'the document has a title', docTitle);
	ok(await page.locator('.doc .badge').first().textContent() === 'Note de cours',
	    'the document shows its type');
	ok(await page.locator('.back a', { hasText: 'Retour aux résultats' }).count() === 1,
	    '« Retour aux résultats » is offered');
	ok(await page.locator('.passages mark').count() > 0, 'the matching passages are shown first');
	await page.locator('mark.hl').first().waitFor();
	ok(await page.locator('.doc__body mark.hl').count() > 0,
	    'the searched words are highlighted in the text (savoir.js)');
	ok(await page.locator('dl.meta').count() === 1, 'metadata is shown');
	await screenshot(page, 'document');
});

// 6. The cited article, then back.
await step('cited article', async () => {
	const link = page.locator('a[href^="/doc/cgct/"]').first();
	const href = await link.getAttribute('href');
	await Promise.all([page.waitForURL((u) => u.pathname === href), link.click()]);
	ok(await page.locator('.doc .badge').first().textContent() === 'Article de loi',
	    'the link leads to an article of law', href);
	const citedBy = page.locator('.cited-by');
	ok(await citedBy.count() === 1 && /Cité par/.test(await citedBy.locator('h2').textContent()),
	    'the article lists « Cité par »');
	const back = new URL(docUrl).pathname;
	ok(await page.locator(`.cited-by a[href="${back}"]`).count() === 1,
	    '« Cité par » includes the document we came from', back);
	await screenshot(page, 'article');
	await page.goBack();
	await page.waitForURL((u) => u.href === docUrl);
	ok((await page.locator('h1').textContent()).trim() === docTitle, 'Back returns to the document');
	await Promise.all([page.waitForURL(/\/recherche\?/),
		page.locator('.back a').click()]);
	ok(await page.inputValue('#q') === QUERY, '« Retour aux résultats » returns to the search');
});

// 7. Errors are pages too.
await step('not found', async () => {
	expectedStatus.add(`${base}/doc/nulle-part/rien`);
	expectedStatus.add(`${base}/recherche?q=eau&page=-1`);
	const r = await page.goto(`${base}/doc/nulle-part/rien`);
	ok(r.status() === 404, 'an unknown document answers 404', `status ${r.status()}`);
	ok(/Page introuvable/.test(await page.locator('h1').textContent()),
	    'the 404 page says so in French');
	await screenshot(page, 'introuvable');
	const e = await page.goto(`${base}/recherche?q=eau&page=-1`);
	ok(e.status() === 400, 'page=-1 answers 400', `status ${e.status()}`);
	const z = await page.goto(`${base}/recherche?q=xyzzyqwerty`);
	ok(z.status() === 200 && await page.locator('.empty').count() === 1,
	    'a search without results explains and suggests');
	await screenshot(page, 'aucun-resultat');
});

// 7b. Search that forgives: « Vouliez-vous dire », a correction searched
//     with a way back to the words as typed, « Documents proches ».
await step('did you mean', async () => {
	await page.goto(`${base}/recherche?q=${encodeURIComponent('jumelage Senegl')}`);
	const offer = page.locator('.spelling__suggestion');
	ok(await offer.count() === 1 && (await offer.textContent()) === 'jumelage Sénégal',
	    '« Vouliez-vous dire » offers the corrected words', await page.locator('.spelling').allTextContents());
	await Promise.all([page.waitForURL(/q=jumelage%20S%C3%A9n%C3%A9gal/), offer.click()]);
	ok(await page.inputValue('#q') === 'jumelage Sénégal', 'the link runs the corrected search');
	ok(await page.locator('.spelling').count() === 0, 'the corrected search needs no correction');
	const first = await page.locator('.hit__title a').first().textContent();
	ok(/Sénégal|jumelage/i.test(first), 'its first result is about the corrected words', first);
	await page.goto(`${base}/recherche?q=cooperasion`);
	ok((await page.locator('h1').textContent()).trim() === 'Résultats pour « coopération »',
	    'a word that matches nothing is searched corrected, and the title says so');
	ok(await page.locator('.hit').count() > 0, 'the corrected search has results');
	await screenshot(page, 'correction');
	await Promise.all([page.waitForURL(/exact=1/), page.locator('.spelling__typed').click()]);
	ok(/Aucun résultat/.test(await page.locator('.summary').textContent()),
	    '« Rechercher tel quel » searches the words as typed');
	await page.goto(`${base}/doc/cas/chambery-ouahigouya`);
	const near = page.locator('.similar li a');
	ok(await near.count() >= 3, '« Documents proches » lists similar documents', `${await near.count()}`);
	const href = await near.first().getAttribute('href');
	await Promise.all([page.waitForURL((u) => u.pathname === href), near.first().click()]);
	ok(await page.locator('.doc__body').count() === 1, 'a similar document opens');
});

// 8. Accessibility the RGAA asks for and a browser can measure: the
// contrast of every visible text against its real background, and the
// keyboard path (skip link first, a visible focus ring, the search field).
// WCAG 2.1 formula: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
function contrastFailures() {
	const parse = (c) => {
		const m = /rgba?\(([^)]+)\)/.exec(c);
		if (m === null)
			return null;
		const p = m[1].split(',').map((x) => parseFloat(x));
		return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
	};
	const lum = ({ r, g, b }) => {
		const f = (v) => {
			v /= 255;
			return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
		};
		return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
	};
	const over = (top, under) => ({
		r: top.r * top.a + under.r * (1 - top.a),
		g: top.g * top.a + under.g * (1 - top.a),
		b: top.b * top.a + under.b * (1 - top.a), a: 1,
	});
	// The colour behind el: its own and its ancestors' backgrounds, down
	// to the first opaque one (white under all).  null under an image.
	const behind = (el) => {
		const layers = [];
		for (let e = el; e !== null; e = e.parentElement) {
			const cs = getComputedStyle(e);
			if (cs.backgroundImage !== 'none')
				return null;
			const c = parse(cs.backgroundColor);
			if (c !== null && c.a > 0) {
				layers.push(c);
				if (c.a >= 1)
					break;
			}
		}
		let bg = { r: 255, g: 255, b: 255, a: 1 };
		for (let i = layers.length - 1; i >= 0; i--)
			bg = over(layers[i], bg);
		return bg;
	};
	const fails = [];
	let checked = 0;
	const seen = new Set();
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	while (walk.nextNode()) {
		const text = walk.currentNode.textContent.trim();
		const el = walk.currentNode.parentElement;
		if (text === '' || el === null || seen.has(el))
			continue;
		seen.add(el);
		const cs = getComputedStyle(el);
		const box = el.getBoundingClientRect();
		if (cs.visibility === 'hidden' || cs.display === 'none' ||
		    box.width <= 1 || box.height <= 1 || box.bottom < 0 || box.right < 0)
			continue;	/* not shown (the skip link until focused) */
		const bg = behind(el);
		const fg = parse(cs.color);
		if (bg === null || fg === null)
			continue;
		const a = lum(over(fg, bg)), b = lum(bg);
		const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		const size = parseFloat(cs.fontSize);
		const large = size >= 24 || (parseInt(cs.fontWeight, 10) >= 700 && size >= 18.66);
		const need = large ? 3 : 4.5;
		checked++;
		if (ratio < need)
			fails.push(`${el.tagName.toLowerCase()}.${el.className} « ${text.slice(0, 40)} »: ` +
			    `${ratio.toFixed(2)}:1, needs ${need}:1`);
	}
	return { checked, fails };
}

await step('accessibility', async () => {
	const a11y = await context.newPage();
	for (const [name, path] of [['home', '/'],
		['results', `/recherche?q=${encodeURIComponent(QUERY)}`],
		['filtered results', `/recherche?q=${encodeURIComponent(QUERY)}&type=note`],
		['document', new URL(docUrl).pathname + new URL(docUrl).search],
		['article', '/doc/cgct/L1115-1'],
		['no results', '/recherche?q=xyzzyqwerty'],
		['not found', '/doc/nulle/part']]) {
		expectedStatus.add(base + path);	/* the last one is a 404 */
		await a11y.goto(base + path);
		const r = await a11y.evaluate(contrastFailures);
		ok(r.checked > 5 && r.fails.length === 0,
		    `${name} page: every text has enough contrast (${r.checked} checked)`,
		    r.fails.join('\n'));
	}
	// The keyboard path from the top of the home page.
	await a11y.goto(`${base}/`);
	await a11y.keyboard.press('Tab');
	const first = await a11y.evaluate(() => {
		const e = document.activeElement;
		const cs = getComputedStyle(e);
		const box = e.getBoundingClientRect();
		return { href: e.getAttribute('href'), text: e.textContent.trim(),
			onScreen: box.top >= 0 && box.left >= 0 && box.width > 1,
			ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
	});
	ok(first.href === '#contenu' && /Aller au contenu/.test(first.text),
	    'the first Tab reaches the skip link', JSON.stringify(first));
	ok(first.onScreen && first.ring, 'the focused skip link is shown, with a focus ring',
	    JSON.stringify(first));
	await a11y.keyboard.press('Enter');
	ok(await a11y.evaluate(() => document.activeElement.id) === 'contenu',
	    'the skip link moves the focus to the main content');
	let reached = false;
	for (let i = 0; i < 6 && !reached; i++) {
		await a11y.keyboard.press('Tab');
		reached = await a11y.evaluate(() => document.activeElement.id === 'q');
	}
	ok(reached, 'from there, Tab reaches the search field within a few presses');
	await a11y.keyboard.type('SOS Méditerranée');
	await Promise.all([a11y.waitForNavigation(), a11y.keyboard.press('Enter')]);
	ok(/\/recherche\?q=SOS/.test(a11y.url()), 'Enter in the field searches', a11y.url());
	await a11y.close();
});

// 9. A 320 px wide phone: nothing sticks out sideways, on every kind of
//    page (a document of each type, the grid, the offline page, an empty
//    search, a page that does not exist); and at 360 px the search box is
//    whole and usable.
await step('phone', async () => {
	const phone = await context.newPage();
	await phone.setViewportSize({ width: 320, height: 640 });
	const pages = [['telephone-accueil', '/'],
		['telephone-resultats', `/recherche?q=${encodeURIComponent(QUERY)}`],
		['telephone-document', new URL(docUrl).pathname + new URL(docUrl).search],
		['telephone-aide', '/recherche'],
		['telephone-sans-resultat', '/recherche?q=zzqxwv'],
		['telephone-grille', '/grille'],
		['telephone-hors-ligne', '/hors-ligne'],
		['telephone-404', '/pas-de-page-ici']];
	expectedStatus.add(`${base}/pas-de-page-ici`);
	for (const type of ['note', 'article', 'fiche', 'cas', 'partenariat', 'glossaire']) {
		const r = await phone.request.get(`${base}/api/search?q=&type=${type}&limit=1`);
		const hit = r.ok() ? (await r.json()).hits[0] : undefined;
		if (hit === undefined) {
			const any = await phone.request.get(`${base}/api/search?q=coop%C3%A9ration&type=${type}&limit=1`);
			const h2 = any.ok() ? (await any.json()).hits[0] : undefined;
			if (h2 !== undefined)
				pages.push([`telephone-${type}`, `/doc/${h2.id}`]);
			else
				ok(false, `a ${type} document to look at on a phone`);
			continue;
		}
		pages.push([`telephone-${type}`, `/doc/${hit.id}`]);
	}
	for (const [name, path] of pages) {
		await phone.goto(base + path);
		const [wide, culprits] = await phone.evaluate(() => {
			const w = document.documentElement.clientWidth;
			const out = [];
			for (const e of document.body.querySelectorAll('*')) {
				const r = e.getBoundingClientRect();
				if (r.right > w + 1 && out.length < 5)
					out.push(`${e.tagName.toLowerCase()}.${e.className} right=${Math.round(r.right)}`);
			}
			return [document.documentElement.scrollWidth - w, out.join('\n')];
		});
		ok(wide <= 0, `${path} fits a 320 px screen`, `${wide} px too wide\n${culprits}`);
		await screenshot(phone, name);
	}
	await phone.setViewportSize({ width: 360, height: 640 });
	await phone.goto(base + '/');
	const box = await phone.locator('#q').boundingBox();
	const button = await phone.locator('form[role=search] button[type=submit], form[role=search] input[type=submit]').first().boundingBox();
	ok(box !== null && box.width >= 180 && box.x >= 0 && box.x + box.width <= 360,
	    'at 360 px the search field is whole and at least 180 px wide', JSON.stringify(box));
	ok(button !== null && button.x >= 0 && button.x + button.width <= 360 && button.height >= 24,
	    'at 360 px the search button is on the screen and big enough to press', JSON.stringify(button));
	await phone.locator('#q').fill('jumelage');
	await Promise.all([phone.waitForNavigation(), phone.locator('#q').press('Enter')]);
	ok(/\/recherche\?q=jumelage/.test(phone.url()) &&
	    await phone.locator('.hits li.hit').count() > 0,
	    'at 360 px a search typed in the box gives results', phone.url());
	await phone.close();
});

// 10. Offline reading with a self-signed certificate: the browser refuses
//     the service worker, so nothing promises it; a discreet notice says
//     why where the controls would be, and nothing lands in the console.
await step('offline', async () => {
	await page.goto(`${base}/`);
	const notice = page.locator('[data-offline-library] .offline-notice');
	await notice.waitFor();
	ok(/certificat reconnu par le navigateur/.test(await notice.textContent()),
	    'the home page says offline reading needs a trusted certificate',
	    await notice.textContent());
	const sw = await page.evaluate(async () => {
		const regs = await navigator.serviceWorker.getRegistrations();
		return regs.length;
	});
	ok(sw === 0, 'the browser registered no service worker', `${sw}`);
	ok(!(await page.locator('[data-offline-promise]').isVisible()),
	    'the footer does not promise offline reading');
	ok(await page.locator('.offline-box__button').count() === 0,
	    'no « Garder toute la bibliothèque » control without a worker');
	await page.goto(docUrl);
	ok(await page.locator('.offline-pin__button').count() === 0 &&
	    !(await page.locator('[data-offline-promise]').isVisible()),
	    'a document offers no pin and no promise either');
	await page.goto(`${base}/hors-ligne`);
	ok(await page.locator('.offline-notice').count() === 1 &&
	    /certificat reconnu/.test(await page.locator('.offline-notice').textContent()),
	    '/hors-ligne explains, once, why it cannot keep anything');
	await screenshot(page, 'hors-ligne-certificat');
});

ok(foreign.length === 0, 'no request went to another origin', foreign.join('\n'));
ok(consoleErrors.length === 0, 'no error in the console', consoleErrors.join('\n'));
ok(failedRequests.filter((f) => !/ERR_INTERNET_DISCONNECTED|ERR_ABORTED/.test(f)).length === 0,
    'no request failed', failedRequests.join('\n'));
// The premise of the above, checked last since the browser logs its
// refusal in the console: this certificate does stop the service worker.
await step('certificate premise', async () => {
	await page.goto(`${base}/`);
	ok(await page.getAttribute('html', 'data-certificate') === 'self-signed',
	    'the page says it is served with the generated certificate');
	const why = await page.evaluate(() => navigator.serviceWorker.register('/sw.js')
	    .then(() => 'registered', (e) => e.name));
	ok(why === 'SecurityError', 'the browser does refuse the service worker here', why);
});
console.log(`# screenshots in ${outDir}`);

await browser.close();
process.exit(status());
