// grid.mjs - « Analyser un partenariat » in a real browser (Debian's
// Chromium through playwright-core): a person fills the form at /grille,
// submits it, reads the summary, prints it (the navigation is gone) and
// saves the record; the same form also works with JavaScript switched off.
// Started by run.sh after e2e.mjs, with the same environment:
//   SAVOIR_URL   https://127.0.0.1:PORT
//   E2E_OUT      where screenshots go
//   CHROMIUM     the browser (default /usr/bin/chromium)
// Prints "ok - what" / "not ok - what" and "# " detail lines.
import { join } from 'node:path';
import { consoleErrors as watchConsole, launch, ok, status, step } from './lib.mjs';

const base = process.env.SAVOIR_URL;
const outDir = process.env.E2E_OUT || 'out';
const TIMEOUT = 15000;

const browser = await launch(['--ignore-certificate-errors']);

// keys: choose with the keyboard (focus, Space, Enter) rather than the
// mouse.  Without JavaScript, playwright cannot wait for an element to be
// stable before a click (it watches animation frames), and a forced click
// may land before the layout is done.
async function choose(page, sel, keys) {
	if (keys) {
		await page.focus(sel);
		await page.keyboard.press('Space');
	} else
		await page.click(sel);
}

async function fill(page, keys = false) {
	await page.goto(`${base}/grille`);
	await page.fill('#g-collectivite', 'Ville de Testville');
	await page.selectOption('#g-type', 'commune');
	await page.fill('#g-partenaire', 'Commune de Kaya');
	await page.fill('#g-pays', 'Burkina Faso');
	await page.fill('#g-annee', '2015');
	await page.fill('#g-themes', 'eau, jeunesse');
	await choose(page, keys ? '#g-exemple' : 'label[for="g-exemple"]', keys);
	// Through the labels, as a person clicks them.
	await choose(page, keys ? '#note-equilibre-2' :
	    'label[for="note-equilibre-2"]', keys);
	await choose(page, keys ? '#note-evaluation-0' :
	    'label[for="note-evaluation-0"]', keys);
	await page.fill('#commentaire-equilibre', 'Comité paritaire <script>');
	if (keys)
		await page.focus('.grille__bouton');
	await Promise.all([page.waitForURL(/\/grille\/synthese\?/),
		keys ? page.keyboard.press('Enter') :
		page.click('.grille__bouton')]);
}

const context = await browser.newContext({
	ignoreHTTPSErrors: true, locale: 'fr-FR', acceptDownloads: true,
	viewport: { width: 1280, height: 900 },
});
context.setDefaultTimeout(TIMEOUT);
const consoleErrors = watchConsole(context);
const page = await context.newPage();

await step('the grid form', async () => {
	const r = await page.goto(`${base}/grille`);
	ok(r.status() === 200, '/grille answers 200 in the browser');
	ok(await page.locator('fieldset.grille__critere').count() === 8,
	    'the form walks through the 8 criteria');
	ok(await page.locator('h1').count() === 1, 'the form page has one h1');
	await fill(page);
	ok(/Ville de Testville – Commune de Kaya/.test(
	    await page.locator('h1').textContent()),
	    'submitting shows the summary of that partnership');
	const row = page.locator('tr', { has: page.locator('a[href="#synthese-equilibre"]') });
	ok((await row.locator('td').first().textContent()).trim() === '2/3',
	    'the summary holds the note given');
	ok(/Comité paritaire <script>/.test(await row.textContent()),
	    'and the comment, as text');
	const cols = await page.locator('.grille__comparaison thead th').count();
	ok(cols >= 9, 'the comparison has the shipped cases side by side', cols);
	await page.screenshot({ path: join(outDir, 'grille-synthese.png'), fullPage: true });
	await page.emulateMedia({ media: 'print' });
	ok(await page.locator('.site-header').isHidden() &&
	    await page.locator('.site-footer').isHidden() &&
	    await page.locator('.grille__actions').first().isHidden(),
	    'printed, the summary leaves out the navigation and the links');
	ok(await page.locator('.grille__comparaison').isVisible(),
	    'and keeps the comparison');
	await page.screenshot({ path: join(outDir, 'grille-impression.png'), fullPage: true });
	await page.emulateMedia({ media: 'screen' });
	const [dl] = await Promise.all([page.waitForEvent('download'),
		page.click('text=Enregistrer la fiche')]);
	ok(/^partenariat-ex-ville-de-testville-commune-de-kaya\.jsonl$/.test(
	    dl.suggestedFilename()), '« Enregistrer la fiche » downloads the record',
	    dl.suggestedFilename());
});

await step('the form without JavaScript', async () => {
	const ctx = await browser.newContext({ ignoreHTTPSErrors: true,
		javaScriptEnabled: false });
	const p = await ctx.newPage();
	await fill(p, true);
	const row = p.locator('tr', { has: p.locator('a[href="#synthese-equilibre"]') });
	ok(/Ville de Testville/.test(await p.locator('h1').textContent()) &&
	    (await row.locator('td').first().textContent()).trim() === '2/3' &&
	    await p.locator('text=Enregistrer la fiche').count() === 1,
	    'the form works with JavaScript switched off');
	await ctx.close();
});

ok(consoleErrors.length === 0, 'no error in the console on the grid pages',
    consoleErrors.join('\n'));
await browser.close();
process.exit(status());
