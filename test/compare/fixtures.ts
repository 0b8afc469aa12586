/**
 * Hand-made result directories in every layout `bench compare` reads (docs/spec.md §2.5), written into temp dirs by the
 * tests. Values are illustrative; the shapes follow the examples of docs/spec.md §2.5 field by field.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { after } from "node:test";
import { dirname, join } from "node:path";
import { tempDir as sharedTempDir } from "../helpers/cli.js";

const made: string[] = [];
// Every test file that imports this removes its temp dirs when its tests are done.
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test file finishes. */
export function tempDir(): string {
  const d = sharedTempDir("bench-compare-");
  made.push(d);
  return d;
}

/** Writes text, creating parent directories; returns the path. */
export function put(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** One per-query line. */
export interface PQ {
  row: number;
  query: string | string[];
  ap: number;
  rr: number;
}

/** Per-query lines as a JSONL string. */
export function perQueryJsonl(rows: PQ[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

/** Python-style mean (for building files whose map agrees with their sidecar). */
export function avg(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** bench --format mteb (current-mteb layout, 1.12.76+/1.39 style, NaN written bare) plus model_meta.json, bench.json and sidecar. */
export function writeBenchMteb(
  dir: string,
  task: string,
  m: { map: number; mrr: number },
  perQuery?: PQ[],
  model = "bm25",
  sha256 = "ab".repeat(32),
): string {
  const base = join(dir, model.replace("/", "__"), "no_revision_available");
  const body = `{
  "dataset_revision": null,
  "task_name": "${task}",
  "mteb_version": "1.39.7",
  "scores": {
    "test": [
      {
        "map": ${m.map},
        "mrr": ${m.mrr},
        "nAUC_map_max": NaN,
        "nAUC_mrr_max": 0.25,
        "main_score": ${m.map},
        "hf_subset": "default",
        "languages": ["cmn-Hans"]
      }
    ]
  },
  "evaluation_time": 1.25,
  "kg_co2_emissions": null
}`;
  const file = put(join(base, `${task}.json`), body);
  put(join(base, "model_meta.json"), `{"name": "${model}", "revision": null, "max_tokens": Infinity}`);
  put(
    join(base, `${task}.bench.json`),
    JSON.stringify({ schema_version: 1, bench_version: "0.1.0", dataset: { sha256, n_rows: 3 } }, null, 2),
  );
  if (perQuery) put(join(base, `${task}.per_query.jsonl`), perQueryJsonl(perQuery));
  return file;
}

/** bench --format mteb-1.1.1 / mteb 1.1.1 itself: sorted keys, indent 2. */
export function writeV111(dir: string, task: string, m: { map: number; mrr: number }, perQuery?: PQ[], model = "bm25"): string {
  const body = JSON.stringify(
    { dataset_revision: null, mteb_dataset_name: task, mteb_version: "1.1.1", test: { evaluation_time: 221.45, map: m.map, mrr: m.mrr } },
    null,
    2,
  );
  const file = put(join(dir, model, `${task}.json`), body);
  if (perQuery) put(join(dir, model, `${task}.per_query.jsonl`), perQueryJsonl(perQuery));
  return file;
}

/** mteb 1.11–1.12.75: a single line from pydantic's model_dump_json (NaN → null), flat in results/result/. */
export function writeV111x(dir: string, task: string, m: { map: number; mrr: number }): string {
  const obj = {
    dataset_revision: "76631901a18387f85eaa53e5450019b87ad58ef9",
    task_name: task,
    mteb_version: "1.12.41",
    scores: { dev: [{ map: m.map, mrr: m.mrr, nAUC_map_max: null, main_score: m.map, hf_subset: "default", languages: ["cmn-Hans"] }] },
    evaluation_time: 465.85,
    kg_co2_emissions: null,
  };
  return put(join(dir, "result", `${task}.json`), JSON.stringify(obj));
}

/** mteb 2.x: retrieval-style keys, mteb_version inside each entry, date and evaluation_phases at the top. */
export function writeV2(dir: string, task: string, m: { map_at_1000: number; mrr_at_10: number }): string {
  const obj = {
    dataset_revision: "a34fe6bc0dff185af1228e49a0f6fb1de1565627",
    task_name: task,
    mteb_version: "2.1.0",
    scores: {
      dev: [
        {
          ndcg_at_10: 0.61,
          map_at_1000: m.map_at_1000,
          mrr_at_10: m.mrr_at_10,
          nauc_map_at_1000_max: 0.1,
          accuracy: 0.5,
          main_score: m.map_at_1000,
          hf_subset: "default",
          languages: ["cmn-Hans"],
          mteb_version: "2.1.0",
        },
      ],
    },
    evaluation_time: 12.5,
    kg_co2_emissions: null,
    date: 1760000000,
    evaluation_phases: null,
  };
  const base = join(dir, "results", "BAAI__bge-m3", "5617a9f61b028005a4858fdac845db406aefb181");
  put(join(base, "model_meta.json"), JSON.stringify({ name: "BAAI/bge-m3", revision: "5617a9f6" }, null, 4));
  return put(join(base, `${task}.json`), JSON.stringify(obj, null, 2));
}

/** n per-query rows with APs/RRs from `ap(i)`, `rr(i)`; query texts "q<i>". */
export function perQuery(n: number, ap: (i: number) => number, rr: (i: number) => number = ap): PQ[] {
  return Array.from({ length: n }, (_, i) => ({ row: i, query: `查询 ${i}`, ap: ap(i), rr: rr(i) }));
}
