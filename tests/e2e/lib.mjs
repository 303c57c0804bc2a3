// lib.mjs - what every browser test shares: TAP-like reporting ("ok -" /
// "not ok -" lines with "# " details, counted for the exit status), steps
// whose exception fails them without stopping the script, numbered
// full-page screenshots, and Debian's Chromium started headless with
// nothing of its own going to the network.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

let failures = 0;

export function ok(cond, what, detail) {
	console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
	if (!cond) {
		failures++;
		if (detail !== undefined)
			for (const l of String(detail).split('\n'))
				console.log(`# ${l}`);
	}
	return cond;
}

// Run one step; an exception fails it with its message, and the steps
// after it still run where they can.
export async function step(what, fn) {
	try {
		await fn();
	} catch (e) {
		ok(false, what, e && e.stack ? e.stack : e);
	}
}

// The exit status: 1 when a check failed.
export function status() {
	return failures > 0 ? 1 : 0;
}

// screenshot(page, name) into outDir as NN-name.png; returns the file.
export function screenshots(outDir) {
	let shot = 0;
	mkdirSync(outDir, { recursive: true });
	return async (page, name) => {
		shot++;
		const file = join(outDir, `${String(shot).padStart(2, '0')}-${name}.png`);
		await page.screenshot({ path: file, fullPage: true });
		return file;
	};
}

// Debian's Chromium (or $CHROMIUM), headless, no background traffic;
// extra flags after the common ones.
export function launch(extra = []) {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync',
			'--disable-dev-shm-usage', ...extra],
	});
}

// The console errors and uncaught exceptions of every page the context
// opens, as "url: message"; skip(page, message) leaves out those a test
// causes on purpose.
export function consoleErrors(context, skip = () => false) {
	const errors = [];
	context.on('page', (p) => {
		p.on('console', (m) => {
			if (m.type() === 'error' && !skip(p, m.text()))
				errors.push(`${p.url()}: ${m.text()}`);
		});
		p.on('pageerror', (e) => errors.push(`${p.url()}: ${e.message}`));
	});
	return errors;
}
