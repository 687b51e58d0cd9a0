// The browser the journeys drive: Debian's Chromium (`/usr/bin/chromium`, or CHROMIUM_PATH),
// headless, as a mid-range Android phone. playwright-core drives it; its own browser downloads
// are never used. Shared by every test in tests/journey/.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { binary, inCi, startShop, target } from "../support/demo-stack.mjs";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Chromium's flags: headless without a sandbox (containers, CI), and no background traffic. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A mid-range Android phone's screen. */
export const phone = { width: 412, height: 915 };

/** Why a journey cannot run here (no browser, no demo binary, an npm package missing), or null. */
export async function missing(packages = ["playwright-core"]) {
  if (!fs.existsSync(chromiumPath)) return `no browser at ${chromiumPath} (apt-get install -y chromium)`;
  if (!fs.existsSync(binary)) return `no ${binary} (cargo build)`;
  for (const name of packages) {
    try {
      await import(name);
    } catch {
      return `${name} is not installed (npm ci)`;
    }
  }
  return null;
}

/** Where the quality checks leave their reports and screenshots: `quality/<name>` in cargo's
 * target directory, emptied first. */
export function reportsDir(name) {
  const dir = path.join(target, "quality", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Browses the shop at `base` as a shopper would, in `browser` (playwright-core): the first
 * category on the home page, a product in stock there, and a search for a word of its name.
 */
export async function findPages(browser, base) {
  const context = await browser.newContext({ viewport: phone });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}/`);
    const category = await page.locator(".categories a").first().getAttribute("href");
    await page.goto(`${base}${category}`);
    const card = page.locator(".card").filter({ hasNotText: "Out of stock" }).first();
    const product = await card.locator("a.name").getAttribute("href");
    const name = (await card.locator("a.name").innerText()).trim();
    const word = name.split(/\s+/).find((w) => w.length >= 4) ?? name;
    return { category, product, search: `/search?q=${encodeURIComponent(word)}` };
  } finally {
    await context.close();
  }
}

/**
 * Runs `steps(page, base, shot, out, shop)` in headless Chromium on a phone's screen against a
 * demo stack of its own; `shot(name)` writes the next numbered screenshot to `quality/<name>/`.
 * `needs()` may name one more thing the journey cannot run without (or return null).
 */
export async function journey(t, name, steps, needs = () => null) {
  const reason = (await missing()) ?? needs();
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
    const out = reportsDir(name);
    let step = 0;
    const shot = async (what) => {
      step += 1;
      await page.screenshot({ path: path.join(out, `${String(step).padStart(2, "0")}-${what}.png`), fullPage: true });
    };
    await steps(page, base, shot, out, shop);
  } finally {
    await context?.close();
    fs.rmSync(profile, { recursive: true, force: true });
    await shop.stop();
  }
}
