import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateDocuments, StateStore } from '../../../src/local-stack/state.js';

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

  it('resets in place: live documents emptied to their initial value, unused ones removed, kept ones kept', () => {
    const before = new StateStore(dataDir);
    for (const name of ['live', 'unused', 'kept']) {
      before.document(name, () => ({ items: ['old'] }));
      before.save(name);
    }
    const store = new StateStore(dataDir);
    const live = store.document('live', () => ({ items: [] as string[] }));
    store.document('kept', () => ({ items: [] as string[] }));
    store.reset(['kept']);
    expect(live).toEqual({ items: [] });
    expect(readdirSync(join(dataDir, 'state')).sort()).toEqual(['kept.json', 'live.json']);
    expect(new StateStore(dataDir).document('kept', () => ({ items: [] }))).toEqual({ items: ['old'] });
    expect(store.document('unused', () => ({ items: ['new'] }))).toEqual({ items: ['new'] });
  });

  it('refuses a damaged document instead of overwriting it with an empty one', () => {
    new StateStore(dataDir);
    writeFileSync(join(dataDir, 'state', 'ecr.json'), '{"repositories": {');
    expect(() => new StateStore(dataDir).document('ecr', () => ({}))).toThrow(
      `The local stack's state file ${join(dataDir, 'state', 'ecr.json')} is not valid JSON`
    );
  });

  it('refuses to open on any corrupt document, naming every one and how to go on', () => {
    const store = new StateStore(dataDir);
    store.document('ecr', () => ({ repositories: {} }));
    store.save('ecr');
    const state = join(dataDir, 'state');
    writeFileSync(join(state, 'sagemaker-hosting.json'), '{"models": {"us-east-1": {"a"');
    writeFileSync(join(state, 'cloudformation.json'), '[]');
    let message = '';
    try {
      new StateStore(dataDir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      `The local stack's state file ${join(state, 'cloudformation.json')} does not hold a JSON object.`,
      expect.stringMatching(
        new RegExp(
          `^The local stack's state file ${join(state, 'sagemaker-hosting.json')} is not valid JSON \\(.+\\)\\.$`
        )
      ),
      expect.stringContaining(
        'The local stack was not started. Restore the file from a backup, or move it away'
      ),
      `  mv '${join(state, 'cloudformation.json')}' '${join(state, 'cloudformation.json')}.corrupt'`,
      `  mv '${join(state, 'sagemaker-hosting.json')}' '${join(state, 'sagemaker-hosting.json')}.corrupt'`
    ]);
    expect(() => readStateDocuments(dataDir)).toThrow(message);
  });

  it('writes through a temporary file and drops one a crash left behind, keeping the document whole', () => {
    const store = new StateStore(dataDir);
    store.document('things', () => ({ names: ['a'] }));
    store.save('things');
    const state = join(dataDir, 'state');
    expect(readdirSync(state)).toEqual(['things.json']);
    writeFileSync(join(state, '.things.json.4242.tmp'), '{"names": ["a", "b"');
    expect(new StateStore(dataDir).document('things', () => ({ names: [] as string[] }))).toEqual({
      names: ['a']
    });
    expect(readdirSync(state)).toEqual(['things.json']);
    expect(JSON.parse(readFileSync(join(state, 'things.json'), 'utf8'))).toEqual({ names: ['a'] });
  });
});
