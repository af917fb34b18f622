import { seconds } from './duration.js';

/** A terminal to draw on (stdout when it is a TTY). */
export interface Terminal {
  write(text: string): void;
  /** Its width, when known: the status line is cut to fit one row. */
  columns(): number | undefined;
}

/** How often the status line is redrawn on a terminal. */
export const REDRAW_MS = 1_000;
/** Without a terminal (CI logs): a plain line after this long without any output from the running step. */
export const QUIET_MS = 30_000;

const CLEAR_LINE = '\r\x1b[2K';

/**
 * Live progress of the running step: what it is doing (its latest output line, folded or not: a build
 * step, a push, a stack event, an endpoint's status) and for how long. On a terminal it is one status line
 * under the log, redrawn every second and cleared before each log line; elsewhere a plain line is printed
 * when the step has been quiet for QUIET_MS, so a CI log shows a long build or wait is alive.
 */
export class Progress {
  private step: { name: string; started: number } | undefined;
  private latest: { text: string; at: number } | undefined;
  private lastPrinted = 0;
  private drawn = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly terminal: Terminal | undefined,
    private readonly print: (text: string) => void,
    private readonly now: () => number = Date.now
  ) {}

  /** A step started: progress follows it until `stop`. */
  start(name: string): void {
    this.step = { name, started: this.now() };
    this.latest = undefined;
    this.lastPrinted = this.now();
    this.timer ??= setInterval(() => this.tick(), this.terminal ? REDRAW_MS : QUIET_MS / 6);
    this.timer.unref();
    this.redraw();
  }

  /** The step's latest output line (already masked). */
  update(text: string): void {
    if (text.trim() === '') return;
    this.latest = { text: text.trim(), at: this.now() };
    this.redraw();
  }

  stop(): void {
    this.clear();
    this.step = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Prints a log line: the status line is taken away first and drawn again below it. */
  printLine(text: string): void {
    this.clear();
    this.print(text);
    this.lastPrinted = this.now();
    this.redraw();
  }

  /** What the timer does: redraw the status line, or print a plain line after a quiet spell. */
  tick(): void {
    if (!this.step) return;
    if (this.terminal) {
      this.redraw();
      return;
    }
    if (this.now() - this.lastPrinted >= QUIET_MS) {
      this.print(`    … ${this.describe()}`);
      this.lastPrinted = this.now();
    }
  }

  private describe(): string {
    const step = this.step as { name: string; started: number };
    const now = this.now();
    const doing = this.latest
      ? ` · ${this.latest.text}${now - this.latest.at >= 5_000 ? ` (for ${seconds(now - this.latest.at)})` : ''}`
      : '';
    return `${step.name}: running for ${seconds(now - step.started)}${doing}`;
  }

  private redraw(): void {
    if (!this.terminal || !this.step) return;
    const width = this.terminal.columns();
    const line = `  ⋯ ${this.describe()}`;
    const fitted = width !== undefined && line.length >= width ? `${line.slice(0, width - 2)}…` : line;
    this.terminal.write(`${CLEAR_LINE}${fitted}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn || !this.terminal) return;
    this.terminal.write(CLEAR_LINE);
    this.drawn = false;
  }
}
