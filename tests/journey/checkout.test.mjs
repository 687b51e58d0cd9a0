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
// A second shopper pays on delivery; a third forgot their password: the link arrives by mail (a
// file, the demo having no SMTP server), sets a new password, signs them in, and works once.
//
// A third journey reviews: a vendor opens a shop and lists a product with two photos (the
// product page shows both, resized at the edge, as a gallery), a shopper buys it paying on
// delivery, the vendor ships and delivers it from the console, the shopper rates it from the
// order page (the review shows there), the vendor answers from the dashboard, and the product
// page shows the rating, the review, the answer and their structured data.
//
//   cargo build && node --test --test-timeout=180000 tests/journey/
//
// Outside CI a missing browser, binary or playwright-core skips the test with the reason; with
// CI=true it fails. A screenshot of every step is written to `quality/journey/` in the target
// directory (`01-home.png` … `09-paid.png`).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { journey } from "./browser.mjs";

/** Fills the checkout's delivery form as a shopper in Lagos, with `phone`. */
async function fillAddress(page, phone) {
  await page.getByLabel("Name of the person receiving").fill("Amaka Obi");
  await page.getByLabel(/^Phone number/).fill(phone);
  await page.getByLabel("City or town").fill("Lagos");
  await page.getByLabel("Area, estate or street").fill("Lekki Phase 1");
  await page.getByLabel(/^Landmarks and directions/).fill("Opposite the filling station, blue gate");
  await page.getByRole("radio", { name: /Home delivery/ }).check();
}

/** Opens a shop called `name` in Lagos with a vendor account `email`, and lands on its console. */
async function openShop(page, base, name, email) {
  await page.goto(`${base}/open-shop?country=NG`);
  await page.getByLabel("Shop name").fill(name);
  await page.getByLabel("City you ship from").fill("Lagos");
  await page.getByLabel(/^Country/).fill("NG");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Open my shop" }).click();
  await page.waitForURL(/\/vendor$/);
}

/**
 * Signs out, buys one of `product` as a new shopper `email` (delivered in Lagos, `phone`) paying
 * on delivery, and returns the order's number.
 */
async function buyOnDelivery(page, base, product, email, phone) {
  await page.locator("header nav.account").getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.goto(`${base}/p/${product}`);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.waitForURL(/\/cart$/);
  await page.getByRole("link", { name: "Check out" }).click();
  await page.waitForURL(/\/login\?next=/);
  await register(page, email);
  await page.waitForURL(/\/checkout$/);
  await fillAddress(page, phone);
  await page.getByRole("button", { name: "Place order" }).click();
  await page.waitForURL(/\/orders\/\d+$/);
  const order = /\/orders\/(\d+)$/.exec(page.url())[1];
  await page.getByRole("radio", { name: /Pay on delivery/ }).check();
  await page.getByRole("button", { name: /^Pay / }).click();
  await page.getByText("Confirmed — you pay on delivery").waitFor();
  return order;
}

