import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandGlobs } from '../../../../src/actions/smoke-test-endpoint/glob.js';

describe('globs', () => {
  it.each([
    ['smoke/*.json', 'smoke/a.json', true],
    ['smoke/*.json', 'smoke/deep/a.json', false],
    ['smoke/**/*.json', 'smoke/a.json', true],
    ['smoke/**/*.json', 'smoke/deep/er/a.json', true],
    ['smoke/**/*.{json,yaml,yml}', 'smoke/a.yml', true],
    ['smoke/**/*.{json,yaml,yml}', 'smoke/README.md', false],
    ['smoke/case-?.json', 'smoke/case-1.json', true],
    ['smoke/case-[ab].json', 'smoke/case-c.json', false],
    ['smoke/a.json', 'smoke/a+json', false]
  ])('%s matches %s: %s', (pattern, path, matches) => {
    const root = mkdtempSync(join(tmpdir(), 'smoke-glob-'));
    try {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), '{}');
      expect(expandGlobs([pattern], root)).toEqual(matches ? [path] : []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('lists matching files under the root, sorted, once each', () => {
    const root = mkdtempSync(join(tmpdir(), 'smoke-glob-'));
    try {
      mkdirSync(join(root, 'smoke', 'more'), { recursive: true });
      for (const file of [
        'smoke/b.json',
        'smoke/a.yaml',
        'smoke/more/c.json',
        'smoke/README.md',
        'other.json'
      ]) {
        writeFileSync(join(root, file), '{}');
      }
      expect(expandGlobs(['smoke/**/*.{json,yaml}', './smoke/*.json'], root)).toEqual([
        'smoke/a.yaml',
        'smoke/b.json',
        'smoke/more/c.json'
      ]);
      expect(expandGlobs(['missing/*.json'], root)).toEqual([]);
      expect(expandGlobs(['smoke/**/*.json', '!smoke/more/**'], root)).toEqual(['smoke/b.json']);
      expect(expandGlobs(['./smoke/**/*', '!./smoke/*.md', '!**/c.json'], root)).toEqual([
        'smoke/a.yaml',
        'smoke/b.json'
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
