// The worker's entry module: hands each request to the Rust `fetch` export (wasm-bindgen's
// index.js), and after a Rust panic — a WebAssembly.RuntimeError that leaves the instance
// unusable — swaps in a fresh instance before the next request instead of failing until the
// isolate is recycled. Copied next to index.js by `cargo xtask wasm worker`.
import * as rust from "./index.js";

const initState = rust.__worker_init_state();

export default {
  async fetch(request, env, ctx) {
    if (initState.criticalError) {
      console.log("re-initialising the wasm instance after a panic");
      rust.__wbg_reset_state();
      initState.criticalError = false;
      initState.instanceId++;
    }
    try {
      return await rust.fetch(request, env, ctx);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) {
        initState.criticalError = true;
      }
      throw error;
    }
  },
};
