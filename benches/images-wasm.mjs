// The wasm column of benches/images.sh: the real built worker (target/wasm/worker-bundle,
// `cargo xtask wasm worker`) in workerd through Miniflare, resizing the same 2000×1500 photos
// to a 400 px wide card, JPEG q80 and WebP.
//
//   node benches/images-wasm.mjs <photos folder> <output folder>
//
// Each photo is served by a stand-in origin in this process (a node HTTP server on 127.0.0.1)
// at its own `/media/products/{n}/{hash}.jpg`, with no preset variants, so the worker's resize
// path does its real work for every request: fetch the card preset (404), fetch the original,
// decode it at a reduced DCT scale, Lanczos3 to 400 px, encode. Requests are signed URLs
// (`width=400,format=jpeg,quality=80`), one at a time, each a cache miss.
//
// workerd's clock does not advance while wasm computes, so the time is taken here, in node,
// around each `dispatchFetch`: it includes the dispatch into workerd and the worker's two
// fetches from the stand-in origin. To show what that costs, the same originals are also
// fetched through the worker's proxy path (no pixels touched; the 1 MB original is passed back
// to node, which the resize answer is not) and that time is printed as the baseline;
// `…_net_ms_per_image` is the resize figure minus it — an estimate of decode + resize + encode.
//
// The edge encodes no WebP: lossy WebP needs libwebp, which the wasm build does not have, and
// a lossless photograph is many times a JPEG's bytes, so off the origin's lossy presets an
// explicit `format=webp` is answered with a JPEG. Only the JPEG column is measured.
//
// ROUNDS (default 3) rounds over every photo, each on other products (every request a miss);
// each printed figure is its best round — the usual guard against other processes' load.
//
// Prints `key=value` lines: wasm_jpeg_ms_per_image,
// wasm_fetch_baseline_ms_per_image, wasm_jpeg_net_ms_per_image,
// wasm_jpeg_workerd_cpu_ms_per_image and wasm_jpeg_net_workerd_cpu_ms_per_image
// (workerd's own CPU time, all of it / minus the baseline's: it moves far less than wall time on
// a loaded machine; 10 ms ticks, averaged), wasm_fetch_baseline_workerd_cpu_ms_per_image,
// wasm_jpeg_bytes, wasm_workerd_peak_rss_mb,
// wasm_bundle_gzip_kb.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { workerInMiniflare } from "../tests/hosts/worker-miniflare.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [photosDir, outDir] = process.argv.slice(2);
if (!photosDir || !outDir) {
  console.error("usage: node benches/images-wasm.mjs <photos folder> <output folder>");
  process.exit(2);
}
const bundle = process.env.WORKER_BUNDLE ?? path.join(root, "target/wasm/worker-bundle");
if (!fs.existsSync(path.join(bundle, "shim.mjs"))) {
  console.error(`no worker bundle in ${bundle}: run \`cargo xtask wasm worker\` first`);
  process.exit(1);
}
// Photos not timed, to let V8 tier the wasm up (Liftoff → TurboFan) before measuring.
const WARM_UP = Number(process.env.WARM_UP ?? 3);

// ---- the stand-in origin -----------------------------------------------------------------

const files = fs.readdirSync(photosDir).filter((f) => f.endsWith(".jpg")).sort();
if (files.length === 0) {
  console.error(`no .jpg files in ${photosDir}`);
  process.exit(1);
}
// Rounds over every photo (best round kept per figure); each round asks for other products,
// so every measured request is a cache miss.
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** One product per photo and round, with a content hash as the origin's upload names it. */
const photos = files.map((file) => {
  const bytes = fs.readFileSync(path.join(photosDir, file));
  const hash = crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 32);
  return { name: path.basename(file, ".jpg"), bytes, hash };
});
const sourceOf = (photo, round) =>
  `/media/products/${round * photos.length + photos.indexOf(photo) + 1}/${photo.hash}.jpg`;
const bySource = new Map();
for (let round = 0; round <= ROUNDS; round++) {
  for (const photo of photos) bySource.set(sourceOf(photo, round), photo.bytes);
}
// An empty purge feed in the wire format: version byte 2, then postcard of
// PurgeFeed { purges: [], latest: 0, truncated: false }.
const EMPTY_PURGE_FEED = Buffer.from([2, 0, 0, 0]);

const origin = http.createServer((req, res) => {
  const url = new URL(req.url, "http://origin");
  if (url.pathname === "/api/v1/cache/purges") {
    res.writeHead(200, { "content-type": "application/x-postcard" });
    return res.end(EMPTY_PURGE_FEED);
  }
  const bytes = bySource.get(url.pathname);
  if (!bytes) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { "content-type": "image/jpeg", "content-length": bytes.length });
  res.end(bytes);
});
await new Promise((resolve) => origin.listen(0, "127.0.0.1", resolve));
const originUrl = `http://127.0.0.1:${origin.address().port}`;

// ---- signed URLs (shared/src/image_signature.rs) -----------------------------------------

const kid = "bench";
const secret = crypto.randomBytes(24).toString("hex");
function signedUrl(canonicalOptions, source) {
  const mac = crypto.createHmac("sha256", secret);
  for (const part of ["linkedall-image-v1", canonicalOptions, source]) mac.update(`${part}\n`);
  const sig = mac.digest("base64url");
  return `http://edge${`/cdn-cgi/image/${canonicalOptions}${source}`}?sig=${kid}.${sig}`;
}

// ---- the worker --------------------------------------------------------------------------

