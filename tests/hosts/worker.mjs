// Runs the built worker (target/wasm/worker-bundle) in workerd through Miniflare, behind a
// small HTTP server, so the conformance suite can talk to it like any other edge host.
//
//   node tests/hosts/worker.mjs --port 8787 --origin http://127.0.0.1:8080
//
// Options (or the environment variables in brackets):
//   --port N          port to listen on, 127.0.0.1 only; 0 picks a free one   [PORT, default 8787]
//   --origin URL      the worker's ORIGIN_URL variable                        [ORIGIN_URL]
//   --origin-timeout-ms N   the worker's ORIGIN_TIMEOUT_MS variable    [default 10000, as wrangler.toml]
//   --image-signing-keys K  the worker's IMAGE_SIGNING_KEYS secret (kid:secret,…)
//                           [IMAGE_SIGNING_KEYS, default none: only preset image sizes]
//   --metrics-token T       the worker's METRICS_TOKEN secret opening /__linkedall/metrics
//                           [METRICS_TOKEN, default none: no metrics served]
//   --bundle DIR      the bundle `cargo xtask wasm worker` wrote  [default target/wasm/worker-bundle]
//
// Workers learn the shopper's country from `request.cf`, which only Cloudflare's network sets.
// A test sets it per request with the header `x-test-cf-country: KE` (and optionally
// `x-test-cf-continent`, `x-test-cf-colo`); the launcher strips those headers and passes them
// to workerd as the request's `cf` object. Without them `cf` carries no geo fields, as for a
// request Cloudflare could not place.
//
// Prints `listening on http://127.0.0.1:PORT` once workerd is ready; stops on SIGTERM/SIGINT.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { workerInMiniflare } from "./worker-miniflare.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8787" },
    origin: { type: "string", default: process.env.ORIGIN_URL ?? "http://127.0.0.1:8080" },
    "origin-timeout-ms": { type: "string", default: "10000" },
    "image-signing-keys": { type: "string", default: process.env.IMAGE_SIGNING_KEYS ?? "" },
    "metrics-token": { type: "string", default: process.env.METRICS_TOKEN ?? "" },
    bundle: { type: "string", default: path.join(root, "target/wasm/worker-bundle") },
  },
});
const bundle = path.resolve(args.bundle);

const TEST_CF_HEADERS = {
  "x-test-cf-country": "country",
  "x-test-cf-continent": "continent",
  "x-test-cf-colo": "colo",
};

const mf = workerInMiniflare(bundle, {
  ORIGIN_URL: args.origin,
  ORIGIN_TIMEOUT_MS: args["origin-timeout-ms"],
  IMAGE_SIGNING_KEYS: args["image-signing-keys"],
  METRICS_TOKEN: args["metrics-token"],
  LINKEDALL_ENV: "test",
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function forward(req, res) {
  const headers = new Headers();
  const cf = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name in TEST_CF_HEADERS) {
      cf[TEST_CF_HEADERS[name]] = String(value);
    } else if (Array.isArray(value)) {
      value.forEach((v) => headers.append(name, v));
    } else {
      headers.set(name, value);
    }
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = hasBody ? await readBody(req) : undefined;
  const url = new URL(req.url, `http://${req.headers.host ?? "127.0.0.1"}`);
  const response = await mf.dispatchFetch(url, {
    method: req.method,
    headers,
    body: body && body.length > 0 ? body : undefined,
    redirect: "manual",
    cf,
  });
  const outHeaders = {};
  for (const [name, value] of response.headers) {
    // Miniflare's own bookkeeping headers (`mf-*`) are not part of the worker's answer.
    if (name === "set-cookie" || name.startsWith("mf-")) continue;
    outHeaders[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outHeaders["set-cookie"] = cookies;
  const payload = Buffer.from(await response.arrayBuffer());
  // The body is already decoded; send it as it is.
  delete outHeaders["content-encoding"];
  delete outHeaders["transfer-encoding"];
  outHeaders["content-length"] = String(payload.length);
  res.writeHead(response.status, outHeaders);
  res.end(req.method === "HEAD" ? undefined : payload);
}

await mf.ready;
const server = http.createServer((req, res) => {
  forward(req, res).catch((error) => {
    console.error("worker host error:", error);
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end(`worker host error: ${error}\n`);
  });
});
server.listen(Number(args.port), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  await mf.dispose();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
