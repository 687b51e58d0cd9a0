// Runs the built Spin component (target/wasm/spin/linkedall_edge_spin.wasm)
// under `jco serve` — node's WASI 0.2 host — with the Spin interfaces it imports supplied by
// tests/hosts/spin-runtime/ (an in-memory key-value store; variables from the environment),
// so the conformance suite can talk to it like any other edge host. No Spin CLI is needed.
//
//   node tests/hosts/spin.mjs --port 3000 --origin http://127.0.0.1:8080
//
// Options (or the environment variables in brackets):
//   --port N          port to listen on, 127.0.0.1 only; 0 picks a free one   [PORT, default 3000]
//   --origin URL      the component's `origin_url` variable                   [ORIGIN_URL]
//   --geo-header H    the component's `geo_header` variable   [default x-linkedall-country]
//   --origin-timeout-ms N   the component's `origin_timeout_ms` variable  [default 5000]
//   --image-signing-keys K  the component's `image_signing_keys` variable (kid:secret,…)
//                           [IMAGE_SIGNING_KEYS, default none: only preset image sizes]
//   --metrics-token T       the `metrics_token` variable opening /__linkedall/metrics
//                           [METRICS_TOKEN, default none: no metrics served]
//   --component FILE  the component     [default target/wasm/spin/linkedall_edge_spin.wasm]
//
// Prints `listening on http://127.0.0.1:PORT` once the component answers; stops on
// SIGTERM/SIGINT (and stops jco with it).
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    origin: { type: "string", default: process.env.ORIGIN_URL ?? "http://127.0.0.1:8080" },
    "geo-header": { type: "string", default: "x-linkedall-country" },
    "origin-timeout-ms": { type: "string", default: "5000" },
    "image-signing-keys": { type: "string", default: process.env.IMAGE_SIGNING_KEYS ?? "" },
    "metrics-token": { type: "string", default: process.env.METRICS_TOKEN ?? "" },
    component: {
      type: "string",
      default: path.join(root, "target/wasm/spin/linkedall_edge_spin.wasm"),
    },
  },
});

// jco serve cannot report the port it got for 0: pick a free one here and hand it over.
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(String(port)));
    });
  });
}
if (args.port === "0") args.port = await freePort();

const runtime = path.join(here, "spin-runtime");
const jco = path.join(root, "node_modules/@bytecodealliance/jco/dist/jco.js");
// The component path must come before --jco-map (jco's argument parser takes the rest as maps).
const child = spawn(
  process.execPath,
  [
    jco,
    "serve",
    path.resolve(args.component),
    "--port",
    args.port,
    "--host",
    "127.0.0.1",
    "--jco-map",
    `fermyon:spin/key-value@2.0.0=${path.join(runtime, "key-value.mjs")}`,
    `fermyon:spin/variables@2.0.0=${path.join(runtime, "variables.mjs")}`,
  ],
  {
    stdio: ["ignore", "pipe", "inherit"],
    // jco serve runs the component in a node process of its own: give the tree its own process
    // group so stopping the launcher stops all of it.
    detached: true,
    env: {
      ...process.env,
      SPIN_VARIABLE_ORIGIN_URL: args.origin,
      SPIN_VARIABLE_GEO_HEADER: args["geo-header"],
      SPIN_VARIABLE_ORIGIN_TIMEOUT_MS: args["origin-timeout-ms"],
      SPIN_VARIABLE_IMAGE_SIGNING_KEYS: args["image-signing-keys"],
      SPIN_VARIABLE_METRICS_TOKEN: args["metrics-token"],
    },
  },
);

child.stdout.pipe(process.stdout);
waitUntilServing();

// jco's own banner comes before the component is instantiated (and through a pipe that may be
// flushed late): poll until a request gets an answer instead. An unknown asset is answered by
// the edge core itself, without the origin.
async function waitUntilServing() {
  const url = `http://127.0.0.1:${args.port}/assets/launcher-readiness-probe`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) return;
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      console.log(`listening on http://127.0.0.1:${args.port}`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  console.error("the Spin component did not answer within 30 s");
  stop(1);
}

function stop(code = 0) {
  process.exitCode = code;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}
child.on("exit", (code, signal) => {
  stop(code ?? (signal ? 0 : 1));
  process.exit(process.exitCode);
});
process.on("SIGTERM", () => stop());
process.on("SIGINT", () => stop());
