import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BenchError } from "../../src/errors.js";
import type { PerQuery, RerankingScores } from "../../src/metrics/evaluate.js";
import type { ModelInfo } from "../../src/models/types.js";
import type { WriteResultsInput } from "../../src/results/types.js";
import { writeResults } from "../../src/results/write-results.js";

// Golden texts below were produced with CPython 3.11's json.dumps / round at dev time and pasted literally.

const MODEL: ModelInfo = {
  name: "BAAI/bge-m3",
  revision: "5617a9f61b028005a4858fdac845db406aefb181",
  modelType: "late-interaction",
  similarityFn: "MaxSim",
  framework: ["ONNX"],
  nParameters: 567754752,
  embedDim: 1024,
  maxTokens: 8192,
  extra: { sha256: "ab12", dim: 1024, temperature: 0.02 },
};

const PER_QUERY: PerQuery[] = [
  { row: 0, query: "北京天气", n_pos: 2, n_neg: 3, ap: 1.0, rr: 1.0 },
  { row: 4, query: ["猫", "狗粮"], n_pos: 2, n_neg: 3, ap: 1.0, rr: 0.3333333333333333 },
];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "bench-results-"));
}

function input(outputDir: string, over: Partial<WriteResultsInput> = {}): WriteResultsInput {
  return {
    format: "mteb",
    outputDir,
    task: {
      name: "T2Reranking",
      split: "dev",
      revision: "76631901a18387f85eaa53e5450019b87ad58ef9",
      languages: ["cmn-Hans"],
      mainScore: "map",
    },
    model: MODEL,
    scores: {
      map: 0.5238095238095238,
      mrr: 0.6547619047619048,
      nAUC_map_max: -0.5641693811074919,
      nAUC_map_std: -0.3874592833876223,
      nAUC_map_diff1: 0.23102605863192135,
      nAUC_mrr_max: NaN,
      nAUC_mrr_std: -0.8409439427500426,
      nAUC_mrr_diff1: -0.06389504174476036,
      recall_at_10: 0.8571428571428571,
      nAUC_recall_at_10_max: -1.8411764705882332,
      nAUC_recall_at_10_std: -0.6058823529411753,
      nAUC_recall_at_10_diff1: 0.35490196078431413,
    },
    perQuery: PER_QUERY,
    evaluationTime: 12.345678901234567,
    provenance: {
      benchVersion: "0.1.0",
      gitCommit: null,
      createdAt: "2026-11-27T10:00:00.000Z",
      dataset: {
        path: "/data/t2.jsonl",
        task: "T2Reranking",
        revision: "76631901a18387f85eaa53e5450019b87ad58ef9",
        sha256: "00ff",
        nRows: 9,
        nEvaluated: 2,
      },
      runtime: { node: "v20.19.0", onnxruntime: "1.30.0" },
    },
    ...over,
  };
}

