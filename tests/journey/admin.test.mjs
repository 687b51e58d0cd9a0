// The admin's journey in a real browser (headless Chromium on a phone's screen, as the other
// journeys) against a demo stack of its own:
//
// An admin signs in, changes nothing but refreshes a product's page on every edge (the product
// was renamed behind the cache's back: the page shows the new name once the purge is read),
// reads the event readers' lag and the cache page (Cloudflare forwarding is off in the demo),
// warms the most requested pages on demand, suspends the product's shop with a reason — its
// product page is gone and its products are absent from their category — reads it in the audit
// trail, replays a dead letter, and reinstates the shop, whose product page comes back.
//
// The admin signs in with the demo's admin account (printed by `cargo run`); the product is
// renamed behind the cache's back in the stack's SQLite database (`sqlite3`), where the dead
// letter the admin replays is made too: nothing a browser can do in the demo makes an event
// reader fail (no test hook, no event a reader refuses), so the journey writes the letter a
// reader would leave after its last delivery, for a copy of a real event.
//
//   cargo build && node --test --test-timeout=240000 tests/journey/admin.test.mjs
//
// Screenshots go to `quality/admin-journey/` in the target directory.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { journey } from "./browser.mjs";

const sqlite = process.env.SQLITE3_PATH ?? "/usr/bin/sqlite3";

/** The origin's CloudEvents `source` (`events-schema/src/envelope.rs`). */
const SOURCE = "/linkedall/origin";

/** Runs `sql` on the demo stack's database. */
function database(shop, sql) {
  return execFileSync(sqlite, [path.join(shop.dir, "data", "linkedall.db"), sql], { encoding: "utf8" }).trim();
}

/** Reloads `url` until `ready(status, text)` holds (purges reach the edge within seconds). */
async function until(page, url, ready, what, seconds = 45) {
  let last = "";
  for (let i = 0; i < seconds * 2; i += 1) {
    const response = await page.goto(url);
    last = await page.locator("main").innerText().catch(() => "");
    if (ready(response.status(), last)) return;
    await page.waitForTimeout(500);
  }
  assert.fail(`timed out waiting until ${what}; the page said:\n${last}`);
}

