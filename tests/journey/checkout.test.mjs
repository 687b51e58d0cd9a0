// The shopper's journey in a real browser: headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) against the demo stack (`target/debug/linkedall`, origin + edge on
// SQLite with 300 demo products) started here in a temporary directory.
//
// A shopper in Lagos (`?country=NG`, remembered): home → a category → a product → add to cart
// (→ create an account → back to the product) → a second product from a vendor pricing in
// another currency → the cart in naira with the sellers' own prices second and one total →
// checkout: a wrong phone number is refused in a sentence, the address (city, area, landmarks,
// phone) and home delivery with its fee → place order → the order names both products, its
// day, the delivery and how long its locked rates hold → pay with the sandbox provider → paid → the header names the shopper → sign out.
//
//   cargo build && node --test --test-timeout=180000 tests/journey/
//
// Outside CI a missing browser, binary or playwright-core skips the test with the reason; with
// CI=true it fails. A screenshot of the confirmation is left in the system temp directory.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

import { inCi, startShop } from "../support/demo-stack.mjs";
import { chromiumArgs, chromiumPath, missing, phone } from "./browser.mjs";

const SCREENSHOT = path.join(os.tmpdir(), "linkedall-journey-confirmation.png");

test("a shopper browses, adds to cart, checks out, pays and sees the order number", async (t) => {
  const reason = await missing();
  if (reason) {
    if (inCi) assert.fail(`the browser journey cannot run: ${reason}`);
    t.skip(reason);
    return;
  }
  const { chromium } = await import("playwright-core");
  const shop = startShop();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "linkedall-chromium-"));
  let context;
  try {
    const base = await shop.url;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport: phone,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);

    // Browse as a shopper in Nigeria: home → a category → a product in stock.
    await page.goto(`${base}/?country=NG`);
    await assert.doesNotReject(page.getByRole("heading", { name: "Shop by category" }).waitFor());
    await page.locator(".categories a").first().click();
    await page.waitForURL(/\/c\//);
    await page.locator(".card").filter({ hasNotText: "Out of stock" }).first().locator("a.name").click();
    await page.waitForURL(/\/p\//);
    const productName = (await page.locator("h1").innerText()).trim();
    const productPath = new URL(page.url()).pathname;

    // Add to cart: not signed in yet, so the shop asks for an account and comes back.
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/login\?next=/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/register/);
    const email = `journey-${Date.now()}@example.com`;
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL((url) => url.pathname === productPath);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart$/);
    assert.match(await page.locator("main").innerText(), new RegExp(escape(productName)));

    // A second product, from a vendor who prices in another currency than the first: the
    // home shelf shows naira first and the seller's price second for those.
    const firstConverted = (await page.locator(".seller").count()) > 0;
    await page.goto(`${base}/`);
    const cards = page.locator(".card").filter({ hasNotText: "Out of stock" });
    const other = firstConverted
      ? cards.filter({ hasNot: page.locator(".converted") })
      : cards.filter({ has: page.locator(".converted") });
    await other.first().locator("a.name").click();
    await page.waitForURL(/\/p\//);
    const otherName = (await page.locator("h1").innerText()).trim();
    assert.match(await page.locator(".price").first().innerText(), /₦/);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart$/);
    const cart = await page.locator("main").innerText();
    assert.match(cart, new RegExp(escape(otherName)));
    assert.match(cart, /from the seller/, "the converted line shows the seller's own price");
    assert.equal(await page.locator(".total").count(), 1, "one total, in one currency");
    assert.match(await page.locator(".total").innerText(), /₦/);

    // Check out and pay with the sandbox provider.
    await page.getByRole("link", { name: "Check out" }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByLabel("Name of the person receiving").fill("Amaka Obi");
    await page.getByLabel(/^Phone number/).fill("12345");
    await page.getByLabel("City or town").fill("Lagos");
    await page.getByLabel("Area, estate or street").fill("Lekki Phase 1");
    await page.getByLabel(/^Landmarks and directions/).fill("Opposite the filling station, blue gate");
    await page.getByRole("radio", { name: /Home delivery/ }).check();
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByText("Enter a phone number we can call").waitFor();
    assert.equal(await page.getByLabel("Area, estate or street").inputValue(), "Lekki Phase 1", "kept");
    await page.getByLabel(/^Phone number/).fill("0803 123 4567");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/\/orders\/\d+$/);
    const orderNumber = /\/orders\/(\d+)$/.exec(page.url())[1];
    const placed = await page.locator("main").innerText();
    assert.match(placed, /Awaiting payment/);
    for (const name of [productName, otherName]) assert.match(placed, new RegExp(escape(name)));
    assert.match(placed, /Placed on \d{1,2} [A-Z][a-z]{2} \d{4}/);
    assert.match(placed, /Pay within \d+ minutes/);
    assert.match(placed, /locked for this order/);
    assert.match(placed, /Delivery · Home delivery · \u2068?\d+–\d+\u2069? days/);
    assert.match(placed, /Lekki Phase 1, Lagos/);
    assert.match(placed, /\+2348031234567/);
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByText("Paid — confirmed").waitFor();
    const confirmation = await page.locator("main").innerText();
    assert.match(confirmation, new RegExp(`Order number ${orderNumber}\\b`));
    assert.match(confirmation, /Paid — confirmed/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`order ${orderNumber} paid; screenshot: ${SCREENSHOT}`);

    // The header says who is signed in, on a cached catalog page too, and signs out (a
    // shared phone): afterwards it offers "Sign in" again.
    await page.goto(`${base}/`);
    const account = page.locator("header nav.account");
    assert.match(await account.innerText(), new RegExp(escape(email)));
    await account.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await account.getByRole("link", { name: "Sign in" }).waitFor();
    assert.equal(await account.getByRole("button", { name: "Sign out" }).count(), 0);
    assert.doesNotMatch(await account.innerText(), new RegExp(escape(email)));
  } finally {
    await context?.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await shop.stop();
  }
});

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
