// charts.mjs - « Partenariats » and « Chronologie du cadre juridique » in a
// real browser (Debian's Chromium through playwright-core), on a 360 px wide
// phone: each page loads, draws its SVG charts inside the screen (no
// horizontal overflow of the page: wide tables scroll in their own box),
// asks no other origin for anything and leaves nothing in the console; a
// click on a country of the map leads to its partnerships.  Started by
// run.sh after grid.mjs, with the same environment:
//   SAVOIR_URL   https://127.0.0.1:PORT
//   E2E_OUT      where screenshots go
//   CHROMIUM     the browser (default /usr/bin/chromium)
// Prints "ok - what" / "not ok - what" and "# " detail lines.
import { join } from 'node:path';
import { consoleErrors as watchConsole, launch, ok, status, step } from './lib.mjs';

const base = process.env.SAVOIR_URL;
const origin = new URL(base).origin;
const outDir = process.env.E2E_OUT || 'out';
const TIMEOUT = 15000;

const browser = await launch(['--ignore-certificate-errors']);
const elsewhere = [];
const context = await browser.newContext({
	ignoreHTTPSErrors: true, locale: 'fr-FR',
	viewport: { width: 360, height: 740 }, deviceScaleFactor: 1,
	isMobile: true, hasTouch: true,
});
context.setDefaultTimeout(TIMEOUT);
// Every request, whatever asks for it: one to another origin is a failure.
await context.route('**/*', (route) => {
	const u = route.request().url();
	if (!u.startsWith(origin + '/') && !u.startsWith('data:')) {
		elsewhere.push(u);
		return route.abort();
	}
	return route.continue();
});
const consoleErrors = watchConsole(context);
const page = await context.newPage();

async function overflow(p) {
	return p.evaluate(() => document.documentElement.scrollWidth -
	    document.documentElement.clientWidth);
}

await step('the partnerships page at 360 px', async () => {
	const r = await page.goto(`${base}/partenariats`, { waitUntil: 'load' });
	ok(r.status() === 200, '/partenariats answers 200 in the browser');
	ok(await page.locator('svg.map').count() === 1, 'it draws one map');
	const svgs = await page.locator('.chart svg').count();
	const tables = await page.locator('.chart table').count();
	ok(svgs === 4 && tables === 4, 'four charts, each with its table',
	    `${svgs} svg, ${tables} tables`);
	const box = await page.locator('svg.map').boundingBox();
	ok(box && box.width > 250 && box.width <= 360 && box.height > 80,
	    'the map scales to the screen', JSON.stringify(box));
	const over = await overflow(page);
	ok(over <= 0, 'no horizontal overflow at 360 px', `${over} px too wide`);
	const wide = await page.evaluate(() => [...document.querySelectorAll(
	    '.chart svg, .chart__table')].filter((e) =>
	    e.getBoundingClientRect().right > window.innerWidth + 0.5).length);
	ok(wide === 0, 'every chart and table box stays inside the screen', wide);
	await page.screenshot({ path: join(outDir, 'partenariats-360.png'), fullPage: true });
	const senegal = page.locator('svg.map a', { has: page.locator('title', { hasText: /^Sénégal : / }) });
	ok(await senegal.count() === 1, 'Sénégal is on the map');
	const href = await senegal.getAttribute('href');
	await page.goto(new URL(href, base).href);
	ok(/pays=S%C3%A9n%C3%A9gal/.test(page.url()) &&
	    await page.locator('ol.hits > li').count() > 0,
	    'its link opens the search of its partnerships', page.url());
});

await step('the timeline at 360 px', async () => {
	const r = await page.goto(`${base}/chronologie`, { waitUntil: 'load' });
	ok(r.status() === 200, '/chronologie answers 200 in the browser');
	const items = await page.locator('ol.timeline > li').count();
	ok(items >= 5, 'it lists the laws and decisions', items);
	const dates = await page.locator('ol.timeline time').evaluateAll((ts) =>
	    ts.map((t) => t.getAttribute('datetime')));
	ok(dates.every((d, i) => i === 0 || dates[i - 1] <= d),
	    'in date order', dates.join(' '));
	const over = await overflow(page);
	ok(over <= 0, 'no horizontal overflow at 360 px', `${over} px too wide`);
	await page.screenshot({ path: join(outDir, 'chronologie-360.png'), fullPage: true });
});

ok(elsewhere.length === 0, 'no request to another origin', elsewhere.join('\n'));
ok(consoleErrors.length === 0, 'no error in the console on both pages',
    consoleErrors.join('\n'));
await browser.close();
process.exit(status());