test("an admin refreshes a product, replays a dead letter, suspends its shop and reinstates it", (t) =>
  journey(
    t,
    "admin-journey",
    async (page, base, shot, out, shop) => {
    // A product in stock in a category, and its shop.
    await page.goto(`${base}/`);
    await page.locator(".categories a").first().click();
    await page.waitForURL(/\/c\//);
    const category = new URL(page.url()).pathname;
    await page.locator(".card").first().locator("a.name").click();
    await page.waitForURL(/\/p\/\d+/);
    const productPath = new URL(page.url()).pathname;
    const productId = /\/p\/(\d+)/.exec(productPath)[1];
    const name = (await page.locator("h1").innerText()).trim();
    const shopPath = await page.locator(`main a[href^="/v/"]`).first().getAttribute("href");
    const vendorId = /\/v\/(\d+)/.exec(shopPath)[1];

    // The demo's admin account, as `cargo run` prints it.
    await page.context().clearCookies();
    await page.goto(`${base}/login?next=%2Fadmin`);
    await page.getByLabel("Email").fill("admin@demo.linkedall.africa");
    await page.getByLabel("Password").fill("lagos-admin-2026");
    await page.locator("main").getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/admin(\?|$)/);
    await shot("console");

    // Renamed behind the cache's back: the cached page still says the old name …
    const renamed = `${name} (new season)`;
    database(shop, `UPDATE products SET name = '${renamed.replaceAll("'", "''")}' WHERE id = ${productId}`);
    await page.goto(`${base}${productPath}`);
    assert.equal((await page.locator("h1").innerText()).trim(), name, "the edge still serves its copy");
    // … until the admin refreshes the product on every edge.
    await page.goto(`${base}/admin/cache`);
    await shot("cache-page");
    const cachePage = await page.locator("main").innerText();
    assert.match(cachePage, /Forwarding purges to Cloudflare is off/);
    await page.getByLabel("A product (its number)").fill(productId);
    await page.getByRole("button", { name: "Refresh these pages" }).click();
    await page.getByText(/Done: recorded as entry \d+ of the purge journal/).waitFor();
    await shot("purged");
    await until(page, `${base}${productPath}`, (status, text) => status === 200 && text.includes(renamed), "the page shows the new name");
    await shot("product-refreshed");

    // Warming on demand says how many pages it fetched.
    await page.goto(`${base}/admin/cache`);
    await page.getByRole("button", { name: "Warm now" }).click();
    await page.getByText(/Done: \d+ pages fetched, of the \d+ most requested on this edge\./).waitFor();
    await shot("warmed");

    // How far each event reader is behind, beside the dead letters.
    await page.goto(`${base}/admin/dead-letters`);
    await page.getByRole("heading", { name: "Event readers" }).waitFor();
    assert.match(await page.locator("main").innerText(), /order-analytics/);
    await shot("event-readers");

    // Suspend the shop, with a reason.
    await page.goto(`${base}/admin/vendors`);
    await page.getByLabel("Name, city or number").fill(vendorId);
    await page.getByRole("button", { name: "Find" }).click();
    await page.waitForURL(/\/admin\/vendors\?/);
    await page.getByLabel("Why (its vendor reads this)").first().fill("Counterfeit goods reported by shoppers");
    await page.locator("form[action$='/suspend'] button").first().click();
    await page.getByText(/is suspended: its products left the catalog/).waitFor();
    assert.match(await page.locator("main").innerText(), /Reason: Counterfeit goods reported by shoppers/);
    await shot("suspended");

    // A dead letter: the edge-purge reader gave up on a copy of the suspension's event (made
    // here in the database, as a reader's failures are: nothing a browser does makes a reader
    // fail). The admin reads what went wrong and replays it; the reader handles it this time.
    const letter = crypto.randomUUID();
    const event = crypto.randomUUID();
    database(
      shop,
      `INSERT INTO dead_letters (id, consumer, event_id, event_type, envelope, error, deliveries)
       SELECT '${letter}', 'edge-purge', '${event}', type,
              json_object('id', '${event}', 'source', '${SOURCE}', 'type', type, 'specversion', '1.0',
                          'time', created_at, 'subject', subject, 'datacontenttype', 'application/json',
                          'dataschema', '/api/v1/schemas/' || type || '/v' || schema_version,
                          'sequence', COALESCE(CAST(seq AS TEXT), '0'), 'data', json(payload)),
              'writing the purge journal failed: database is locked', 5
       FROM outbox WHERE type = 'vendor.suspended' ORDER BY created_at DESC LIMIT 1`,
    );
    await page.goto(`${base}/admin/dead-letters`);
    const waiting = page.locator("li.line").filter({ hasText: "vendor.suspended" });
    await waiting.getByText("What went wrong").click();
    await waiting.getByText("database is locked").waitFor();
    await shot("dead-letter");
    await waiting.getByRole("button", { name: /^Replay event/ }).click();
    await page.getByText("The event was handled again and the letter is closed.").waitFor();
    assert.equal(await page.locator("li.line").filter({ hasText: event }).count(), 0, "the letter is closed");
    await shot("dead-letter-replayed");

    // Its product page is gone, and its products are absent from their category.
    await until(page, `${base}${productPath}`, (status) => status === 404, "the product page is gone");
    await shot("product-gone");
    await until(page, `${base}${category}`, (status) => status === 200, "the category answers");
    const listed = await page.locator(`.card a.name[href^="/p/${productId}-"], .card a.name[href="/p/${productId}"]`).count();
    assert.equal(listed, 0, "the suspended shop's product left its category");
    await shot("category-without-it");

    // The audit trail names both actions.
    await page.goto(`${base}/admin/audit-trail`);
    const trail = await page.locator("main").innerText();
    assert.match(trail, /Suspended a shop/);
    assert.match(trail, /Refreshed pages on every edge/);
    assert.match(trail, /Replayed a dead letter/);
    await shot("audit-trail");

    // Reinstated: the product page comes back (a 404 page is kept for 30 s at most).
    await page.goto(`${base}/admin/vendors?q=${vendorId}&state=suspended`);
    await page.locator("form[action$='/reinstate'] button").first().click();
    await page.getByText(/is reinstated: its products are back in the catalog/).waitFor();
    await shot("reinstated");
    await until(page, `${base}${productPath}`, (status, text) => status === 200 && text.includes(renamed), "the product page is back", 60);
    await shot("product-back");
    console.log(`admin journey screenshots: ${out}`);
    },
    () => (fs.existsSync(sqlite) ? null : `no ${sqlite} (apt-get install -y sqlite3)`),
  ));
