import { test } from "node:test";
import assert from "node:assert/strict";
import { findRegressions } from "../../src/compare/regressions.js";
import { BenchError, ExitCode } from "../../src/errors.js";
import type { LoadedResult, ResultSet } from "../../src/compare/result-set.js";

// In-memory sides: task → split → metrics.
function side(tasks: Record<string, Record<string, Record<string, number>>>, sha: string | null = null): ResultSet {
  const results = new Map<string, LoadedResult>();
  for (const [task, splits] of Object.entries(tasks)) {
    results.set(task, {
      path: `${task}.json`,
      task,
      layout: "mteb-1.12.76",
      mtebVersion: "1.39.7",
      datasetRevision: null,
      perQueryPath: null,
      datasetSha256: sha,
      model: "",
      scores: Object.entries(splits).map(([split, metrics]) => ({
        split,
        subset: "default",
        metrics,
        mainScore: metrics.map ?? null,
        mainMetric: "map" in metrics ? "map" : null,
      })),
    });
  }
  return { label: "x", results, models: [""] };
}

test("falls beyond the tolerance are regressions; exactly the tolerance and rises are not", () => {
  const base = side({ T: { test: { map: 0.668, mrr: 0.8, recall_at_10: 0.9 } } });
  const cand = side({ T: { test: { map: 0.666, mrr: 0.7979, recall_at_10: 0.95 } } });
  const g = findRegressions(base, cand, 0.002, ["all"]);
  assert.equal(g.compared, 3);
  assert.deepEqual(
    g.regressions.map((r) => r.metric),
    ["mrr"],
  );
  assert.ok(Math.abs(g.regressions[0]!.delta + 0.0021) < 1e-12);
  assert.ok(Math.abs(g.largestDrop - 0.0021) < 1e-12);
  assert.deepEqual(findRegressions(base, cand, 0.0021, ["all"]).regressions, []);
  assert.equal(findRegressions(base, cand, 0, ["all"]).regressions.length, 2);
  // The default gate: the main score (map) and mrr, not recall_at_10 or nAUC_*.
  assert.equal(findRegressions(base, cand, 0.002).compared, 2);
});

test("NaN: a candidate that becomes NaN regressed; a NaN baseline holds nothing against the candidate", () => {
  const g = findRegressions(
    side({ T: { test: { a: 0.5, b: Number.NaN, c: Number.NaN } } }),
    side({ T: { test: { a: Number.NaN, b: 0.1, c: Number.NaN } } }),
    0.002,
    ["all"],
  );
  assert.deepEqual(
    g.regressions.map((r) => r.metric),
    ["a"],
  );
  assert.ok(Number.isNaN(g.regressions[0]!.delta));
  assert.equal(g.compared, 3);
});

test("missing tasks, splits and metrics are reported, extra candidate tasks noted, --metric filters", () => {
  const base = side({ T: { test: { map: 0.5, mrr: 0.5 }, dev: { map: 0.5 } }, U: { test: { map: 0.5 } } });
  const cand = side({ T: { test: { map: 0.5 } }, V: { test: { map: 0.1 } } });
  const g = findRegressions(base, cand, 0.002);
  assert.deepEqual(g.missing, ["T test mrr (not in T.json)", "T dev (no such split in T.json)", "task U (U.json)"]);
  assert.deepEqual(g.extraTasks, ["V"]);
  const onlyMap = findRegressions(side({ T: { test: { map: 0.5, mrr: 0.5 } } }), cand, 0.002, ["map"]);
  assert.deepEqual(onlyMap.missing, []);
  assert.equal(onlyMap.compared, 1);
  // --metric filters the missing-results report too: a task or split without the metric is not "missing".
  const recall = findRegressions(
    side({ T: { test: { recall_at_10: 0.5 }, dev: { map: 0.5 } }, U: { test: { map: 0.5 } } }),
    side({ T: { test: { recall_at_10: 0.5 } } }),
    0.002,
    ["recall_at_10"],
  );
  assert.deepEqual(recall.missing, []);
  assert.equal(recall.compared, 1);
  // An unknown --metric name is a usage error naming it (a typo must not shrink the gate to nothing).
  assert.throws(
    () => findRegressions(base, cand, 0.002, ["mrr", "mapp"]),
    (e: unknown) => e instanceof BenchError && e.exitCode === ExitCode.Usage && /--metric mapp: no such metric/.test(e.message),
  );
});

test("different data files (bench.json sha256) are reported, unknown provenance is not", () => {
  const t = { T: { test: { map: 0.5 } } };
  assert.deepEqual(findRegressions(side(t, "aa"), side(t, "bb"), 0.002).otherData, ["T"]);
  assert.deepEqual(findRegressions(side(t, "aa"), side(t, "aa"), 0.002).otherData, []);
  assert.deepEqual(findRegressions(side(t, "aa"), side(t, null), 0.002).otherData, []);
});
