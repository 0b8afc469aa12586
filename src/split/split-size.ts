/**
 * Split sizes as datasets' `train_test_split` takes them: a Python float is a fraction in (0, 1), a Python int
 * is an absolute row count (docs/spec.md §1). Flags arrive as text, so "1" is a count and "1.0" a (bad) fraction.
 */
import { inputError } from "../errors.js";

/** A test/train size: an absolute count (Python int) or a fraction (Python float). */
export type SplitSize = { kind: "count"; value: number } | { kind: "fraction"; value: number };

/** Renders a size the way Python prints it in datasets' error messages (0.1, 613, 1.0). */
export function formatSplitSize(size: SplitSize | null | undefined): string {
  if (size == null) return "None";
  if (size.kind === "count") return String(size.value);
  return Number.isInteger(size.value) ? size.value.toFixed(1) : String(size.value);
}

/**
 * Parses a size flag. Strings of digits are counts; anything else numeric is a fraction. A JS number is a count
 * when it is an integer (yargs has already lost "1.0" vs "1" then).
 */
export function parseSplitSize(raw: string | number, flag: string): SplitSize {
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) throw inputError(`split: ${flag} must be a fraction in (0, 1) or a row count ≥ 1, got ${raw}`);
    return Number.isInteger(raw) ? { kind: "count", value: raw } : { kind: "fraction", value: raw };
  }
  const text = raw.trim();
  if (/^[+-]?\d+$/.test(text)) {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw inputError(`split: ${flag} count ${text} is too large`);
    return { kind: "count", value };
  }
  const value = text === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw inputError(`split: ${flag} must be a fraction in (0, 1) or a row count ≥ 1, got "${raw}"`);
  }
  return { kind: "fraction", value };
}

/** Parses a seed flag into a bigint (numpy takes non-negative integers of any size). */
export function parseSeed(raw: string | number | bigint): bigint {
  if (typeof raw === "bigint") {
    if (raw < 0n) throw inputError(`split: --seed must be an integer ≥ 0, got ${raw}`);
    return raw;
  }
  if (typeof raw === "number") {
    if (!Number.isSafeInteger(raw) || raw < 0) {
      throw inputError(`split: --seed must be an integer ≥ 0 (pass large seeds as text to keep every digit), got ${raw}`);
    }
    return BigInt(raw);
  }
  const text = raw.trim();
  if (!/^\+?\d+$/.test(text)) throw inputError(`split: --seed must be an integer ≥ 0, got "${raw}"`);
  return BigInt(text.replace(/^\+/, ""));
}
