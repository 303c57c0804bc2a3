import { chromium } from 'playwright-core';
const [,, url, file, w, h, scroll] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--ignore-certificate-errors'] });
const p = await b.newPage({ ignoreHTTPSErrors: true, viewport: { width: +w, height: +h } });
await p.goto(url); await p.waitForTimeout(300);
if (scroll) await p.evaluate((y) => window.scrollTo(0, y), +scroll);
await p.screenshot({ path: file });
await b.close();
