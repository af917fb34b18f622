import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down } from '../../../src/cli/daemon.js';
import { DockerCli } from '../../../src/local-stack/docker/engine.js';

/**
 * `modelship local down` after the stack was killed outright: it must do the stack's shutdown itself.
 * Docker is a fake `docker` program that records its arguments; the registry a stand-in process whose
 * command line names docker-registry, as the real one's does.
 */
describe('down after a crash', () => {
  let dataDir: string;
  let bin: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-down-'));
    bin = join(dataDir, 'bin');
    mkdirSync(bin);
    // A pid file of a process that is gone, as a killed stack leaves it.
    writeFileSync(join(dataDir, 'local-stack.pid'), '999999\n');
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A `docker` that logs its arguments and runs `body`; its log is docker.log in the data directory. */
  function fakeDocker(body: string): DockerCli {
    const script = join(bin, 'docker');
    writeFileSync(script, `#!/bin/sh\necho "$*" >> '${join(dataDir, 'docker.log')}'\n${body}\n`);
    chmodSync(script, 0o755);
    return new DockerCli(script);
  }

  it('stops the registry and removes the endpoint containers the dead stack left', async () => {
    const docker = fakeDocker(`if [ "$1" = ps ]; then printf 'c0ffee1\\nc0ffee2\\n'; fi`);
    const registry = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', 'docker-registry']);
    const exited = new Promise((resolve) => registry.once('exit', (_code, signal) => resolve(signal)));
    mkdirSync(join(dataDir, 'registry'));
    writeFileSync(join(dataDir, 'registry', 'registry.pid'), String(registry.pid));

    expect(await down(dataDir, docker)).toEqual({ stopped: 'leftovers', registry: true, containers: 2 });
    expect(await exited).toBe('SIGKILL');
    expect(readFileSync(join(dataDir, 'docker.log'), 'utf8').trim().split('\n')).toEqual([
      `ps --all --quiet --no-trunc --filter label=modelship.local-stack=${dataDir}`,
      'rm --force --volumes c0ffee1 c0ffee2'
    ]);
  });

  it('has nothing to do when nothing was left, with or without Docker', async () => {
    const nothing = { stopped: 'leftovers', registry: false, containers: 0 };
    expect(await down(dataDir, fakeDocker(''))).toEqual(nothing);
    expect(await down(dataDir, new DockerCli(join(bin, 'no-docker')))).toEqual(nothing);
  });

  it('says how to remove the containers when Docker fails', async () => {
    const docker = fakeDocker('echo "Cannot connect to the Docker daemon" >&2; exit 1');
    await expect(down(dataDir, docker)).rejects.toThrow(
      `Could not remove the endpoint containers the stopped local stack left behind: docker ps --all --quiet ` +
        `--no-trunc --filter label=modelship.local-stack=${dataDir} failed: Cannot connect to the Docker daemon. ` +
        `Remove them with: docker rm --force $(docker ps --all --quiet --filter 'label=modelship.local-stack=${dataDir}')`
    );
  });
});
