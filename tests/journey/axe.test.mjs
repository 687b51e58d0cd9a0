// axe-core on every kind of page a shopper meets, in Debian's Chromium against the demo stack:
// the home, a category, a product, a search, the cart (signed in, one line), the checkout with
// its delivery form, the sign-in page
// and a missing product's 404, each in English, French and Arabic (right to left), on a phone's
// screen. No violation of any rule axe runs by default (WCAG 2.x A and AA, and its best
// practices) is allowed.
//
//   cargo build && npm ci && node --test --test-timeout=180000 tests/journey/axe.test.mjs
//
// axe's results (`axe.json`: each page's violations, and the rules it could not decide) and a
// screenshot of every page audited (`<page>-<language>.png`) are written to `quality/axe/` in
// cargo's target directory; the test prints where. Outside CI a missing browser, binary or npm
// package skips the test with the reason; with CI=true it fails.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { inCi, startShop } from "../support/demo-stack.mjs";
import { chromiumArgs, chromiumPath, findPages, missing, phone, reportsDir } from "./browser.mjs";

const LANGUAGES = ["en", "fr", "ar"];

test("axe-core finds no violation on the pages a shopper meets, in English, French and Arabic", async (t) => {
  const reason = await missing(["playwright-core", "axe-core"]);
  if (reason) {
    if (inCi) assert.fail(`axe-core cannot run: ${reason}`);
    t.skip(reason);
    return;
  }
  const { chromium } = await import("playwright-core");
  const { default: axe } = await import("axe-core");
  const out = reportsDir("axe");
  console.log(`axe results and screenshots: ${out}`);
  const shop = startShop();
  let browser;
  const results = [];
  try {
    const base = await shop.url;
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    const found = await findPages(browser, base);
    const visitor = await browser.newContext({ viewport: phone });
    const shopper = await browser.newContext({ viewport: phone });
    await signUpWithOneLineInCart(shopper, base, found.product);
    const pages = [
      ["home", visitor, "/", 200],
      ["category", visitor, found.category, 200],
      ["product", visitor, found.product, 200],
      ["search", visitor, found.search, 200],
      ["cart", shopper, "/cart", 200],
      // The delivery form, for a shopper in Nigeria (fees quoted there).
      ["checkout", shopper, "/checkout?country=NG", 200],
      ["sign-in", visitor, "/login", 200],
      ["not-found", visitor, "/p/999999999", 404],
    ];
    for (const language of LANGUAGES) {
      for (const [name, context, where, status] of pages) {
        const url = new URL(where, base);
        url.searchParams.set("lang", language);
        const page = await context.newPage();
        try {
          const response = await page.goto(url.href);
          assert.equal(response.status(), status, `${url} answered ${response.status()}`);
          assert.equal(await page.locator("html").getAttribute("lang"), language, `${url} is not in ${language}`);
          await page.screenshot({ path: path.join(out, `${name}-${language}.png`), fullPage: true });
          // The pages allow no inline script (CSP); what Playwright evaluates comes through
          // the DevTools protocol, not the page, so axe audits the page as it is served.
          await page.evaluate(axe.source);
          const audit = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
          results.push({
            page: name,
            language,
            url: url.pathname + url.search,
            violations: audit.violations.map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              nodes: v.nodes.map((node) => ({ target: node.target, html: node.html, summary: node.failureSummary })),
            })),
            undecided: audit.incomplete.map((v) => v.id),
          });
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    fs.writeFileSync(path.join(out, "axe.json"), `${JSON.stringify(results, null, 2)}\n`);
    await browser?.close();
    await shop.stop();
  }
  const violations = results.flatMap((r) =>
    r.violations.map((v) => `${r.page} (${r.language}): ${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  );
  const undecided = [...new Set(results.flatMap((r) => r.undecided))];
  console.log(
    `axe-core ${axe.version}: ${results.length} pages, ${violations.length} violations; ` +
      `rules it could not decide alone: ${undecided.join(", ") || "none"}`,
  );
  assert.deepEqual(violations, [], "axe-core found violations");
});

/** A new shopper with `product` in their cart, for the cart page. */
async function signUpWithOneLineInCart(context, base, product) {
  const page = await context.newPage();
  try {
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}/register`);
    await page.getByLabel("Email").fill(`axe-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname !== "/register");
    await page.goto(`${base}${product}`);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart$/);
    assert.equal(await page.locator(".lines .line").count(), 1, "the cart holds the product added");
  } finally {
    await page.close();
  }
}
