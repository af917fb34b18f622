import { spawnSync } from 'node:child_process';

/** The starter Dockerfile's base image, which `npm run setup` builds where it cannot be pulled. */
export const BASE_IMAGE = 'debian:bookworm-slim';

/**
 * What to tell a user whose demo run failed, about the machine: `npm run setup` when Docker does not
 * answer or lacks the base image (the usual first-run failures), nothing when both are there, so the
 * run's own error is not buried under advice that does not apply.
 */
export function setupHint(docker = 'docker'): string | undefined {
  const inspected = spawnSync(docker, ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE], {
    encoding: 'utf8',
    timeout: 10_000
  });
  if (inspected.status === 0) return undefined;
  const answer = `${inspected.stderr ?? ''}${inspected.error?.message ?? ''}`;
  const why = /no such image/i.test(answer)
    ? `Docker has no ${BASE_IMAGE} image`
    : `Docker does not answer (${answer.trim().split('\n')[0] || `exit ${String(inspected.status)}`})`;
  return `${why}: run \`npm run setup\`, then \`npm run demo\` again.`;
}
