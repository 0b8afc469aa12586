/**
 * A sentencepiece `precompiled_charsmap` (the XLM-R/bge-m3 normalizer's table: a darts-clone double array over
 * UTF-8 keys, then NUL-terminated replacement strings), built at test time, since no real one can be downloaded
 * here. The table maps every code point (up to U+2FFFF) that NFKC changes to its NFKC form, removes the control
 * characters and turns the whitespace variants into " " (sentencepiece's nmt_nfkc rules, as
 * @huggingface/tokenizers' Precompiled emulates them), and leaves U+FF5E (～) alone, as the real XLM-R table does.
 * Single code points only: the real table also has keys for some sequences (a + U+0301 → á); this one does not.
 * HF's Rust Precompiled normalizer applies it per grapheme; bench's JS library ignores the table and runs NFKC.
 */

/** Builds the double array (unit layout of darts-clone / spm_precompiled: label bits 0–7, has-leaf bit 8, offset << 10). */
function buildDarts(entries: [Uint8Array, number][]): Uint32Array {
  type Node = { children: Map<number, Node>; value: number | null };
  const root: Node = { children: new Map(), value: null };
  for (const [key, value] of entries) {
    let n = root;
    for (const b of key) {
      let c = n.children.get(b);
      if (!c) n.children.set(b, (c = { children: new Map(), value: null }));
      n = c;
    }
    n.value = value;
  }
  const units: number[] = [0];
  const used: boolean[] = [true];
  const bases = new Set<number>();
  let firstFree = 1;
  const place = (pos: number, node: Node): void => {
    const labels = [...node.children.keys()].sort((a, b) => a - b);
    const slots = node.value !== null ? [0, ...labels] : labels; // slot base ^ 0 holds the leaf value
    if (slots.length === 0) return;
    let base = firstFree;
    while (bases.has(base) || (base ^ pos) >= 1 << 21 || slots.some((c) => (base ^ c) === 0 || used[base ^ c])) base++;
    bases.add(base);
    for (const c of slots) {
      while (units.length <= (base ^ c)) {
        units.push(0);
        used.push(false);
      }
      used[base ^ c] = true;
    }
    units[pos] = (units[pos] & 0x3ff) | ((pos ^ base) << 10);
    if (node.value !== null) units[base] = 0x80000000 | node.value;
    for (const c of labels) units[base ^ c] = c | (node.children.get(c)?.value !== null ? 1 << 8 : 0);
    while (firstFree < used.length && used[firstFree]) firstFree++;
    for (const c of labels) place(base ^ c, node.children.get(c) as Node);
  };
  place(0, root);
  return Uint32Array.from(units, (u) => u >>> 0);
}

/** The base64 precompiled_charsmap for `map` (key → replacement). */
export function precompiledCharsmap(map: Map<string, string>): string {
  const enc = new TextEncoder();
  const strings: Uint8Array[] = [];
  const entries: [Uint8Array, number][] = [];
  let offset = 0;
  for (const [k, v] of map) {
    const bytes = enc.encode(`${v}\0`);
    entries.push([enc.encode(k), offset]);
    strings.push(bytes);
    offset += bytes.length;
  }
  const trie = buildDarts(entries);
  const out = Buffer.alloc(4 + trie.length * 4 + offset);
  out.writeUInt32LE(trie.length * 4, 0);
  trie.forEach((u, i) => out.writeUInt32LE(u, 4 + i * 4));
  let p = 4 + trie.length * 4;
  for (const s of strings) {
    out.set(s, p);
    p += s.length;
  }
  return out.toString("base64");
}

const CONTROL = /[\u0001-\u0008\u000B\u000E-\u001F\u007F\u008F\u009F]/;
const SPACES = /[\u0009\u000A\u000C\u000D\u00A0\u1680\u2000-\u200F\u2028\u2029\u202F\u205F\u2581\u3000\uFEFF\uFFFD]/;

/** The nmt_nfkc-like single-code-point table described above. */
export function nmtNfkcMap(): Map<string, string> {
  const map = new Map<string, string>();
  for (let cp = 1; cp < 0x30000; cp++) {
    if ((cp >= 0xd800 && cp < 0xe000) || cp === 0xff5e) continue;
    const c = String.fromCodePoint(cp);
    const n = CONTROL.test(c) ? "" : SPACES.test(c) ? " " : c.normalize("NFKC");
    if (n !== c) map.set(c, n);
  }
  return map;
}