test("--format mteb: <org__model>/<revision>/<Task>.json in TaskResult layout, 6-decimal rounding, NaN nAUC, model_meta.json", () => {
  const dir = tmp();
  try {
    const out = writeResults(input(dir));
    const base = join(dir, "BAAI__bge-m3", "5617a9f61b028005a4858fdac845db406aefb181");
    assert.equal(out.resultPath, join(base, "T2Reranking.json"));
    assert.deepEqual(out.files, [
      join(base, "T2Reranking.json"),
      join(base, "model_meta.json"),
      join(base, "T2Reranking.per_query.jsonl"),
      join(base, "T2Reranking.provenance.jsonl"),
    ]);
    assert.equal(
      readFileSync(out.resultPath, "utf8"),
      `{
  "dataset_revision": "76631901a18387f85eaa53e5450019b87ad58ef9",
  "task_name": "T2Reranking",
  "mteb_version": "1.39.7",
  "scores": {
    "dev": [
      {
        "map": 0.52381,
        "mrr": 0.654762,
        "recall_at_10": 0.857143,
        "nAUC_map_max": -0.564169,
        "nAUC_map_std": -0.387459,
        "nAUC_map_diff1": 0.231026,
        "nAUC_mrr_max": NaN,
        "nAUC_mrr_std": -0.840944,
        "nAUC_mrr_diff1": -0.063895,
        "nAUC_recall_at_10_max": -1.841176,
        "nAUC_recall_at_10_std": -0.605882,
        "nAUC_recall_at_10_diff1": 0.354902,
        "main_score": 0.52381,
        "hf_subset": "default",
        "languages": [
          "cmn-Hans"
        ]
      }
    ]
  },
  "evaluation_time": 12.345678901234567,
  "kg_co2_emissions": null
}`,
    );
    assert.equal(
      readFileSync(join(base, "model_meta.json"), "utf8"),
      '{"name": "BAAI/bge-m3", "revision": "5617a9f61b028005a4858fdac845db406aefb181", "release_date": null, "languages": [], "n_parameters": 567754752, "memory_usage_mb": null, "max_tokens": 8192.0, "embed_dim": 1024, "license": null, "open_weights": null, "public_training_code": null, "public_training_data": null, "framework": [], "reference": null, "similarity_fn_name": "MaxSim", "use_instructions": null, "training_datasets": null, "adapted_from": null, "superseded_by": null, "is_cross_encoder": false, "modalities": ["text"], "loader": null}',
    );
    assert.equal(
      readFileSync(join(base, "T2Reranking.per_query.jsonl"), "utf8"),
      '{"row": 0, "query": "北京天气", "ap": 1.0, "rr": 1.0}\n{"row": 4, "query": ["猫", "狗粮"], "ap": 1.0, "rr": 0.3333333333333333}\n',
    );
    const provenanceText = readFileSync(join(base, "T2Reranking.provenance.jsonl"), "utf8");
    assert.equal(provenanceText.split("\n").length, 2, "one JSON line and a newline");
    const bench = JSON.parse(provenanceText);
    assert.deepEqual(bench, {
      schema_version: 1,
      bench_version: "0.1.0",
      git_commit: null,
      created_at: "2026-11-27T10:00:00.000Z",
      format: "mteb",
      task: { name: "T2Reranking", split: "dev", main_score: "map" },
      dataset: {
        path: "/data/t2.jsonl",
        task: "T2Reranking",
        revision: "76631901a18387f85eaa53e5450019b87ad58ef9",
        sha256: "00ff",
        n_rows: 9,
        n_evaluated: 2,
      },
      model: { name: "BAAI/bge-m3", revision: "5617a9f61b028005a4858fdac845db406aefb181", sha256: "ab12", dim: 1024, temperature: 0.02 },
      runtime: { node: "v20.19.0", onnxruntime: "1.30.0" },
    });
    assert.deepEqual(
      readdirSync(base).filter((f) => f.endsWith(".tmp")),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--format mteb with no revision uses no_revision_available", () => {
  const dir = tmp();
  try {
    const out = writeResults(input(dir, { model: { ...MODEL, name: "bm25", revision: null, extra: undefined } }));
    assert.equal(out.resultPath, join(dir, "bm25", "no_revision_available", "T2Reranking.json"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--format mteb-1.1.1: <model basename>/<Task>.json byte for byte (sorted keys, map/mrr only, time rounded half-even)", () => {
  const dir = tmp();
  try {
    const scores: RerankingScores = { map: 0.6951234567890123, mrr: 0.8190000000000001, recall_at_10: 0.9, nAUC_map_max: 0.1 };
    const task = { name: "CustomReranking", split: "test", revision: null, languages: ["cmn-Hans"], mainScore: "map" };
    const out = writeResults(input(dir, { format: "mteb-1.1.1", task, scores, evaluationTime: 221.445 }));
    assert.equal(out.resultPath, join(dir, "bge-m3", "CustomReranking.json"));
    assert.equal(
      readFileSync(out.resultPath, "utf8"),
      `{
  "dataset_revision": null,
  "mteb_dataset_name": "CustomReranking",
  "mteb_version": "1.1.1",
  "test": {
    "evaluation_time": 221.44,
    "map": 0.6951234567890123,
    "mrr": 0.8190000000000001
  }
}`,
    );
    assert.deepEqual(readdirSync(join(dir, "bge-m3")).sort(), [
      "CustomReranking.json",
      "CustomReranking.per_query.jsonl",
      "CustomReranking.provenance.jsonl",
    ]);
    // An exact binary tie: round(0.125, 2) == 0.12 in Python (half to even).
    const out2 = writeResults(input(dir, { format: "mteb-1.1.1", task, scores, evaluationTime: 0.125 }));
    assert.match(readFileSync(out2.resultPath, "utf8"), /"evaluation_time": 0\.12,\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("non-finite metrics are refused before anything is written", () => {
  const dir = tmp();
  try {
    const bad: [Partial<WriteResultsInput>, RegExp][] = [
      [{ scores: { map: NaN, mrr: 0.5 } }, /^results: metric map is NaN/],
      [{ scores: { map: 0.5, mrr: Infinity } }, /^results: metric mrr is Infinity/],
      [{ scores: { map: 0.5, mrr: 0.5, nAUC_map_max: -Infinity } }, /^results: metric nAUC_map_max is -Infinity/],
      [
        { scores: { map: 0.5, mrr: 0.5 }, task: { name: "T", split: "dev", revision: null, languages: [], mainScore: "ndcg_at_10" } },
        /^results: main score "ndcg_at_10"/,
      ],
      [{ evaluationTime: NaN }, /^results: evaluation time NaN/],
      [{ model: { ...MODEL, name: ".." } }, /^results: model name "\.\." cannot be used/],
    ];
    for (const [over, re] of bad) {
      assert.throws(
        () => writeResults(input(dir, over)),
        (e: unknown) => e instanceof BenchError && re.test(e.message),
      );
    }
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a failed write leaves no partial result set (files already renamed are removed, temps too)", () => {
  const dir = tmp();
  try {
    const base = join(dir, "BAAI__bge-m3", "5617a9f61b028005a4858fdac845db406aefb181");
    // The last file of the set cannot be renamed into place: a directory occupies its name.
    mkdirSync(join(base, "T2Reranking.provenance.jsonl"), { recursive: true });
    assert.throws(
      () => writeResults(input(dir)),
      (e: unknown) => e instanceof BenchError && /^results: could not write the result set \(4 files, none kept\)/.test(e.message),
    );
    assert.deepEqual(readdirSync(base), ["T2Reranking.provenance.jsonl"]);
    assert.equal(existsSync(join(base, "T2Reranking.json")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bench's own files are not *.json result candidates for mteb; an old <Task>.bench.json beside a rewritten result is removed", () => {
  const dir = tmp();
  try {
    const base = join(dir, "BAAI__bge-m3", "5617a9f61b028005a4858fdac845db406aefb181");
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, "T2Reranking.bench.json"), "{}");
    writeFileSync(join(base, "Other.bench.json"), "{}");
    writeResults(input(dir));
    // mteb 1.39 load_results: revision_path.glob("*.json") minus model_meta.json; 2.x ResultCache: */*/*.json.
    const candidates = readdirSync(base).filter((f) => f.endsWith(".json") && f !== "model_meta.json");
    assert.deepEqual(
      candidates.sort(),
      ["Other.bench.json", "T2Reranking.json"],
      "only the result (and another task's file bench did not write now)",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
