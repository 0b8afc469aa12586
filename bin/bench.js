#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ to dist/ by `npm run build` (run automatically by `npm ci`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
const entry = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write("bench: dist/cli.js is missing; run `npm run build` (or `npm ci`, which builds) first\n");
  process.exit(4);
}
await import(entry);
