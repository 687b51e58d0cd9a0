// Prometheus scraping the shop for real: Debian's `prometheus` (installed by `cargo xtask ops`)
// scrapes the demo stack every second with the repository's recording and alert rules while a
// short load runs — catalog pages (misses, then hits), a search, an account, an order that is
// paid, one refused for want of stock. Then every query of every Grafana dashboard in
// ops/grafana/dashboards is asked of Prometheus's HTTP API and must return data: a typo'd
// metric or label cannot hide in a dashboard.
//
//   cargo build && cargo xtask ops && node --test --test-timeout=180000 tests/ops/
//
// Outside CI a missing binary skips the test with the reason; with CI=true it fails.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

import { binary, inCi, root, startShop } from "../support/demo-stack.mjs";

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DASHBOARDS = path.join(root, "ops/grafana/dashboards");

function missing() {
  if (!fs.existsSync(PROMETHEUS)) return `no ${PROMETHEUS} (cargo xtask ops installs it)`;
  if (!fs.existsSync(binary)) return `no ${binary} (cargo build)`;
  if (!fs.existsSync(CHROMIUM)) return `no browser at ${CHROMIUM} (cargo xtask test installs it)`;
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * The scrape configuration of ops/prometheus/prometheus.yml (same job names, labels and
 * rules) aimed at the demo stack and scraping every second. The demo serves one metrics
 * registry at both addresses, so each job keeps its own component's series.
 */
function prometheusConfig(dir, edge, origin, token) {
  fs.mkdirSync(path.join(dir, "secrets"));
  fs.writeFileSync(path.join(dir, "secrets/metrics-token"), token);
  const rules = path.join(root, "ops/prometheus/rules");
  const job = (name, target, labels, keep) => `
  - job_name: ${name}
    metrics_path: /metrics
    authorization:
      credentials_file: ${path.join(dir, "secrets/metrics-token")}
    static_configs:
      - targets: ["${target}"]
        labels: ${labels}
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: "edge_.*"
        action: ${keep ? "keep" : "drop"}`;
  const config = `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ${rules}/recording.yml
  - ${rules}/alerts.yml
scrape_configs:${job("edge", edge, "{region: west, host: native}", true)}${job("origin", origin, "{region: west, role: api}", false)}
`;
  const file = path.join(dir, "prometheus.yml");
  fs.writeFileSync(file, config);
  return file;
}

function startPrometheus(config, dir, port) {
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (c) => (output += c));
  child.stderr.setEncoding("utf8").on("data", (c) => (output += c));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  return { stop, output: () => output };
}

