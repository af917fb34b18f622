import { join } from 'node:path';
import {
  runBundledAction as runBundle,
  type ActionRun,
  type ActionRunOptions
} from '../../src/runner/bundled-action.js';

export { parseFileCommands, type ActionRun, type ActionRunOptions } from '../../src/runner/bundled-action.js';

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** Runs dist/<name>/index.js as the runner does (see src/runner/bundled-action.ts), from the project root. */
export function runBundledAction(name: string, options: ActionRunOptions = {}): Promise<ActionRun> {
  return runBundle(join(PROJECT_ROOT, 'dist', name, 'index.js'), { cwd: PROJECT_ROOT, ...options });
}

/** Runs the post step of an action whose main step produced `main`. */
export function runBundledPost(
  name: string,
  main: ActionRun,
  options: ActionRunOptions = {}
): Promise<ActionRun> {
  return runBundledAction(name, { ...options, state: { ...main.state, ...options.state } });
}

/** The log as the runner displays it: it consumes `::add-mask::` commands and never shows them. */
export function displayedLog(run: ActionRun): string {
  return run.log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
