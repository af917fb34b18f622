import { readFileSync } from 'node:fs';
import { ActionError } from '../../lib/errors.js';
import { runCommand } from '../../lib/exec.js';
import type { ActionLog } from '../../lib/log.js';
import type { BuildCommand } from './command.js';
import { failingStep, failureReason } from './failure.js';

export interface BuiltImage {
  imageId: string;
  buildSeconds: number;
}

/**
 * Runs the builder with its output folded into one log group; a failed build becomes one error naming the
 * Dockerfile step that failed and the builder's reason.
 */
export async function runBuild(
  command: BuildCommand,
  title: string,
  imageIdFile: string,
  log: ActionLog
): Promise<BuiltImage> {
  const started = Date.now();
  const result = await log.group(title, () => runCommand('docker', command.args, { env: command.env }));
  const buildSeconds = (Date.now() - started) / 1000;
  if (result.exitCode !== 0) {
    const output = `${result.stdout}\n${result.stderr}`;
    const step = failingStep(output);
    const reason = failureReason(output);
    throw new ActionError(
      `The image build failed${step ? ` at ${step}` : ''}${reason ? `: ${reason}` : ''}.`,
      'The full builder output is in the log group above.'
    );
  }
  return { imageId: readFileSync(imageIdFile, 'utf8').trim(), buildSeconds };
}