async function call(base, method, pathname, { token, body, raw, headers = {} } = {}) {
  const response = await fetch(`${base}${pathname}`, {
    method,
    headers: {
      ...(body ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: raw ?? (body ? JSON.stringify(body) : undefined),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // pages are HTML
  }
  return { status: response.status, json, text };
}

/** A shopper's short visit, through the edge like every shopper's. */
async function load(base) {
  const products = (await call(base, "GET", "/api/v1/products?limit=50")).json.items;
  const inStock = products.filter((p) => p.stock > 2);
  assert.ok(inStock.length >= 2, "the demo catalog has products in stock");
  const category = (await call(base, "GET", "/api/v1/categories")).json;
  const slug = (category.categories ?? category)[0].slug;
  for (let round = 0; round < 3; round++) {
    for (const page of ["/", `/c/${slug}`, `/p/${inStock[0].id}-${inStock[0].slug}`, "/search?q=phone"]) {
      const { status } = await call(base, "GET", page);
      assert.equal(status, 200, `GET ${page}`);
    }
  }
  const email = `ops-${Date.now()}@example.com`;
  const account = await call(base, "POST", "/api/v1/auth/register", {
    body: { email, password: "correct horse battery" },
  });
  assert.equal(account.status, 201, account.text);
  const token = account.json.token;
  const product = inStock[1];
  const order = await call(base, "POST", "/api/v1/orders", {
    token,
    body: { items: [{ product_id: product.id, quantity: 1 }] },
    headers: { "idempotency-key": `ops-${Date.now()}` },
  });
  assert.equal(order.status, 201, order.text);
  // More than the shop has (a cart line holds at most 99).
  const scarce = products.find((p) => p.stock > 0 && p.stock < 99);
  assert.ok(scarce, "the demo catalog has a product with fewer than 99 in stock");
  const refused = await call(base, "POST", "/api/v1/orders", {
    token,
    body: { items: [{ product_id: scarce.id, quantity: scarce.stock + 1 }] },
    headers: { "idempotency-key": `ops-refused-${Date.now()}` },
  });
  assert.equal(refused.status, 409, refused.text);
  const payment = await call(base, "POST", `/api/v1/orders/${order.json.id}/pay`, { token, body: {} });
  assert.equal(payment.status, 201, payment.text);
  const approved = await call(base, "POST", `/api/v1/payments/sandbox/${payment.json.reference}`, { token, body: {} });
  assert.equal(approved.json?.state, "confirmed", approved.text);
  // Real-user timings from shoppers in two markets on two kinds of network.
  for (const [country, beacon] of [
    ["NG", "u=%2F&n=3g&ttfb=640&load=2900&lcp=2300&inp=180&cls=0.040"],
    ["KE", `u=%2Fc%2F${slug}&n=4g&ttfb=210&load=1200&lcp=900&inp=60&cls=0.000`],
  ]) {
    const sent = await call(base, "POST", "/__linkedall/rum", {
      headers: { "content-type": "application/x-www-form-urlencoded", "x-linkedall-country": country },
      raw: beacon,
    });
    assert.equal(sent.status, 204, sent.text);
  }
}

/**
 * A shopper's browser: three pages in headless Chromium, each leaving behind the real-user
 * beacon that assets/rum.js sends when the page is left; the edge's own counters must show
 * them (a beacon the browser refused — CSP, a wrong path — would leave no trace).
 */
async function browse(base, token) {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 412, height: 915 } });
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}/`, { waitUntil: "load" });
    await page.locator(".categories a").first().click();
    await page.waitForURL(/\/c\//, { waitUntil: "load" });
    await page.close({ runBeforeUnload: true });
  } finally {
    await browser.close();
  }
  const seen = async () => {
    const metrics = await call(base, "GET", "/metrics", { token });
    return ["home", "category"].every((p) => metrics.text.includes(`edge_rum_beacons_total{page="${p}"`));
  };
  for (let attempt = 0; attempt < 50 && !(await seen()); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(await seen(), "the browser's beacons for the home and category pages reached the edge");
}

/** Every dashboard panel's queries: [{ dashboard, panel, expr }]. */
function dashboardQueries() {
  const queries = [];
  for (const file of fs.readdirSync(DASHBOARDS).filter((f) => f.endsWith(".json"))) {
    const dashboard = JSON.parse(fs.readFileSync(path.join(DASHBOARDS, file), "utf8"));
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        queries.push({ dashboard: dashboard.title, panel: panel.title, expr: target.expr });
      }
    }
  }
  return queries;
}

async function query(prometheus, expr) {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await response.json();
  assert.equal(body.status, "success", `${expr}: ${JSON.stringify(body)}`);
  return body.data.result;
}

test("Prometheus scrapes the shop and every dashboard query returns data", async (t) => {
  const reason = missing();
  if (reason) {
    if (inCi) assert.fail(`the Prometheus test cannot run: ${reason}`);
    t.skip(reason);
    return;
  }
  const token = `ops-test-${process.pid}-${Date.now()}`;
  const shop = startShop({ env: { LINKEDALL_METRICS_TOKEN: token } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkedall-prometheus-"));
  let prometheus;
  try {
    const base = await shop.url;
    const origin = new URL(await shop.origin).host;
    const port = await freePort();
    const config = prometheusConfig(dir, new URL(base).host, origin, token);
    prometheus = startPrometheus(config, dir, port);
    const api = `http://127.0.0.1:${port}`;

    await load(base);
    await browse(base, token);

    const queries = dashboardQueries();
    assert.ok(queries.length >= 30, `the dashboards hold ${queries.length} queries`);
    // Scrapes and rule evaluations run every second; give them up to a minute to see the load.
    let empty = queries;
    for (let attempt = 0; attempt < 60 && empty.length > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const still = [];
      for (const q of empty) {
        if ((await query(api, q.expr)).length === 0) still.push(q);
      }
      empty = still;
    }
    const up = await query(api, "up");
    assert.deepEqual(
      up.map((s) => [s.metric.job, s.value[1]]).sort(),
      [
        ["edge", "1"],
        ["origin", "1"],
      ],
      `both targets are scraped: ${prometheus.output()}`,
    );
    assert.deepEqual(
      empty.map((q) => `${q.dashboard} / ${q.panel}: ${q.expr}`),
      [],
      "every dashboard query returns data",
    );
    // The rules loaded and evaluate without errors.
    const rules = await (await fetch(`${api}/api/v1/rules`)).json();
    const broken = rules.data.groups.flatMap((g) => g.rules).filter((r) => r.health !== "ok");
    assert.deepEqual(broken.map((r) => `${r.name}: ${r.lastError}`), [], "every rule evaluates");
    console.log(`${queries.length} dashboard queries answered by a real Prometheus`);
  } finally {
    await prometheus?.stop();
    await shop.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