/** Creates an account through the register page and lands back where it was. */
async function register(page, email) {
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.waitForURL(/\/register/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
}

test("a shopper browses, adds to cart, checks out, pays and sees the order number", (t) =>
  journey(t, "journey", async (page, base, shot, out) => {
    // Browse as a shopper in Nigeria: home → a category → a product in stock.
    await page.goto(`${base}/?country=NG`);
    await assert.doesNotReject(page.getByRole("heading", { name: "Shop by category" }).waitFor());
    await shot("home");
    await page.locator(".categories a").first().click();
    await page.waitForURL(/\/c\//);
    await page.locator(".card").filter({ hasNotText: "Out of stock" }).first().locator("a.name").click();
    await page.waitForURL(/\/p\//);
    const productName = (await page.locator("h1").innerText()).trim();
    await shot("product");

    // Add to cart as a guest: the cart is kept in the browser until checkout asks who they are.
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart$/);
    const guestCart = await page.locator("main").innerText();
    assert.match(guestCart, new RegExp(escape(productName)));
    assert.match(guestCart, /kept in this browser/);

    // A second product, from a vendor who prices in another currency than the first: the
    // home shelf shows naira first and the seller's price second for those.
    const firstConverted = (await page.locator(".seller").count()) > 0;
    await page.goto(`${base}/`);
    const cards = page.locator(".card").filter({ hasNotText: "Out of stock" });
    const other = firstConverted
      ? cards.filter({ hasNot: page.locator(".converted") })
      : cards.filter({ has: page.locator(".converted") });
    // Not every shop delivers to Nigeria: a product whose shop does not says so instead of
    // offering "Add to cart"; the shopper goes back and picks another.
    const candidates = await other.locator("a.name").evaluateAll((links) => links.map((a) => a.href));
    let offered = false;
    for (const href of candidates) {
      await page.goto(href);
      if ((await page.getByRole("button", { name: "Add to cart" }).count()) > 0) {
        offered = true;
        break;
      }
      assert.match(await page.locator("main").innerText(), /does not deliver to your country/);
    }
    assert.ok(offered, "some product in another currency is delivered to Nigeria");
    const otherName = (await page.locator("h1").innerText()).trim();
    assert.match(await page.locator(".price").first().innerText(), /₦/);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart$/);
    await shot("cart-two-currencies");
    const cart = await page.locator("main").innerText();
    assert.match(cart, new RegExp(escape(otherName)));
    assert.match(cart, /from the seller/, "the converted line shows the seller's own price");
    assert.equal(await page.locator(".total").count(), 1, "one total, in one currency");
    assert.match(await page.locator(".total").innerText(), /₦/);

    // Checking out asks for an account; the cart comes along once it is created.
    await page.getByRole("link", { name: "Check out" }).click();
    await page.waitForURL(/\/login\?next=%2Fcheckout/);
    await shot("sign-in-asked");
    const email = `journey-${Date.now()}@example.com`;
    await register(page, email);
    await page.waitForURL(/\/checkout$/);
    const checkout = await page.locator("main").innerText();
    for (const name of [productName, otherName]) assert.match(checkout, new RegExp(escape(name)), "the cart was kept");
    await fillAddress(page, "12345");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByText("Enter a phone number we can call").waitFor();
    await shot("checkout-phone-refused");
    assert.equal(await page.getByLabel("Area, estate or street").inputValue(), "Lekki Phase 1", "kept");
    await page.getByLabel(/^Phone number/).fill("0803 123 4567");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/\/orders\/\d+$/);
    const orderNumber = /\/orders\/(\d+)$/.exec(page.url())[1];
    await shot("order-awaiting-payment");
    const placed = await page.locator("main").innerText();
    assert.match(placed, /Awaiting payment/);
    for (const name of [productName, otherName]) assert.match(placed, new RegExp(escape(name)));
    assert.match(placed, /Placed on \d{1,2} [A-Z][a-z]{2} \d{4}/);
    assert.match(placed, /Pay within \d+ minutes/);
    assert.match(placed, /locked for this order/);
    assert.match(placed, /Delivery · Home delivery · \u2068?\d+–\d+\u2069? days/);
    assert.match(placed, /Lekki Phase 1, Lagos/);
    assert.match(placed, /\+2348031234567/);
    // Mobile money, through the sandbox's test-mode page: the first try fails, the retry works.
    await page.getByRole("radio", { name: /Mobile money/ }).check();
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.waitForURL(/\/orders\/\d+\/sandbox$/);
    assert.match(await page.locator("main").innerText(), /Test mode: no real money moves/);
    await shot("sandbox-mobile-money");
    await page.getByRole("button", { name: "Make it fail" }).click();
    await page.waitForURL(/\?payment=failed$/);
    assert.match(await page.locator("main").innerText(), /nothing was taken/);
    await shot("payment-failed");
    await page.getByRole("radio", { name: /Mobile money/ }).check();
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.waitForURL(/\/orders\/\d+\/sandbox$/);
    await page.getByRole("button", { name: "Approve the payment" }).click();
    await page.getByText("Paid — confirmed").waitFor();
    const confirmation = await page.locator("main").innerText();
    assert.match(confirmation, new RegExp(`Order number ${orderNumber}\\b`));
    assert.match(confirmation, /Paid — confirmed/);
    await shot("paid");
    console.log(`order ${orderNumber} paid; screenshots: ${out}`);

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
  }));

