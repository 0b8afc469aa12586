import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PairedSeries } from "../../src/compare/comparison.js";
import { pairedStats } from "../../src/compare/paired-stats.js";
import { fitText, niceTicks, renderPlotSvg, textWidth } from "../../src/compare/plot-svg.js";
import { tempDir } from "./fixtures.js";

function series(diffs: number[], side = 1, task = "T2Reranking"): PairedSeries {
  return { task, split: "test", subset: "default", side, apDiffs: Float64Array.from(diffs).sort(), stats: pairedStats(diffs) };
}

const PY = "/usr/bin/python3"; // Debian's python: its xml.etree is a real XML parser

// Parses the SVG with Python's ElementTree and returns a summary of what is in it.
function inspect(svg: string): { root: string; groups: number; paths: string[]; means: number[]; ci: number[][]; texts: string[] } {
  const file = join(tempDir(), "p.svg");
  writeFileSync(file, svg);
  const script = `
import json, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
out = {"root": root.tag, "groups": len(root.findall(ns + "g")),
       "paths": [p.get("class") for p in root.iter(ns + "path")],
       "means": [float(l.get("y1")) for l in root.iter(ns + "line") if l.get("class") == "mean"],
       "ci": [[float(r.get("y")), float(r.get("height"))] for r in root.iter(ns + "rect") if r.get("class") == "ci"],
       "texts": ["".join(t.itertext()) for t in root.iter(ns + "text")]}
print(json.dumps(out))`;
  return JSON.parse(execFileSync(PY, ["-c", script, file], { encoding: "utf8" }));
}

test("nice ticks: 1/2/5 steps covering the range", () => {
  assert.deepEqual(niceTicks(0, 0.05), [0, 0.01, 0.02, 0.03, 0.04, 0.05]);
  assert.deepEqual(niceTicks(-0.12, 0.18), [-0.15, -0.1, -0.05, 0, 0.05, 0.1, 0.15, 0.2]);
  assert.deepEqual(niceTicks(0, 300), [0, 50, 100, 150, 200, 250, 300]);
});

test("the SVG is well-formed XML with one panel per series, bars, mean, CI band, axis labels", (t) => {
  if (!existsSync(PY)) {
    t.skip(`SKIPPED: ${PY} (Debian python3 with xml.etree) is not installed, cannot parse the SVG`);
    return;
  }
  const d = Array.from({ length: 60 }, (_, i) => (i - 20) / 200);
  const svg = renderPlotSvg(
    [
      series(d),
      series(
        d.map((x) => -x),
        2,
        'A<&>"Task',
      ),
    ],
    ["base", "b", "c"],
  );
  const s = inspect(svg);
  assert.equal(s.root, "{http://www.w3.org/2000/svg}svg");
  assert.equal(s.groups, 2);
  assert.deepEqual(s.paths, ["pos", "neg", "pos", "neg"]);
  assert.equal(s.means.length, 2);
  // The mean line lies inside its CI band.
  s.means.forEach((y, i) => {
    const [top, h] = s.ci[i]!;
    assert.ok(y >= top && y <= top + h, `mean y ${y} outside CI band ${top}..${top + h}`);
  });
  assert.ok(s.texts.includes("ΔAP (B − A)"));
  assert.ok(s.texts.includes("ΔAP (C − A)"));
  assert.ok(s.texts.includes("queries, sorted by ΔAP"));
  assert.ok(
    s.texts.some((x) => x.startsWith('A<&>"Task test: AP(C) − AP(A) per query, sorted (n = 60)')),
    "special characters escaped and read back",
  );
  assert.ok(s.texts.some((x) => /^mean \+0\.0475, 95% CI \[\+0\.\d{4}, \+0\.\d{4}\], sign-flip p = /.test(x)));
  assert.ok(s.texts.includes("0"), "zero tick labelled");
});

test("few queries: ranks on the x axis; all-equal sides still draw (no bars, zero range padded)", (t) => {
  if (!existsSync(PY)) {
    t.skip(`SKIPPED: ${PY} is not installed, cannot parse the SVG`);
    return;
  }
  const s = inspect(renderPlotSvg([series([0.1, 0.2, -0.05])], ["a", "b"]));
  assert.ok(["1", "2", "3", "query rank, sorted by ΔAP"].every((x) => s.texts.includes(x)));
  const z = inspect(renderPlotSvg([series([0, 0, 0, 0])], ["a", "b"]));
  assert.deepEqual(z.paths, []);
  assert.equal(z.means.length, 1);
});

test("rsvg-convert renders it to a PNG", (t) => {
  if (spawnSync("rsvg-convert", ["--version"]).status !== 0) {
    t.skip("SKIPPED: rsvg-convert (Debian librsvg2-bin) is not installed, cannot render the SVG");
    return;
  }
  const dir = tempDir();
  writeFileSync(join(dir, "p.svg"), renderPlotSvg([series([0.1, -0.2, 0.3, 0.05])], ["a", "b"]));
  execFileSync("rsvg-convert", ["-o", join(dir, "p.png"), join(dir, "p.svg")]);
  const png = readFileSync(join(dir, "p.png"));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.equal(png.readUInt32BE(16), 860); // IHDR width = the SVG's width
});

test("titles name the real task/split, every text line fits the width (measured conservatively), the CI band lies under the bars", () => {
  const long = "/home/someone/experiments/2026-12-01/very-long-run-name-with-many-parts/checkpoints/step-000600/results";
  const s = { ...series([0.1, -0.05, 0.2, 0.3], 1, "T2RerankingTrainQueries"), split: "train" };
  const svg = renderPlotSvg([s], [long, `${long}-finetuned-中文名字的目录`]);
  const { texts } = inspect(svg);
  assert.ok(texts[0]!.startsWith("T2RerankingTrainQueries train: AP(B) − AP(A)"), texts[0]);
  const max = 860 - 78 - 24;
  assert.ok(textWidth(texts[0]!, 15, true) <= max, texts[0]);
  for (const t of texts.slice(1, 3)) assert.ok(textWidth(t, 12) <= max, `${t}: ${textWidth(t, 12)} px > ${max}`);
  assert.match(texts[2]!, /^A = \/home\/someone.*…/, "long paths keep their start and end, the middle elided");
  // Order in the document is paint order: band first, bars over it (the band no longer tints them).
  assert.ok(svg.indexOf('class="ci"') < svg.indexOf('class="pos"'));
  assert.ok(svg.indexOf('class="ci"') < svg.indexOf('class="neg"'));
  // The width estimate is conservative: never below what DejaVu Sans needs (its widest ASCII glyph is ~0.62 em; CJK 1 em).
  assert.ok(textWidth("W".repeat(10), 12) >= 10 * 0.62 * 12 && textWidth("中文", 12) >= 24);
  assert.equal(fitText("short", 12, 100), "short");
});
