/**
 * The training progress line on stderr: step, loss, samples/s, ETA. On a TTY one line is redrawn in place;
 * elsewhere (CI logs) one line is printed per trainer log event.
 */

/** One `log` event from the trainer (scripts/trainer/train.py). */
export interface TrainLogEvent {
  step: number;
  total_steps: number;
  /** null when not finite (the trainer writes NaN/Infinity as null). */
  loss: number | null;
  learning_rate: number;
  grad_norm: number | null;
  samples_per_second: number;
}

/** "1h02m", "3m20s", "12s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** Formats one progress line; `eta` in seconds. */
export function progressLine(e: TrainLogEvent, eta: number): string {
  const pct = ((100 * e.step) / Math.max(1, e.total_steps)).toFixed(0);
  const width = 20;
  const filled = Math.round((width * e.step) / Math.max(1, e.total_steps));
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  return `train [${bar}] ${e.step}/${e.total_steps} (${pct}%) loss ${e.loss === null ? "non-finite" : e.loss.toPrecision(4)} lr ${e.learning_rate.toExponential(2)} ${e.samples_per_second.toFixed(1)} samples/s ETA ${formatDuration(eta)}`;
}

/** Tracks the step rate since the (re)start and writes progress lines. */
export class TrainProgress {
  private t0 = Date.now();
  private step0 = 0;
  private drawn = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  /** Called on the trainer's start event. */
  start(startStep: number): void {
    this.t0 = Date.now();
    this.step0 = startStep;
  }

  /** Called on each log event. */
  update(e: TrainLogEvent): void {
    const done = e.step - this.step0;
    const secs = (Date.now() - this.t0) / 1000;
    const eta = done > 0 ? (secs / done) * (e.total_steps - e.step) : NaN;
    const line = progressLine(e, eta);
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the redrawn line so later messages start on their own line. */
  finish(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}
