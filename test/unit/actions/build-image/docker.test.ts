import { jest } from '@jest/globals';
import type { CommandResult } from '../../../../src/lib/exec.js';

// Only the program runner is replaced: what is under test is how `docker info`'s answer is read.
const runCommand = jest.fn<(program: string, args: readonly string[]) => Promise<CommandResult>>();
jest.unstable_mockModule('../../../../src/lib/exec.js', () => ({ runCommand }));
const { probeDockerEngine } = await import('../../../../src/actions/build-image/docker.js');

const answer = (exitCode: number, stdout: string, stderr = ''): CommandResult => ({
  exitCode,
  stdout,
  stderr
});

describe('probeDockerEngine', () => {
  it.each<[string, string, boolean]>([
    ['buildx among the plugins', '24.0.7|buildx compose \n', true],
    ['no plugins', '20.10.24+dfsg1|\n', false],
    ['plugins without buildx', '26.1.0|compose scan \n', false]
  ])('reads the server version and %s', async (_name, stdout, hasBuildx) => {
    runCommand.mockResolvedValueOnce(answer(0, stdout));
    await expect(probeDockerEngine()).resolves.toEqual({
      serverVersion: stdout.split('|')[0],
      hasBuildx
    });
    expect(runCommand.mock.lastCall?.[1].slice(0, 1)).toEqual(['info']);
  });

  it('names the reason when no engine answers', async () => {
    runCommand.mockResolvedValueOnce(
      answer(
        1,
        '|\n',
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n'
      )
    );
    await expect(probeDockerEngine()).rejects.toThrow(
      'The Docker engine is not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?).'
    );
  });

  it('fails when the engine answers without a version', async () => {
    runCommand.mockResolvedValueOnce(answer(0, '|buildx \n'));
    await expect(probeDockerEngine()).rejects.toThrow('The Docker engine is not reachable (no answer).');
  });
});
