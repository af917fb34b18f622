import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../../../src/local-stack/state.js';

describe('StateStore', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-state-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts a document from its initial value and reads it back, dates included, after a restart', () => {
    const first = new StateStore(dataDir);
    first
      .document('things', () => ({ at: new Date('2026-01-02T03:04:05.678Z'), names: ['a'] }))
      .names.push('b');
    first.save('things');
    const reloaded = new StateStore(dataDir).document('things', () => ({
      at: new Date(0),
      names: [] as string[]
    }));
    expect(reloaded).toEqual({ at: new Date('2026-01-02T03:04:05.678Z'), names: ['a', 'b'] });
  });

  it('refuses a damaged document instead of overwriting it with an empty one', () => {
    new StateStore(dataDir);
    writeFileSync(join(dataDir, 'state', 'ecr.json'), '{"repositories": {');
    expect(() => new StateStore(dataDir).document('ecr', () => ({}))).toThrow(
      `The local stack's state file ${join(dataDir, 'state', 'ecr.json')} is not valid JSON`
    );
  });
});
