import { test } from "node:test";
import assert from "node:assert/strict";
import { cyclicComponents, elementaryCycles } from "../../scripts/lib/graph-cycles.js";
import { describeImportCycles, importCycles } from "../../scripts/lib/import-cycles.js";
import { folderGraph, folderNode, subgraph, type ImportSite } from "../../scripts/lib/import-graph.js";

// a ⇄ b; c → d → e → c with the chord c → e; a self-loop at h; f → g → a and x (acyclic, x only a successor).
const GRAPH = new Map<string, string[]>([
  ["a", ["b"]],
  ["b", ["a", "x"]],
  ["c", ["d", "e"]],
  ["d", ["e"]],
  ["e", ["c"]],
  ["f", ["g"]],
  ["g", ["a"]],
  ["h", ["h"]],
]);

test("cyclicComponents finds the strongly connected components with a cycle, and only those", () => {
  assert.deepEqual(cyclicComponents(GRAPH), [["a", "b"], ["c", "d", "e"], ["h"]]);
  assert.deepEqual(
    cyclicComponents(
      new Map([
        ["p", ["q"]],
        ["q", ["r"]],
      ]),
    ),
    [],
  );
  assert.deepEqual(cyclicComponents(new Map()), []);
});

test("elementaryCycles lists each cycle once, from its smallest node, shortest first", () => {
  assert.deepEqual(elementaryCycles(GRAPH), [["h"], ["a", "b"], ["c", "e"], ["c", "d", "e"]]);
});

test("elementaryCycles stops at the limit", () => {
  // The complete graph on 5 nodes has 84 elementary cycles.
  const nodes = ["1", "2", "3", "4", "5"];
  const complete = new Map(nodes.map((n) => [n, nodes.filter((m) => m !== n)]));
  assert.equal(elementaryCycles(complete).length, 84);
  assert.equal(elementaryCycles(complete, 10).length, 10);
});

test("folderNode: src/ folders, src/ root files, scripts and test folders", () => {
  assert.equal(folderNode("src/models/onnx-reranker.ts"), "src/models");
  assert.equal(folderNode("src/models/deep/file.ts"), "src/models");
  assert.equal(folderNode("src/cli.ts"), "src/cli.ts");
  assert.equal(folderNode("scripts/bench-core.ts"), "scripts");
  assert.equal(folderNode("scripts/lib/onnx-builder.ts"), "scripts/lib");
  assert.equal(folderNode("test/helpers/cli.ts"), "test/helpers");
  assert.equal(folderNode("package.json"), "package.json");
});

test("a folder-graph cycle is reported with the import behind each edge", () => {
  const site = (file: string, line: number, target: string): ImportSite => ({ file, line, specifier: `./${target}`, target });
  const graph = folderGraph([
    site("src/models/a.ts", 3, "src/train/b.ts"),
    site("src/models/a.ts", 9, "src/train/c.ts"),
    site("src/train/b.ts", 5, "src/models/d.ts"),
    site("src/train/b.ts", 6, "src/errors.ts"),
    site("src/models/a.ts", 1, "src/models/e.ts"), // same node: no edge
    site("scripts/x.ts", 2, "src/models/a.ts"),
  ]);
  const src = subgraph(graph, (n) => n.startsWith("src/"));
  assert.deepEqual([...src.keys()], ["src/models", "src/train"]);
  const cycles = importCycles(src);
  assert.deepEqual(cycles, [["src/models", "src/train"]]);
  assert.deepEqual(describeImportCycles(src, cycles), [
    "src/models -> src/train -> src/models",
    "    src/models -> src/train: src/models/a.ts:3 imports ./src/train/b.ts (+1 more)",
    "    src/train -> src/models: src/train/b.ts:5 imports ./src/models/d.ts",
  ]);
});
