/**
 * The layering rules, checked on the real tree (scripts/code-shape.ts prints the whole graph): src/ never imports
 * scripts/ or test/, scripts/ never imports test/, and no import cycle between src/ nodes (one per folder under
 * src/, each root-level file of src/ its own node; scripts/lib/import-graph.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describeImportCycles, importCycles } from "../scripts/lib/import-cycles.js";
import { folderGraph, relativeImports, subgraph, typeScriptFiles, type ImportSite } from "../scripts/lib/import-graph.js";

const ROOT = resolve(import.meta.dirname, "..");
const where = (s: ImportSite): string => `${s.file}:${s.line} imports ${s.specifier}`;

test("src/ never imports scripts/ or test/", () => {
  const bad = relativeImports(ROOT, typeScriptFiles(ROOT, ["src"])).filter((s) => /^(scripts|test)\//.test(s.target));
  assert.deepEqual(bad.map(where), [], "src/ must not depend on the dev tooling or the tests");
});

test("scripts/ never imports test/", () => {
  const bad = relativeImports(ROOT, typeScriptFiles(ROOT, ["scripts"])).filter((s) => s.target.startsWith("test/"));
  assert.deepEqual(bad.map(where), [], "move what scripts/ needs from test/ into scripts/lib/");
});

test("no import cycle between src/ folders (root-level files of src/ count as their own nodes)", () => {
  const graph = subgraph(folderGraph(relativeImports(ROOT, typeScriptFiles(ROOT, ["src"]))), (n) => n.startsWith("src/"));
  const cycles = importCycles(graph);
  assert.ok(graph.size > 0, "the src/ folder graph has no edges: the import reader found nothing");
  if (cycles.length > 0)
    assert.fail(`${cycles.length} import cycle(s) between src/ nodes:\n${describeImportCycles(graph, cycles).join("\n")}`);
});
