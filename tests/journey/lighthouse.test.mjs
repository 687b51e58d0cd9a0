// Lighthouse on the shop's catalog pages, as a phone meets them: its mobile preset (a
// mid-range phone on slow 4G, simulated) in Debian's Chromium against the demo stack, on the
// home, a category and a product page. Accessibility, best practices and SEO must score 1 and
// performance at least 0.9; performance is partly timing, so only its floor is asserted and
// every figure is printed.
//
//   cargo build && npm ci && node --test --test-timeout=180000 tests/journey/lighthouse.test.mjs
//
// Each page's summary (`<page>.json`: scores, metrics, failing audits), Lighthouse's full report
// (`<page>.report.json`) and its final screenshot (`<page>.jpg`) are written to
// `quality/lighthouse/` in cargo's target directory; the test prints where. Outside CI a missing
// browser, binary or npm package skips the test with the reason; with CI=true it fails.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { inCi, startShop } from "../support/demo-stack.mjs";
import { chromiumArgs, chromiumPath, findPages, missing, reportsDir } from "./browser.mjs";

/** The categories that must be perfect, and performance's floor. */
const PERFECT = ["accessibility", "best-practices", "seo"];
const PERFORMANCE_FLOOR = 0.9;
/** The metrics printed and kept for each page. */
const METRICS = {
  "first-contentful-paint": "FCP",
  "largest-contentful-paint": "LCP",
  "total-blocking-time": "TBT",
  "cumulative-layout-shift": "CLS",
  "speed-index": "SI",
  "server-response-time": "server",
};

test("Lighthouse on a phone: home, category and product pages score 1 for accessibility, best practices and SEO, and at least 0.9 for performance", async (t) => {
  const reason = await missing(["playwright-core", "lighthouse", "chrome-launcher"]);
  if (reason) {
    if (inCi) assert.fail(`Lighthouse cannot run: ${reason}`);
    t.skip(reason);
    return;
  }
  const { chromium } = await import("playwright-core");
  const { default: lighthouse } = await import("lighthouse");
  const { launch } = await import("chrome-launcher");
  const out = reportsDir("lighthouse");
  console.log(`Lighthouse summaries, reports and screenshots: ${out}`);
  const shop = startShop();
  let chrome;
  const shortfalls = [];
  try {
    const base = await shop.url;
    // Found as a shopper would; browsing also fills the edge's cache, as shoppers keep it.
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    const pages = await findPages(browser, base).finally(() => browser.close());
    chrome = await launch({ chromePath: chromiumPath, chromeFlags: ["--headless=new", "--no-sandbox"] });
    for (const [name, where] of [
      ["home", "/"],
      ["category", pages.category],
      ["product", pages.product],
    ]) {
      const started = Date.now();
      const { lhr, report } = await lighthouse(`${base}${where}`, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", ...PERFECT],
        // The final screenshot is kept; the full-page one only slows every run.
        disableFullPageScreenshot: true,
      });
      const summary = summarise(lhr);
      fs.writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(summary, null, 2)}\n`);
      fs.writeFileSync(path.join(out, `${name}.report.json`), report);
      const screenshot = lhr.audits["final-screenshot"]?.details?.data;
      if (screenshot) fs.writeFileSync(path.join(out, `${name}.jpg`), Buffer.from(screenshot.split(",")[1], "base64"));
      const scores = Object.entries(summary.scores).map(([c, s]) => `${c} ${s}`).join(", ");
      const metrics = Object.entries(summary.metrics).map(([m, v]) => `${m} ${v}`).join(", ");
      const took = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`Lighthouse ${name} (${where}, ${took} s): ${scores}; ${metrics}`);
      if (summary.scores.performance < PERFORMANCE_FLOOR) {
        shortfalls.push(`${name}: performance ${summary.scores.performance} < ${PERFORMANCE_FLOOR} (${metrics})`);
      }
      for (const category of PERFECT) {
        if (summary.scores[category] !== 1) {
          const failing = summary.failing.filter((audit) => audit.category === category).map(describe);
          shortfalls.push(`${name}: ${category} ${summary.scores[category]}: ${failing.join("; ")}`);
        }
      }
    }
  } finally {
    await chrome?.kill();
    await shop.stop();
  }
  assert.deepEqual(shortfalls, [], "Lighthouse found pages below the bar");
});

/** What is kept of a run: scores, the metrics, and every scored audit that failed and why. */
function summarise(lhr) {
  const scores = {};
  const failing = [];
  for (const [id, category] of Object.entries(lhr.categories)) {
    scores[id] = category.score;
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        failing.push({
          category: id,
          id: ref.id,
          title: audit.title,
          score: audit.score,
          value: audit.displayValue ?? audit.explanation,
        });
      }
    }
  }
  const metrics = {};
  for (const [id, label] of Object.entries(METRICS)) {
    if (lhr.audits[id]?.numericValue !== undefined) metrics[label] = lhr.audits[id].displayValue;
  }
  return {
    url: lhr.finalDisplayedUrl,
    lighthouse: lhr.lighthouseVersion,
    browser: lhr.environment.hostUserAgent,
    formFactor: lhr.configSettings.formFactor,
    throttling: lhr.configSettings.throttlingMethod,
    scores,
    metrics,
    failing,
    warnings: lhr.runWarnings,
  };
}

function describe(audit) {
  return `${audit.id} (${audit.title}${audit.value ? `: ${audit.value}` : ""})`;
}