const mf = workerInMiniflare(bundle, {
  ORIGIN_URL: originUrl,
  ORIGIN_TIMEOUT_MS: "30000",
  IMAGE_SIGNING_KEYS: `${kid}:${secret}`,
  LINKEDALL_ENV: "test",
});

async function timed(url, expectType) {
  const started = performance.now();
  const response = await mf.dispatchFetch(url, { headers: { accept: "image/webp,*/*" } });
  const body = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - started;
  if (response.status !== 200 || response.headers.get("content-type") !== expectType) {
    throw new Error(`${url}: ${response.status} ${response.headers.get("content-type")} ${body.toString().slice(0, 300)}`);
  }
  return { ms, body, cacheStatus: response.headers.get("cache-status") ?? "" };
}

const FORMATS = [
  { key: "jpeg", options: "width=400,format=jpeg,quality=80", type: "image/jpeg", extension: "jpg" },
];

const results = {};
try {
  await mf.ready;
  fs.mkdirSync(outDir, { recursive: true });
  // Warm-up on other cache keys (quality 79), so every measured request is a miss.
  for (const format of FORMATS) {
    for (const photo of photos.slice(0, WARM_UP)) {
      await timed(signedUrl(format.options.replace("quality=80", "quality=79"), sourceOf(photo, 0)), format.type);
    }
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [key, value] of Object.entries(await measureRound(round))) {
      if (!(key in results) || value < results[key]) results[key] = value;
    }
  }
  results.wasm_workerd_peak_rss_mb = workerdPeakRssMb();
  results.wasm_bundle_gzip_kb = bundleGzipKb();
} finally {
  await mf.dispose();
  origin.close();
}
for (const [key, value] of Object.entries(results)) {
  console.log(`${key}=${typeof value === "number" && !Number.isInteger(value) ? value.toFixed(2) : value}`);
}

/** Every photo once per column; per-image averages of this round. */
async function measureRound(round) {
  const results = {};
  // Interleaved per photo (baseline, JPEG), so a change in the machine's load touches every
  // column alike.
  const totals = { baseline: { ms: 0, cpu: 0 }, jpeg: { ms: 0, cpu: 0, bytes: 0 } };
  for (const photo of photos) {
    let cpu = workerdCpuMs();
    totals.baseline.ms += (await timed(`http://edge${sourceOf(photo, round)}`, "image/jpeg")).ms;
    totals.baseline.cpu += workerdCpuMs() - cpu;
    for (const format of FORMATS) {
      cpu = workerdCpuMs();
      const { ms, body, cacheStatus } = await timed(signedUrl(format.options, sourceOf(photo, round)), format.type);
      totals[format.key].cpu += workerdCpuMs() - cpu;
      if (!cacheStatus.includes("fwd=miss")) throw new Error(`expected a miss, got ${cacheStatus}`);
      const size = readSize(body);
      if (size.width !== 400) throw new Error(`${photo.name}.${format.extension} is ${size.width} px wide`);
      fs.writeFileSync(path.join(outDir, `${photo.name}.${format.extension}`), body);
      totals[format.key].ms += ms;
      totals[format.key].bytes += body.length;
    }
  }
  const perImage = (value) => value / photos.length;
  results.wasm_fetch_baseline_ms_per_image = perImage(totals.baseline.ms);
  results.wasm_fetch_baseline_workerd_cpu_ms_per_image = perImage(totals.baseline.cpu);
  for (const format of FORMATS) {
    const total = totals[format.key];
    results[`wasm_${format.key}_ms_per_image`] = perImage(total.ms);
    results[`wasm_${format.key}_workerd_cpu_ms_per_image`] = perImage(total.cpu);
    results[`wasm_${format.key}_bytes`] = total.bytes;
    results[`wasm_${format.key}_net_ms_per_image`] = perImage(total.ms - totals.baseline.ms);
    results[`wasm_${format.key}_net_workerd_cpu_ms_per_image`] = perImage(total.cpu - totals.baseline.cpu);
  }
  return results;
}

/** Width and height from a JPEG's SOF marker. */
function readSize(bytes) {
  for (let i = 2; i + 9 < bytes.length; ) {
    if (bytes[i] !== 0xff) throw new Error("not a JPEG marker");
    const marker = bytes[i + 1];
    if (marker >= 0xc0 && marker <= 0xc2) return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  throw new Error("no JPEG frame header");
}

/** The workerd processes Miniflare started (children of this process). */
function workerdPids() {
  try {
    const pids = execFileSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" }).split("\n").filter(Boolean);
    return pids.filter((pid) => /^Name:\s*workerd/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8")));
  } catch {
    return [];
  }
}

/** Peak resident memory of workerd (the whole runtime, MB). */
function workerdPeakRssMb() {
  let peak = 0;
  for (const pid of workerdPids()) {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    peak = Math.max(peak, Number(/^VmHWM:\s*(\d+)/m.exec(status)?.[1] ?? 0) / 1024);
  }
  return Math.round(peak);
}

/** CPU time workerd has used so far (user + system, every thread), in ms (10 ms ticks). */
function workerdCpuMs() {
  let ticks = 0;
  for (const pid of workerdPids()) {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

function bundleGzipKb() {
  let total = 0;
  for (const file of ["index_bg.wasm", "index.js", "shim.mjs"]) {
    const p = path.join(bundle, file);
    if (fs.existsSync(p)) total += zlib.gzipSync(fs.readFileSync(p), { level: 9 }).length;
  }
  return Math.round(total / 1024);
}
