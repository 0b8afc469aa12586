/**
 * The import cycles of a folder graph, described for people: each cycle as a chain of nodes, and for each of its
 * edges the first import (file:line) that makes it, so the line to change is named.
 */
import { elementaryCycles } from "./graph-cycles.js";
import { successorsOf, type FolderGraph } from "./import-graph.js";

/** At most this many cycles are listed; more than a few already say the layering is gone. */
export const CYCLE_LIMIT = 100;

/** The elementary cycles of `graph` (see graph-cycles.ts), at most CYCLE_LIMIT. */
export function importCycles(graph: FolderGraph): string[][] {
  return elementaryCycles(successorsOf(graph), CYCLE_LIMIT);
}

/** Lines describing `cycles`: "a -> b -> a", then "    a -> b: file:line imports spec (+n more)" per edge. */
export function describeImportCycles(graph: FolderGraph, cycles: readonly string[][]): string[] {
  const lines: string[] = [];
  for (const cycle of cycles) {
    lines.push([...cycle, cycle[0]].join(" -> "));
    cycle.forEach((from, i) => {
      const to = cycle[(i + 1) % cycle.length]!;
      const sites = graph.get(from)?.get(to) ?? [];
      const first = sites[0];
      const where = first ? `${first.file}:${first.line} imports ${first.specifier}` : "(no import recorded)";
      lines.push(`    ${from} -> ${to}: ${where}${sites.length > 1 ? ` (+${sites.length - 1} more)` : ""}`);
    });
  }
  return lines;
}
