/**
 * The repository's relative imports, read with the TypeScript compiler API, and the folder graph built from them:
 * one node per folder under src/ (src/models, src/hub, …), each root-level file of src/ its own node (src/cli.ts,
 * src/errors.ts, src/log.ts), and under scripts/ (and the tests' top folder) one node for the root files (scripts,
 * test) and one per folder (scripts/lib; for the tests, helpers). Package imports (no leading "./" or "../") are not edges.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import ts from "typescript";

/** One relative import: the importing file and line, and the file it resolves to (paths relative to the root). */
export interface ImportSite {
  file: string;
  line: number;
  specifier: string;
  target: string;
}

/** Folder graph: from node → to node → the imports that make the edge (in file and line order). */
export type FolderGraph = Map<string, Map<string, ImportSite[]>>;

// Folders without the project's TypeScript: the Python trainer, the shipped model files, packages.
const SKIP = new Set(["scripts/trainer", "scripts/models"]);

/** The .ts files under `dirs` (relative to `root`), as root-relative POSIX paths, sorted. */
export function typeScriptFiles(root: string, dirs: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = posix.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(path) && e.name !== "node_modules") walk(path);
      } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.push(path);
    }
  };
  for (const d of dirs) walk(d);
  return files.sort();
}

function importSpecifiers(source: ts.SourceFile): { specifier: string; pos: number }[] {
  const out: { specifier: string; pos: number }[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      out.push({ specifier: n.moduleSpecifier.text, pos: n.getStart(source) });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = n.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) out.push({ specifier: arg.text, pos: n.getStart(source) });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ specifier: n.argument.literal.text, pos: n.getStart(source) });
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

/** Every relative import (static, re-export, dynamic `import()`, `import("…")` types) in the given files. */
export function relativeImports(root: string, files: readonly string[]): ImportSite[] {
  const out: ImportSite[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), "utf8"), ts.ScriptTarget.Latest, true);
    for (const { specifier, pos } of importSpecifiers(source)) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      // ESM imports name the emitted .js file; the source is the .ts next to it.
      const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, ".ts");
      out.push({ file, line: source.getLineAndCharacterOfPosition(pos).line + 1, specifier, target });
    }
  }
  return out;
}

/** The graph node a root-relative path belongs to (see the file comment). */
export function folderNode(path: string): string {
  const parts = path.split("/");
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) return parts[0] === "src" ? path : parts[0]!;
  return `${parts[0]}/${parts[1]}`;
}

/** The folder graph of `imports`; imports within one node are not edges. */
export function folderGraph(imports: readonly ImportSite[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const site of imports) {
    const from = folderNode(site.file);
    const to = folderNode(site.target);
    if (from === to) continue;
    let edges = graph.get(from);
    if (!edges) graph.set(from, (edges = new Map()));
    let sites = edges.get(to);
    if (!sites) edges.set(to, (sites = []));
    sites.push(site);
  }
  return graph;
}

/** The subgraph whose edges start and end at nodes that `keep` accepts. */
export function subgraph(graph: FolderGraph, keep: (node: string) => boolean): FolderGraph {
  const out: FolderGraph = new Map();
  for (const [from, edges] of graph) {
    if (!keep(from)) continue;
    const kept = new Map([...edges].filter(([to]) => keep(to)));
    if (kept.size > 0) out.set(from, kept);
  }
  return out;
}

/** The successor sets of a folder graph (for graph-cycles.ts). */
export function successorsOf(graph: FolderGraph): Map<string, string[]> {
  return new Map([...graph].map(([from, edges]) => [from, [...edges.keys()]]));
}
