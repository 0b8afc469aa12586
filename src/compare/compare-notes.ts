/**
 * The notes of a comparison, each said once, in the order first said. A grouped note is a pattern with SPLITS
 * where the split/subset goes: one note per pattern names every split/subset it applies to (MIRACL has 18 subsets:
 * not 18 notes). Grouped notes come after the plain ones, in the order their patterns were first seen.
 */

/** Placeholder in a grouped note's pattern for the split/subset list. */
export const SPLITS = "\u0000";

/** Collects a comparison's notes; `list()` gives them all, once each. */
export class CompareNotes {
  private readonly said = new Set<string>();
  private readonly grouped = new Map<string, string[]>();

  /** A note said as is. */
  add(note: string): void {
    this.said.add(note);
  }

  /** A note said once per pattern, for every split/subset `label` it is grouped under. */
  group(pattern: string, label: string): void {
    const labels = this.grouped.get(pattern);
    if (labels) labels.push(label);
    else this.grouped.set(pattern, [label]);
  }

  /** Plain notes, then one per grouped pattern; a text said twice (either way) is listed once. */
  list(): string[] {
    const all = new Set(this.said);
    for (const [pattern, labels] of this.grouped) all.add(pattern.replace(SPLITS, splitsNamed(labels)));
    return [...all];
  }
}

/** One split/subset label as is; several as a count and the first 10. */
function splitsNamed(labels: string[]): string {
  return labels.length === 1
    ? labels[0]!
    : `${labels.length} splits/subsets (${labels.slice(0, 10).join("; ")}${labels.length > 10 ? "; …" : ""})`;
}
