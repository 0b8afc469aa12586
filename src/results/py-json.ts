/**
 * Python-identical JSON from JS (docs/spec.md §2.5 "Writing Python-identical JSON from JS"). mteb writes results with
 * Python's json module, so matching its bytes needs Python's float repr (shortest round-trip digits, exponent form
 * outside 1e-4 ≤ |x| < 1e16, a ".0" on integral floats, bare NaN/Infinity), its separators and escaping, and
 * Python's round(x, n). JS numbers cannot tell 1 from 1.0, so floats are wrapped in PyFloat; a bare non-integer
 * number is a programming error.
 */
import { BenchError, ExitCode } from "../errors.js";

/** Marks a number as a Python float (written with float repr, e.g. 1.0) rather than an int (1). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A value json.dumps can write: ints are safe-integer numbers, floats are PyFloat. */
export type PyJson = null | boolean | string | number | PyFloat | readonly PyJson[] | { readonly [key: string]: PyJson };

/** Python's repr(float). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN"; // json.dumps spelling (repr would say nan)
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() with no argument gives the shortest round-trip digits, as Python's repr does.
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(x).toExponential());
  if (m === null) throw new Error(`pyFloatRepr: unexpected toExponential form for ${x}`);
  const digits = m[1] + (m[2] ?? "");
  const exp = Number(m[3]);
  const decpt = exp + 1;
  if (decpt <= -4 || decpt > 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt < digits.length) return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
}

/** Python's round(x, n) for 0 ≤ n ≤ 100: correctly rounded on the exact binary value, exact ties to even. */
export function pyRound(x: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new Error(`pyRound: ndigits ${n} out of range`);
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 1e21) return x;
  // toFixed rounds the exact value correctly but sends exact ties away from zero; only ties need fixing.
  const tie = exactTie(Math.abs(x), n);
  if (tie === null) return Number(x.toFixed(n));
  const k = tie % 2n === 0n ? tie : tie + 1n; // |x|·10^n = tie + 1/2 exactly
  const s = k.toString().padStart(n + 1, "0");
  const text = n === 0 ? s : `${s.slice(0, s.length - n)}.${s.slice(s.length - n)}`;
  return (x < 0 ? -1 : 1) * Number(text);
}

/** If a·10^n is exactly an integer plus 1/2, that integer; else null. a > 0 finite. */
function exactTie(a: number, n: number): bigint | null {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return null; // an integer: never a tie
  const num = mant * 10n ** BigInt(n) * 2n; // 2·a·10^n = num / 2^-exp
  const den = 1n << BigInt(-exp);
  if (num % den !== 0n) return null;
  const twice = num / den;
  return twice % 2n === 1n ? (twice - 1n) / 2n : null;
}

/** Options of pyJsonDumps, named after json.dumps. */
export interface PyDumpOptions {
  /** json.dumps(indent=…): undefined writes one line with ", " and ": " separators. */
  indent?: number;
  sortKeys?: boolean;
  /** Default true, as in Python: escape every non-ASCII (and DEL) code unit as \uXXXX. */
  ensureAscii?: boolean;
}

/** json.dumps(value, indent, sort_keys, ensure_ascii) byte for byte (no trailing newline, like json.dump). */
export function pyJsonDumps(value: PyJson, opts: PyDumpOptions = {}): string {
  const ascii = opts.ensureAscii ?? true;
  const write = (v: PyJson, level: number): string => {
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "string") return pyJsonString(v, ascii);
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new BenchError(`results: ${v} is not an integer; wrap floats in PyFloat`, ExitCode.Internal);
      return String(v);
    }
    if (v instanceof PyFloat) return pyFloatRepr(v.value);
    const entries: string[] = [];
    const isArray = Array.isArray(v);
    if (isArray) for (const item of v as readonly PyJson[]) entries.push(write(item, level + 1));
    else {
      const obj = v as { readonly [key: string]: PyJson };
      const keys = Object.keys(obj);
      if (opts.sortKeys) keys.sort(compareCodePoints);
      for (const k of keys) entries.push(`${pyJsonString(k, ascii)}: ${write(obj[k], level + 1)}`);
    }
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) return open + close;
    if (opts.indent === undefined) return open + entries.join(", ") + close;
    const pad = "\n" + " ".repeat(opts.indent * (level + 1));
    return open + pad + entries.join("," + pad) + "\n" + " ".repeat(opts.indent * level) + close;
  };
  return write(value, 0);
}

/** Python sorts str keys by code point; JS's default sort compares UTF-16 units (differs above U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const ca = Array.from(a, (c) => c.codePointAt(0) as number);
  const cb = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
  return ca.length - cb.length;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** Python json string encoding: short escapes, \u00XX for controls, and with ensure_ascii every unit ≥ 0x7F. */
function pyJsonString(s: string, ensureAscii = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const u = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (u < 0x20 || (ensureAscii && u >= 0x7f))
      out += "\\u" + u.toString(16).padStart(4, "0"); // surrogates stay pairs
    else out += ch;
  }
  return out + '"';
}

/** Converts plain JS data (e.g. ModelInfo.extra) to PyJson: integral numbers → int, other numbers → float. */
export function toPyJson(v: unknown, where: string): PyJson {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : new PyFloat(v);
  if (v instanceof PyFloat) return v;
  if (Array.isArray(v)) return v.map((x, i) => toPyJson(x, `${where}[${i}]`));
  if (typeof v === "object") {
    const out: Record<string, PyJson> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toPyJson(x, `${where}.${k}`);
    return out;
  }
  throw new BenchError(`results: ${where} is a ${typeof v}, which JSON cannot hold`, ExitCode.Internal);
}
