import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DockerCli,
  DockerCommandError,
  runArguments
} from '../../../../../../src/local-stack/docker/engine.js';

describe('docker run arguments for endpoint containers', () => {
  it.each([
    {
      case: 'labels, environment, loopback-only port, serve',
      options: {
        image: '127.0.0.1:5510/churn@sha256:abc',
        name: 'modelship-ep-alltraffic-1a2b-1',
        labels: { 'modelship.local-stack': '/data', 'modelship.sagemaker.endpoint': 'ep' },
        env: { LOG_LEVEL: 'info', 'WITH SPACE': 'a b; $(rm -rf /)' },
        args: ['serve'],
        containerPort: 8080
      },
      expected: [
        'run',
        '--detach',
        '--name',
        'modelship-ep-alltraffic-1a2b-1',
        '--label',
        'modelship.local-stack=/data',
        '--label',
        'modelship.sagemaker.endpoint=ep',
        '--env',
        'LOG_LEVEL=info',
        '--env',
        'WITH SPACE=a b; $(rm -rf /)',
        '--publish',
        '127.0.0.1::8080',
        '127.0.0.1:5510/churn@sha256:abc',
        'serve'
      ]
    },
    {
      case: 'no labels or environment',
      options: { image: 'img', name: 'n', labels: {}, env: {}, args: [], containerPort: 9000 },
      expected: ['run', '--detach', '--name', 'n', '--publish', '127.0.0.1::9000', 'img']
    }
  ])('$case', ({ options, expected }) => {
    expect(runArguments(options)).toEqual(expected);
  });
});

/** DockerCli against a stand-in `docker` program that records its arguments and answers like docker. */
describe('DockerCli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hosting-docker-cli-'));
  const program = join(dir, 'docker');
  writeFileSync(
    program,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$*" >> ${join(dir, 'calls')}`,
      'case "$1" in',
      '  port) echo "127.0.0.1:49153" ;;',
      '  image) echo "Error response from daemon: No such image: $5" >&2; exit 1 ;;',
      '  rm) echo "Error: No such container: gone" >&2; exit 1 ;;',
      '  ps) printf "id1\\nid2\\n" ;;',
      '  inspect) case "$4" in live) echo "true 0" ;; dead) echo "false 3" ;; *) echo "Error: No such object: $4" >&2; exit 1 ;; esac ;;',
      'esac'
    ].join('\n')
  );
  chmodSync(program, 0o755);
  const docker = new DockerCli(program);
  /** The argument lists the stand-in received since the last look. */
  const calls = () => {
    const lines = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    rmSync(join(dir, 'calls'));
    return lines;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the published port, finds containers by label, and reports a missing image as absent', async () => {
    expect(await docker.publishedPort('abc', 8080)).toBe(49153);
    expect(await docker.state('live')).toEqual({ running: true });
    expect(await docker.state('dead')).toEqual({ running: false, exitCode: 3 });
    expect(await docker.state('gone')).toBeUndefined();
    expect(await docker.find({ a: 'b', c: 'd' })).toEqual(['id1', 'id2']);
    expect(await docker.inspectImage('nothing:here')).toBeUndefined();
    expect(calls()).toEqual([
      'port abc 8080/tcp',
      'inspect --format {{.State.Running}} {{.State.ExitCode}} live',
      'inspect --format {{.State.Running}} {{.State.ExitCode}} dead',
      'inspect --format {{.State.Running}} {{.State.ExitCode}} gone',
      'ps --all --quiet --no-trunc --filter label=a=b --filter label=c=d',
      'image inspect --format {{json .RepoDigests}} nothing:here'
    ]);
  });

  it('removes the remaining containers one by one when some are already gone', async () => {
    await expect(docker.remove(['gone', 'other'])).resolves.toBeUndefined();
    // The one-by-one removals run side by side, so their order is not fixed.
    expect(calls().sort()).toEqual(
      ['rm --force --volumes gone other', 'rm --force gone', 'rm --force other'].sort()
    );
  });

  it('pulls with the registry credentials directory', async () => {
    await docker.pull('127.0.0.1:5510/repo@sha256:abc', '/data/registry/docker');
    expect(calls()).toEqual(['--config /data/registry/docker pull 127.0.0.1:5510/repo@sha256:abc']);
    await expect(new DockerCli(join(dir, 'absent')).pull('x')).rejects.toBeInstanceOf(DockerCommandError);
  });
});
