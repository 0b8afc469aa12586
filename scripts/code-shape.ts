/**
 * `npm run code-shape`: the shape of the code, for reviews of structure (issue 14).
 *   (a) the folder import graph of src/ and scripts/ (nodes as in scripts/lib/import-graph.ts: src/<folder>, each
 *       root file of src/, scripts, scripts/lib, and the test folders they name), every cycle in it, and for each
 *       edge of a cycle the file:line that makes it;
 *   (b) the largest functions of src/ and scripts/, with their length in lines and file:line.
 * The layering rules (no cycle between src/ nodes; src/ depends on neither scripts/ nor the tests; scripts/ not on
 * the tests) are checked by the architecture test (test/architecture.test.ts).
 * Usage: npm run code-shape -- [--top N]   (N largest functions, default 15)
 */
import { resolve } from "node:path";
import { functionSizes } from "./lib/function-lengths.js";
import { CYCLE_LIMIT, describeImportCycles, importCycles } from "./lib/import-cycles.js";
import { folderGraph, relativeImports, typeScriptFiles, type FolderGraph } from "./lib/import-graph.js";

const ROOT = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const topArg = args.includes("--top") ? args[args.indexOf("--top") + 1] : "15";
const top = Number(topArg);
if (!Number.isInteger(top) || top < 0) {
  console.error(`code-shape: --top must be a non-negative integer, got ${String(topArg)}`);
  process.exit(2);
}

/** Prints each node's outgoing edges with the number of import statements behind each. */
function printGraph(graph: FolderGraph): void {
  const width = Math.max(...[...graph.keys()].map((k) => k.length));
  for (const from of [...graph.keys()].sort()) {
    const edges = [...graph.get(from)!].sort(([a], [b]) => a.localeCompare(b));
    console.log(`  ${from.padEnd(width)} -> ${edges.map(([to, sites]) => `${to} (${sites.length})`).join(", ")}`);
  }
}

/** Prints every cycle as a chain, then one import (file:line) for each of its edges. */
function printCycles(graph: FolderGraph): void {
  const cycles = importCycles(graph);
  const capped = cycles.length === CYCLE_LIMIT ? ` (the first ${CYCLE_LIMIT})` : "";
  console.log(`\nImport cycles between nodes: ${cycles.length}${capped}`);
  for (const line of describeImportCycles(graph, cycles)) console.log(`  ${line}`);
}

const files = typeScriptFiles(ROOT, ["src", "scripts"]);
const graph = folderGraph(relativeImports(ROOT, files));
console.log("Folder import graph of src/ and scripts/ (A -> B (n): n import statements in A name a file of B)");
printGraph(graph);
printCycles(graph);
console.log(`\nLargest functions of src/ and scripts/ (top ${top}; lines from signature to closing brace)`);
for (const f of functionSizes(ROOT, files).slice(0, top)) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.file}:${f.line}`);
