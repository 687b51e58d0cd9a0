// The built worker bundle (target/wasm/worker-bundle) in workerd through Miniflare, as the
// worker launcher, the worker's node tests and the images benchmark all start it: the wasm and
// its JS shim as modules, wrangler.toml's compatibility date, and an empty `cf` object so
// nothing asks Cloudflare for one.
import path from "node:path";
import { Miniflare } from "miniflare";

export function workerInMiniflare(bundle, bindings) {
  return new Miniflare({
    modules: true,
    modulesRoot: bundle,
    scriptPath: path.join(bundle, "shim.mjs"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-20",
    bindings,
    cf: {},
  });
}
