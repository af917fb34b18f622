import { closeSync, openSync, writeSync } from 'node:fs';
import type { Annotation, StepOutputSink } from './commands.js';
import { seconds } from './duration.js';
import { Progress, type Terminal } from './progress.js';

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

const MARKS: Record<Conclusion, string> = { success: '✓', failure: '✗', cancelled: '⊘', skipped: '○' };

/**
 * The run's log as plain lines (CI-friendly): jobs and steps with status and duration, step output indented,
 * `::group::` contents folded to their title (replayed when the step fails), live progress of the running
 * step (see Progress), everything also appended to a log file. Every text it gets is already masked.
 */
export class Report {
  readonly annotations: Annotation[] = [];
  private readonly progress: Progress;
  /** The log file, opened once rather than for every line of the run. */
  private logFd: number | undefined;

  constructor(
    print: (text: string) => void,
    logFile: string | undefined,
    private readonly debug = false,
    terminal?: Terminal
  ) {
    this.progress = new Progress(terminal, print);
    this.logFd = logFile === undefined ? undefined : openSync(logFile, 'a');
  }

  private emit(text: string, toConsole = true): void {
    if (toConsole) this.progress.printLine(text);
    if (this.logFd !== undefined) writeSync(this.logFd, `${text}\n`);
  }

  /** Closes the log file; later lines are printed only. */
  close(): void {
    if (this.logFd !== undefined) closeSync(this.logFd);
    this.logFd = undefined;
  }

  note(text: string): void {
    this.emit(text);
  }

  jobStart(name: string): void {
    this.emit(`\n● Job ${name}`);
  }

  jobEnd(name: string, conclusion: Conclusion, milliseconds: number): void {
    this.emit(`${MARKS[conclusion]} Job ${name}: ${conclusion} (${seconds(milliseconds)})`);
  }

  stepSkipped(name: string): void {
    this.emit(`  ${MARKS.skipped} ${name} (skipped)`);
  }

  /** Starts a step; returns the sink for its output and a function that closes it with its outcome. */
  step(name: string): { sink: StepOutputSink; end: (outcome: Conclusion, note?: string) => void } {
    const started = Date.now();
    const folded: string[] = [];
    let group: string[] | undefined;
    this.emit(`  ▸ ${name}`);
    this.progress.start(name);
    const sink: StepOutputSink = {
      line: (text) => {
        this.progress.update(text);
        if (group) {
          group.push(text);
          this.emit(`    ${text}`, false);
        } else this.emit(`    ${text}`);
      },
      groupStart: (title) => {
        this.progress.update(title);
        group = [];
        this.emit(`    ▸ ${title}`);
      },
      groupEnd: () => {
        if (group) folded.push(...group);
        group = undefined;
      },
      annotation: (annotation) => {
        this.annotations.push(annotation);
        const where = annotation.where ? ` (${annotation.where})` : '';
        this.emit(
          `    ${annotation.level === 'error' ? 'Error' : annotation.level === 'warning' ? 'Warning' : 'Notice'}${where}: ${annotation.message}`
        );
      },
      debug: (text) => this.emit(`    ##[debug]${text}`, this.debug)
    };
    const end = (outcome: Conclusion, note?: string) => {
      this.progress.stop();
      if (group) folded.push(...group);
      if (outcome === 'failure' && folded.length > 0) {
        this.emit('    ── folded output of the failed step ──');
        for (const line of folded) this.progress.printLine(`    ${line}`);
      }
      const suffix = note ? `, ${note}` : '';
      this.emit(`  ${MARKS[outcome]} ${name} (${seconds(Date.now() - started)}${suffix})`);
    };
    return { sink, end };
  }
}
