/** A small training file for the CLI tests of `bench train` (12 rows, two negatives each; nothing to download). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const TOPICS = ["天气", "火车", "医院", "银行", "学校", "电影", "手机", "咖啡", "足球", "飞机", "图书馆", "超市"];

/** Writes DIR/NAME (default train.jsonl) with 12 rows `{query, positive, negative}`; returns its path. */
export function writeSmallTrainFile(dir: string, name = "train.jsonl"): string {
  const rows = TOPICS.map((t, i) => ({
    query: `${t}怎么样`,
    positive: [`关于${t}的介绍和说明`],
    negative: [`${TOPICS[(i + 1) % TOPICS.length]}的新闻`, `${TOPICS[(i + 5) % TOPICS.length]}的价格`],
  }));
  const path = join(dir, name);
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}
