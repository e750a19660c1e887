// Opens a report's HTML in headless Chromium, runs axe-core with the WCAG 2.2 A and AA
// rules and its best practices (a duplicate id, which axe leaves "incomplete", counts
// as a violation) and HTML_CodeSniffer's WCAG2AA errors (the checker pa11y runs, at the
// version pa11y 10 uses), measures the page at 1280 and 320 CSS px, and prints one JSON
// object:
//   { violations: [{id, impact, help, nodes: [html...]}], htmlcs: [{code, msg, html}],
//     requests: [url...], overflow320: px, boxOverflow320 and boxOverflow1280: px (the
//     widest table's sideways scroll at each width), chartText320: px (the smallest
//     text of any chart shown at 320 px, as rendered), title: "..." }
// usage: node check.mjs REPORT.html [SCREENSHOT_PREFIX]
// (SCREENSHOT_PREFIX writes PREFIX-1280.png and PREFIX-320.png, whole pages.)
import path from 'node:path';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const axeSource = require.resolve('axe-core/axe.min.js');
const htmlcsSource = require.resolve('@pa11y/html_codesniffer/build/HTMLCS.js');
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
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'],
      },
      resultTypes: ['violations', 'incomplete'],
    }),
  );
  // axe files duplicate ids under "incomplete" (it cannot tell whether a reader meets
  // them); a duplicate id is never right, so those count as violations here
  const duplicates = result.incomplete.filter((r) => r.id.startsWith('duplicate-id'));
  await page.addScriptTag({ path: htmlcsSource });
  const htmlcs = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        HTMLCS.process(
          'WCAG2AA',
          document,
          () =>
            resolve(
              HTMLCS.getMessages()
                .filter((m) => m.type === HTMLCS.ERROR)
                .map((m) => ({
                  code: m.code,
                  msg: m.msg,
                  html: m.element && m.element.outerHTML ? m.element.outerHTML.slice(0, 200) : '',
                })),
            ),
          () => reject(new Error('HTML_CodeSniffer failed')),
          'en',
        );
      }),
  );
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
  // the smallest chart text a phone shows, in CSS px as drawn (font size times the
  // drawing's scale), over every chart on show at this width
  const chartText320 = await page.evaluate(() =>
    Math.min(
      ...[...document.querySelectorAll('svg text')]
        .filter((t) => t.getBoundingClientRect().width > 0)
        .map((t) => {
          // (the scale of the drawing, turned or not)
          const m = t.getScreenCTM();
          return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        }),
    ),
  );
  if (shots) await page.screenshot({ path: `${shots}-320.png`, fullPage: false });
  const violations = result.violations.concat(duplicates).map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.html),
  }));
  console.log(
    JSON.stringify({
      violations,
      htmlcs,
      requests,
      overflow320,
      boxOverflow320,
      boxOverflow1280,
      chartText320,
      title: await page.title(),
    }),
  );
} finally {
  await browser.close();
}
