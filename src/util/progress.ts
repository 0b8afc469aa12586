/**
 * A progress display on stderr with rate and ETA: a cli-progress bar when stderr is a TTY, otherwise plain
 * lines (at most one every 10 s, plus the final one) so CI logs stay readable.
 */
import cliProgress from "cli-progress";

/** A progress sink: `update(done, total)` as work proceeds, `stop()` once at the end. */
export interface ProgressDisplay {
  update(done: number, total: number): void;
  stop(): void;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(0)}s`;
}

/** Creates a display for `label`, counting `unit`s (e.g. "docs"). */
export function progressDisplay(label: string, unit: string, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  const start = performance.now();
  const rate = (done: number): number => done / Math.max((performance.now() - start) / 1000, 1e-9);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0, { rate: "0.0" });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { rate: rate(done).toFixed(1) });
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastLine = -Infinity;
  let last: [number, number] | null = null;
  let printedDone = -1;
  const line = (done: number, total: number): void => {
    printedDone = done;
    const r = rate(done);
    const pct = total > 0 ? ((100 * done) / total).toFixed(1) : "100.0";
    stream.write(`${label}: ${done}/${total} ${unit} (${pct}%), ${r.toFixed(1)} ${unit}/s, ETA ${fmtDuration((total - done) / r)}\n`);
    lastLine = performance.now();
  };
  return {
    update(done, total) {
      last = [done, total];
      if (performance.now() - lastLine >= 10_000) line(done, total);
    },
    stop() {
      if (last && last[0] !== printedDone) line(...last);
    },
  };
}
