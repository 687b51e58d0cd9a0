// Checks on the built worker bundle (target/wasm/worker-bundle, from `cargo xtask wasm worker`)
// that need no origin:
// - `wrangler deploy --dry-run` validates wrangler.toml and bundles it, offline;
// - the bundle stays under Cloudflare's 3 MB (gzip) limit for a free-plan Worker;
// - in workerd (Miniflare), an unreachable origin gives the shopper the clear error page, with
//   the country from `request.cf` on it.
//
//   node --test --test-timeout=180000 tests/hosts/worker.test.mjs
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { workerInMiniflare } from "./worker-miniflare.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = path.join(root, "target/wasm/worker-bundle");
const GZIP_LIMIT_BYTES = 3 * 1024 * 1024;

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(file) : [file];
  });
}

test("wrangler deploy --dry-run accepts the configuration and the bundle, under 3 MB gzip", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "linkedall-dry-run-"));
  try {
    const result = spawnSync(
      path.join(root, "node_modules/.bin/wrangler"),
      ["deploy", "--dry-run", "--env", "production", "--outdir", outdir],
      {
        cwd: root,
        encoding: "utf8",
        timeout: 170_000,
        env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
      },
    );
    assert.equal(result.status, 0, `wrangler failed:\n${result.stdout}\n${result.stderr}`);
    const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(result.stdout);
    assert.ok(reported, `no size line in wrangler's output:\n${result.stdout}`);
    const wranglerGzip = Number(reported[2]) * 1024;
    const ourGzip = filesUnder(outdir)
      .filter((file) => !file.endsWith(".map") && !file.endsWith(".md"))
      .reduce((sum, file) => sum + zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length, 0);
    console.log(`worker bundle: ${reported[1]} KiB, ${reported[2]} KiB gzip (wrangler); ${(ourGzip / 1024).toFixed(1)} KiB gzip (files)`);
    assert.ok(wranglerGzip < GZIP_LIMIT_BYTES, `bundle is ${wranglerGzip} bytes gzip, over ${GZIP_LIMIT_BYTES}`);
    assert.ok(ourGzip < GZIP_LIMIT_BYTES, `bundle files are ${ourGzip} bytes gzip, over ${GZIP_LIMIT_BYTES}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

let mf;
before(async () => {
  // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
  mf = workerInMiniflare(bundle, { ORIGIN_URL: "http://127.0.0.1:9", ORIGIN_TIMEOUT_MS: "3000" });
  await mf.ready;
});
after(async () => {
  await mf?.dispose();
});

test("in workerd, an unreachable origin gives the error page with the shopper's country", async () => {
  const response = await mf.dispatchFetch("http://shop.test/", { cf: { country: "KE" } });
  const html = await response.text();
  assert.equal(response.status, 503);
  assert.match(response.headers.get("content-type") ?? "", /text\/html/);
  assert.match(html, /KE/);
});

test("in workerd, a request without cf geo fields is served, not a panic", async () => {
  const response = await mf.dispatchFetch("http://shop.test/api/v1/products", { cf: {} });
  assert.equal(response.status, 503);
  assert.match(response.headers.get("content-type") ?? "", /problem\+json/);
});
