// Opens a report's HTML in headless Chromium, runs axe-core with the WCAG 2.2 A and AA
// rules (a duplicate id, which axe leaves "incomplete", counts as a violation),
// measures the page at 320 CSS px, and prints one JSON object:
//   { violations: [{id, impact, help, nodes: [html...]}], requests: [url...],
//     overflow320: px, boxOverflow320 and boxOverflow1280: px (the widest table's
//     sideways scroll at each width),
//     title: "..." }
// usage: node check.mjs REPORT.html [SCREENSHOT_PREFIX]
// (SCREENSHOT_PREFIX writes PREFIX-1280.png and PREFIX-320.png, whole pages.)
import path from 'node:path';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const axeSource = require.resolve('axe-core/axe.min.js');
const [file, shots] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  // The page must be self-contained: every request but the file itself is refused
  // and listed.
  const requests = [];
  const target = 'file://' + path.resolve(file);
  await page.setRequestInterception(true);
  page.on('request', (r) => {
    if (r.url() === target) {
      r.continue();
    } else {
      requests.push(r.url());
      r.abort();
    }
  });
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(target, { waitUntil: 'load' });
  if (shots) await page.screenshot({ path: `${shots}-1280.png`, fullPage: true });
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() =>
    axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'],
      },
      resultTypes: ['violations', 'incomplete'],
    }),
  );
  // axe files duplicate ids under "incomplete" (it cannot tell whether a reader meets
  // them); a duplicate id is never right, so those count as violations here
  const duplicates = result.incomplete.filter((r) => r.id.startsWith('duplicate-id'));
  // at 1280 px no table is cut: nothing scrolls sideways in its box
  const boxOverflow1280 = await page.evaluate(() =>
    Math.max(0, ...[...document.querySelectorAll('.table-wrap')].map((b) => b.scrollWidth - b.clientWidth)),
  );
  await page.setViewport({ width: 320, height: 640 });
  const overflow320 = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  // and no table scrolls sideways in its own box: each row reads as a card
  const boxOverflow320 = await page.evaluate(() =>
    Math.max(0, ...[...document.querySelectorAll('.table-wrap')].map((b) => b.scrollWidth - b.clientWidth)),
  );
  if (shots) await page.screenshot({ path: `${shots}-320.png`, fullPage: false });
  const violations = result.violations.concat(duplicates).map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.html),
  }));
  console.log(JSON.stringify({ violations, requests, overflow320, boxOverflow320, boxOverflow1280, title: await page.title() }));
} finally {
  await browser.close();
}
