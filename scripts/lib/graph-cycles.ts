/**
 * Cycles in a small directed graph (the folder dependency graph that scripts/code-shape.ts prints and the
 * architecture test checks): the strongly connected components that contain a cycle, and the elementary cycles.
 */

/** A directed graph: each node's successors. Nodes that only appear as successors are nodes too. */
export type Digraph = ReadonlyMap<string, Iterable<string>>;

function nodesOf(graph: Digraph): string[] {
  const all = new Set<string>();
  for (const [from, tos] of graph) {
    all.add(from);
    for (const to of tos) all.add(to);
  }
  return [...all].sort();
}

function successors(graph: Digraph, node: string): string[] {
  return [...(graph.get(node) ?? [])].sort();
}

/**
 * The strongly connected components that contain a cycle (two or more nodes, or one node with an edge to itself),
 * each sorted, in order of their first node. Tarjan's algorithm; recursion depth is at most the node count.
 */
export function cyclicComponents(graph: Digraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of successors(graph, v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || successors(graph, v).includes(v)) out.push(component.sort());
  };
  for (const v of nodesOf(graph)) if (!index.has(v)) visit(v);
  return out.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/**
 * Every elementary cycle (no node repeated), each as its node list starting at its smallest node (the closing edge
 * back to the first node is implied), sorted by length and then by name. Stops after `limit` cycles: the count
 * grows exponentially in dense graphs, and a report needs only the first few to name the problem.
 */
export function elementaryCycles(graph: Digraph, limit = 100): string[][] {
  const out: string[][] = [];
  for (const component of cyclicComponents(graph)) {
    const inside = new Set(component);
    for (const start of component) {
      // Only cycles whose smallest node is `start`, so each cycle is found once.
      const path = [start];
      const onPath = new Set(path);
      const walk = (v: string): void => {
        for (const w of successors(graph, v)) {
          if (out.length >= limit) return;
          if (w === start) out.push([...path]);
          else if (inside.has(w) && w > start && !onPath.has(w)) {
            path.push(w);
            onPath.add(w);
            walk(w);
            onPath.delete(w);
            path.pop();
          }
        }
      };
      walk(start);
    }
  }
  return out.sort((a, b) => a.length - b.length || a.join(" ").localeCompare(b.join(" ")));
}
