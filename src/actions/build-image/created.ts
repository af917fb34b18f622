import { ActionError } from '../../lib/errors.js';
import { runCommand } from '../../lib/exec.js';

/**
 * The time recorded as `org.opencontainers.image.created`. SOURCE_DATE_EPOCH wins (the reproducible-builds
 * convention BuildKit honours too); otherwise the commit's own time, so rebuilding one commit gives the
 * same labels: the classic builder then takes its label layers from the cache and the image ID stays the
 * same. The clock is used only when the commit cannot be read (no checkout, no git).
 */
export async function creationTime(
  env: NodeJS.ProcessEnv,
  workspace: string,
  sha: string,
  now: () => Date = () => new Date()
): Promise<Date> {
  const epoch = env['SOURCE_DATE_EPOCH']?.trim();
  if (epoch) return fromSourceDateEpoch(epoch);
  if (/^[0-9a-f]{7,64}$/i.test(sha)) {
    const committed = await commitTime(workspace, sha);
    if (committed) return committed;
  }
  return now();
}

export function fromSourceDateEpoch(value: string): Date {
  if (!/^\d{1,12}$/.test(value)) {
    throw new ActionError(
      `SOURCE_DATE_EPOCH '${value}' is not a number of seconds since 1970-01-01.`,
      'Set it to e.g. $(git log -1 --format=%ct) or unset it.'
    );
  }
  return new Date(Number(value) * 1000);
}

async function commitTime(workspace: string, sha: string): Promise<Date | undefined> {
  try {
    const result = await runCommand('git', ['-C', workspace, 'show', '--no-patch', '--format=%ct', sha], {
      silent: true
    });
    const seconds = result.stdout.trim();
    return result.exitCode === 0 && /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000) : undefined;
  } catch {
    return undefined; // git is not installed: the commit time is a nicety, not a requirement
  }
}
