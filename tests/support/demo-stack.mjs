// The demo stack (`target/debug/linkedall`, or under CARGO_TARGET_DIR when set: origin + native
// edge on SQLite with a small demo catalog) started in a fresh temporary directory, for the node
// tests that need a running shop (the browser journeys, the Prometheus scrape test).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Cargo's target directory: `CARGO_TARGET_DIR` when set (as cargo reads it), else `target/`. */
export const target = path.resolve(root, process.env.CARGO_TARGET_DIR ?? "target");
export const binary = path.join(target, "debug/linkedall");
export const inCi = ["true", "1"].includes(process.env.CI ?? "");

/**
 * Starts the shop; `url` resolves with the edge's URL once it is printed, `origin` with the
 * origin's; `dir` is its working directory. `env` adds environment variables. `stop()` sends
 * SIGINT (SIGKILL after 10 s) and removes the directory.
 */
export function startShop({ products = 300, env = {} } = {}) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "linkedall-demo-"));
  const child = spawn(
    binary,
    ["--edge-listen", "127.0.0.1:0", "--origin-listen", "127.0.0.1:0", "--demo-products", String(products)],
    { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
  );
  let output = "";
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    fs.rmSync(cwd, { recursive: true, force: true });
  };
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo stack printed no URL in 90 s:\n${output}`)), 90_000);
    const read = (chunk) => {
      output += chunk;
      const found = /Open (http:\/\/\S+)\s+\(origin API at (http:\/\/[^/\s]+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve({ url: found[1].replace(/\/$/, ""), origin: found[2] });
      }
    };
    child.stdout.setEncoding("utf8").on("data", read);
    child.stderr.setEncoding("utf8").on("data", read);
    child.once("exit", (code) => reject(new Error(`the demo stack exited (${code}):\n${output}`)));
  });
  return {
    url: started.then((s) => s.url),
    origin: started.then((s) => s.origin),
    stop,
    output: () => output,
    /** The stack's working directory: its database, photos and mail (`data/mail/*.eml`). */
    dir: cwd,
  };
}