test("a second shopper pays on delivery: the order is confirmed at once, nothing is charged", (t) =>
  journey(t, "journey-pay-on-delivery", async (page, base, shot) => {
    await page.goto(`${base}/?country=NG`);
    await page.locator(".card").filter({ hasNotText: "Out of stock" }).first().locator("a.name").click();
    await page.waitForURL(/\/p\//);
    const productName = (await page.locator("h1").innerText()).trim();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByRole("link", { name: "Check out" }).click();
    await page.waitForURL(/\/login\?next=/);
    await register(page, `door-${Date.now()}@example.com`);
    await page.waitForURL(/\/checkout$/);
    await fillAddress(page, "+234 803 123 4567");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.waitForURL(/\/orders\/\d+$/);
    await page.getByRole("radio", { name: /Pay on delivery/ }).check();
    await shot("pay-on-delivery-chosen");
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByText("Confirmed — you pay on delivery").waitFor();
    const order = await page.locator("main").innerText();
    assert.match(order, new RegExp(escape(productName)));
    assert.match(order, /ready for the rider/);
    assert.equal(await page.getByRole("button", { name: /^Pay / }).count(), 0, "nothing left to pay here");
    await shot("confirmed-pay-on-delivery");
  }));

test("a shopper who forgot their password gets a link by mail, chooses a new one and is signed in", (t) =>
  journey(t, "journey-password-reset", async (page, base, shot, _out, shop) => {
    const email = `forgetful-${Date.now()}@example.com`;
    await page.goto(`${base}/login?country=NG`);
    await register(page, email);
    await page.waitForURL((url) => !url.pathname.startsWith("/register") && !url.pathname.startsWith("/login"));
    await page.goto(`${base}/logout`);
    await page.getByRole("main").getByRole("button", { name: "Sign out" }).click();
    await page.goto(`${base}/login`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel("Email").fill(email);
    await shot("forgot-password");
    await page.getByRole("button", { name: "Send me a link" }).click();
    await page.getByText("If this address has an account, a link is on its way").waitFor();
    await shot("link-sent");

    // The demo stack has no SMTP server: the mail is a file in its mail folder.
    const link = await mailedLink(path.join(shop.dir, "data/mail"), email);
    assert.ok(link.startsWith(`${base}/reset-password?token=`), link);
    await page.goto(link);
    await page.getByLabel(/^New password/).fill("a new and long password");
    await shot("new-password");
    await page.getByRole("button", { name: "Save my new password" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    const account = page.locator("header");
    await account.getByRole("button", { name: "Sign out" }).waitFor();
    await shot("signed-in-again");

    // The link works once.
    await page.goto(link);
    await page.getByLabel(/^New password/).fill("yet another password");
    await page.getByRole("button", { name: "Save my new password" }).click();
    await page.getByText("This link has expired or was used already.").waitFor();
    await shot("link-used");
  }));

/** The reset link in the newest mail to `to` in `dir` (`.eml` files, quoted-printable bodies). */
async function mailedLink(dir, to) {
  for (let tries = 0; tries < 50; tries += 1) {
    const mails = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".eml")) : [];
    for (const file of mails) {
      const raw = fs.readFileSync(path.join(dir, file), "utf8");
      if (!raw.includes(`To: ${to}`)) continue;
      const body = raw
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      const found = /(http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+)/.exec(body);
      if (found) return found[1];
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`no reset mail to ${to} in ${dir}`);
}

/** Signs out from the header, then in again as `email` through the login page, to `next`. */
async function switchTo(page, base, email, next) {
  await page.goto(`${base}/`);
  const signOut = page.locator("header nav.account").getByRole("button", { name: "Sign out" });
  if ((await signOut.count()) > 0) {
    await signOut.click();
    await page.waitForURL((url) => url.pathname === "/");
  }
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.locator("main").getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === next);
}

test("a delivered product is rated by its shopper and answered by its vendor", (t) =>
  journey(t, "journey-review", async (page, base, shot) => {
    const stamp = Date.now();
    const vendorEmail = `shea-${stamp}@example.com`;
    const shopperEmail = `amaka-${stamp}@example.com`;

    // A vendor opens a shop in Nigeria and lists a product.
    await openShop(page, base, `Tamale Shea ${stamp}`, vendorEmail);
    await page.getByRole("link", { name: "Add a product" }).click();
    await page.waitForURL(/\/vendor\/products\/new/);
    await page.getByLabel("Name").fill("Shea butter 250 g");
    await page.getByLabel("Description").fill("Raw shea butter from Tamale");
    await page.getByLabel("Category").selectOption({ index: 1 });
    await page.getByLabel(/^Price in/).fill("2500");
    await page.getByLabel("Units in stock").fill("20");
    await page.getByRole("button", { name: "Add the product" }).click();
    await page.waitForURL(/\/vendor\/products\/\d+\?saved=1$/);
    const product = /\/vendor\/products\/(\d+)/.exec(page.url())[1];

    // Two photos from files (drawn here on a canvas, as a phone's camera would give them): each
    // goes through the upload pipeline and is added after the other, the first the main one.
    for (const [n, colour] of [[1, "#c8a165"], [2, "#5b8c3a"]]) {
      const buffer = await photoOf(page, colour);
      await page.locator("#photo").setInputFiles({ name: `shea-${n}.jpg`, mimeType: "image/jpeg", buffer });
      await page.getByRole("button", { name: "Add a photo" }).click();
      // The page comes back with the photo listed (the address is `?photo=1` both times).
      await page.locator(".console-photos li").nth(n - 1).waitFor();
      await page.getByText("Your photo is on the product page.").waitFor();
    }
    assert.equal(await page.locator(".console-photos li").count(), 2);
    assert.equal(await page.getByRole("button", { name: "Make main: photo 2" }).count(), 1);
    await shot("vendor-photos");

    // The product page shows both, resized at the edge: a gallery whose second photo the
    // thumbnail's link scrolls to, without any script.
    await page.goto(`${base}/p/${product}`);
    const photos = page.locator(".gallery-strip img");
    assert.equal(await photos.count(), 2);
    for (let i = 0; i < 2; i += 1) {
      assert.match(await photos.nth(i).getAttribute("src"), /^\/cdn-cgi\/image\/width=\d+,format=auto\/media\/products\//);
      assert.match(await photos.nth(i).getAttribute("srcset"), /\/cdn-cgi\/image\/width=\d+,format=auto\/media\/products\/\S+ \d+w/);
      assert.match(await photos.nth(i).getAttribute("alt"), new RegExp(`^Photo ${i + 1} of 2 of Shea butter 250 g$`));
    }
    await page.locator(".gallery-thumbs a").nth(1).click();
    await page.waitForURL(/#photo-2$/);
    // The second photo fills the strip (scrolled and snapped to it) and has loaded.
    await page.waitForFunction(() => {
      const strip = document.querySelector(".gallery-strip").getBoundingClientRect();
      const second = document.getElementById("photo-2");
      const image = second.querySelector("img");
      return Math.abs(second.getBoundingClientRect().left - strip.left) < 2 && image.complete && image.naturalWidth > 0;
    });
    // What the phone's screen shows (a full-page capture lays the page out again, taller,
    // and the strip's scroll position does not survive it).
    await page.locator(".gallery").scrollIntoViewIfNeeded();
    const shown = await photos.evaluateAll((images) => images.map((image) => [image.naturalWidth, image.currentSrc]));
    for (const [width, source] of shown) {
      assert.ok(width > 0 && width <= 800, `resized: ${width} px from ${source}`);
      assert.match(source, /\/cdn-cgi\/image\/width=\d+/);
    }
    await shot("product-gallery", { fullPage: false });
    // axe-core finds nothing to fix in the gallery, in English and in Arabic (right to left).
    const { default: axe } = await import("axe-core");
    for (const language of ["en", "ar"]) {
      await page.goto(`${base}/p/${product}?lang=${language}`);
      await page.evaluate(axe.source);
      const audit = await page.evaluate(() => window.axe.run(".product", { resultTypes: ["violations"] }));
      const found = audit.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(", ")}`);
      assert.deepEqual(found, [], `axe on the gallery (${language})`);
    }
    await page.goto(`${base}/p/${product}?lang=en`);

    // A shopper buys it, paying on delivery.
    const order = await buyOnDelivery(page, base, product, shopperEmail, "0803 123 4567");
    assert.equal(await page.getByRole("link", { name: /Rate this product/ }).count(), 0, "not delivered yet");

    // The vendor ships and delivers it from the console.
    await switchTo(page, base, vendorEmail, "/vendor");
    await page.getByRole("button", { name: `Mark order ${order} shipped` }).click();
    await page.waitForURL(/\/vendor$/);
    await page.getByRole("button", { name: `Mark order ${order} delivered` }).click();
    await page.waitForURL(/\/vendor$/);

    // The shopper rates it from the order page and sees the review there.
    await switchTo(page, base, shopperEmail, `/orders/${order}`);
    await page.getByRole("link", { name: /Rate this product/ }).click();
    await page.waitForURL(/\/review\//);
    await page.getByRole("radio", { name: /4 stars: very good/ }).check();
    await page.getByLabel("Your review (optional)").fill("Smooth and fresh, well packed.");
    await shot("review-form");
    await page.getByRole("button", { name: "Post my review" }).click();
    await page.waitForURL(/\?reviewed=/);
    const reviewed = await page.locator("main").innerText();
    assert.match(reviewed, /Thank you: your review is on the product page/);
    assert.match(reviewed, /4 out of 5 stars/);
    assert.match(reviewed, /Smooth and fresh, well packed\./);
    assert.equal(await page.getByRole("link", { name: /Rate this product/ }).count(), 0, "rated once");
    await shot("order-reviewed");

    // The vendor answers from the dashboard; the product page shows the rating, the review
    // and the answer (its cached copy was purged).
    await switchTo(page, base, vendorEmail, "/vendor");
    await page.locator(".review").filter({ hasText: "Smooth and fresh" }).getByLabel(/^Your answer/).fill("Thank you! See you soon.");
    await page.getByRole("button", { name: "Answer", exact: true }).click();
    await page.getByText("Your answer is on the product page.").waitFor();
    await page.goto(`${base}/p/${product}`);
    const productPage = await page.locator("main").innerText();
    assert.match(productPage, /Rated 4\.0 out of 5/);
    assert.match(productPage, /1 review/);
    assert.match(productPage, /Smooth and fresh, well packed\./);
    assert.match(productPage, /The seller answered/);
    assert.match(productPage, /Thank you! See you soon\./);
    const data = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
    assert.equal(data.aggregateRating.ratingValue, "4.0");
    assert.equal(data.review[0].reviewRating.ratingValue, 4);
    await shot("product-with-review");
  }));

/** A 1200×900 photo-like JPEG drawn on a canvas in `page`: a gradient from `colour`, and a circle. */
async function photoOf(page, colour) {
  const dataUrl = await page.evaluate((colour) => {
    const canvas = document.createElement("canvas");
    canvas.width = 1200;
    canvas.height = 900;
    const context = canvas.getContext("2d");
    const gradient = context.createLinearGradient(0, 0, 1200, 900);
    gradient.addColorStop(0, colour);
    gradient.addColorStop(1, "#f4efe6");
    context.fillStyle = gradient;
    context.fillRect(0, 0, 1200, 900);
    context.fillStyle = "#fffaf0";
    context.beginPath();
    context.arc(600, 450, 260, 0, 2 * Math.PI);
    context.fill();
    return canvas.toDataURL("image/jpeg", 0.9);
  }, colour);
  return Buffer.from(dataUrl.split(",")[1], "base64");
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

test("a vendor sets stock from a spreadsheet, ships with a note the shopper reads, and sees the month's earnings", (t) =>
  journey(t, "journey-vendor-stock", async (page, base, shot, out) => {
    const stamp = Date.now();
    const vendorEmail = `gari-${stamp}@example.com`;
    const shopperEmail = `chidi-${stamp}@example.com`;

    // A vendor opens a shop in Nigeria and lists two products.
    await openShop(page, base, `Ijebu Gari ${stamp}`, vendorEmail);
    const products = [];
    for (const [name, stock] of [["Ijebu garri, 5 kg", "3"], ["Ofada rice, 2 kg", "4"]]) {
      await page.goto(`${base}/vendor/products/new`);
      await page.getByLabel("Name").fill(name);
      await page.getByLabel("Category").selectOption({ index: 1 });
      await page.getByLabel(/^Price in/).fill("4500");
      await page.getByLabel("Units in stock").fill(stock);
      await page.getByRole("button", { name: "Add the product" }).click();
      await page.waitForURL(/\/vendor\/products\/\d+\?saved=1$/);
      products.push(/\/vendor\/products\/(\d+)/.exec(page.url())[1]);
    }

    // The stock sheet: downloaded, changed with a mistake, previewed line by line.
    await page.goto(`${base}/vendor`);
    await page.getByRole("link", { name: "Update stock from a file" }).click();
    await page.waitForURL(/\/vendor\/stock$/);
    const download = await page.context().request.get(`${base}/vendor/stock.csv`);
    assert.equal(download.status(), 200);
    const sheet = await download.text();
    assert.match(sheet, new RegExp(`^product_id,name,stock\\r\\n${products[0]},"Ijebu garri, 5 kg",3\\r\\n${products[1]},Ofada rice, 2 kg,4\\r\\n$`.replace("Ofada rice, 2 kg", '"Ofada rice, 2 kg"')));
    const file = path.join(out, "stock.csv");
    fs.writeFileSync(file, `product_id,name,stock\r\n${products[0]},"Ijebu garri, 5 kg",40\r\n${products[1]},"Ofada rice, 2 kg",lots\r\n`);
    await page.getByLabel("Stock sheet (CSV file)").setInputFiles(file);
    await page.getByRole("button", { name: "Preview the changes" }).click();
    await page.getByText("Write the stock as a whole number from 0 to 1,000,000.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Apply these changes" }).count(), 0, "nothing to apply while a line is wrong");
    await shot("stock-sheet-mistake");
    fs.writeFileSync(file, `product_id,name,stock\r\n${products[0]},"Ijebu garri, 5 kg",40\r\n${products[1]},"Ofada rice, 2 kg",0\r\n`);
    await page.getByLabel("Stock sheet (CSV file)").setInputFiles(file);
    await page.getByRole("button", { name: "Preview the changes" }).click();
    await page.getByText("Changes: 2").waitFor();
    await shot("stock-sheet-preview");
    await page.getByRole("button", { name: "Apply these changes" }).click();
    await page.waitForURL(/\/vendor\/stock\?applied=2$/);
    await page.getByText("Stock updated for 2 products.").waitFor();
    await page.goto(`${base}/vendor#products`);
    const stockTable = await page.locator("table").filter({ hasText: "Ijebu garri" }).innerText();
    assert.match(stockTable, /Ijebu garri, 5 kg\s+₦4,500\s+40/);
    assert.match(stockTable, /Ofada rice, 2 kg\s+₦4,500\s+0/);
    await page.goto(`${base}/p/${products[1]}`);
    await page.getByText("Out of stock").first().waitFor();

    // A shopper buys the garri paying on delivery; the vendor ships it with a note.
    const order = await buyOnDelivery(page, base, products[0], shopperEmail, "0803 765 4321");

    await switchTo(page, base, vendorEmail, "/vendor");
    await page.locator(`#tracking-${order}`).fill("GIG Logistics waybill 4471, the rider calls before 5 pm");
    await page.getByRole("button", { name: `Mark order ${order} shipped` }).click();
    await page.waitForURL(/\/vendor$/);
    await page.getByText("Your note: GIG Logistics waybill 4471, the rider calls before 5 pm").waitFor();
    const earnings = await page.locator("table").filter({ hasText: "On the way" }).innerText();
    assert.match(earnings, /1\s+₦0\s+₦[\d,]+/, `one order on its way this month: ${earnings}`);
    await shot("vendor-shipped-with-note-and-earnings");

    await switchTo(page, base, shopperEmail, `/orders/${order}`);
    await page.getByText("Note from the seller: GIG Logistics waybill 4471, the rider calls before 5 pm").waitFor();
    const shipped = await page.locator("main").innerText();
    assert.match(shipped, /Status: Shipped/, "shipped, not 'confirmed', once the vendor sent it");
    assert.match(shipped, /ready for the rider/);
    await shot("order-with-seller-note");
  }));
