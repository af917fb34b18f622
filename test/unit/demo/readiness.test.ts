import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupHint } from '../../../src/demo/readiness.js';

/** The demo's advice after a failed run, with `docker` played by small scripts. */
describe('the demo’s set-up hint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelship-demo-hint-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function docker(body: string): string {
    const script = join(dir, 'docker');
    writeFileSync(script, `#!/bin/sh\n${body}\n`);
    chmodSync(script, 0o755);
    return script;
  }

  it('says nothing when Docker answers and has the base image: the run’s own error stands', () => {
    expect(
      setupHint(docker('[ "$4 $5" = "{{.Id}} debian:bookworm-slim" ] && echo sha256:abc'))
    ).toBeUndefined();
  });

  it('names a missing base image', () => {
    const hint = setupHint(docker('echo "Error: No such image: debian:bookworm-slim" >&2; exit 1'));
    expect(hint).toBe(
      'Docker has no debian:bookworm-slim image: run `npm run setup`, then `npm run demo` again.'
    );
  });

  it('names a Docker that does not answer, with its first line', () => {
    const hint = setupHint(
      docker(
        'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2; echo more >&2; exit 1'
      )
    );
    expect(hint).toBe(
      'Docker does not answer (Cannot connect to the Docker daemon at unix:///var/run/docker.sock.): ' +
        'run `npm run setup`, then `npm run demo` again.'
    );
  });

  it('names a missing docker command', () => {
    expect(setupHint(join(dir, 'no-docker-here'))).toMatch(
      /^Docker does not answer \(.*ENOENT.*\): run `npm run setup`/
    );
  });
});
