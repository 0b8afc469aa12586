import { test } from "node:test";
import assert from "node:assert/strict";
import { progressDisplay } from "../../src/util/progress.js";

test("progress on a non-TTY stream: plain lines with count, percent, rate and ETA; the final line always printed", () => {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  const p = progressDisplay("encode m", "docs", stream);
  p.update(1, 4);
  p.update(2, 4); // within 10 s of the previous line: not printed
  p.update(4, 4);
  p.stop();
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^encode m: 1\/4 docs \(25\.0%\), [\d.]+ docs\/s, ETA \S+\n$/);
  assert.match(lines[1], /^encode m: 4\/4 docs \(100\.0%\), [\d.]+ docs\/s, ETA 0s\n$/);
});
