import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CASE_FORMAT_URL } from '../../src/actions/smoke-test-endpoint/cases.js';
import { PROJECT_ROOT } from '../helpers/action-runner.js';

// The README's action tables are generated from action.yml; these tests keep them from drifting apart.
const { renderTables, updateReadme } = (await import(join(PROJECT_ROOT, 'scripts/readme-tables.mjs'))) as {
  renderTables: (metadata: unknown) => string;
  updateReadme: (readme: string, actionsDir: string) => { updated: string; missing: string[] };
};

describe('README action tables', () => {
  it('match every actions/<name>/action.yml', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/readme-tables.mjs', '--check'], {
        cwd: PROJECT_ROOT,
        stdio: 'pipe'
      })
    ).not.toThrow();
  });

  it('render inputs with required flag and default, and outputs', () => {
    const table = renderTables({
      inputs: { tags: { description: 'Tags,\none per line', required: false, default: 'latest' } },
      outputs: { digest: { description: 'Manifest | digest' } }
    });
    expect(table).toContain('| `tags` | no | `latest` | Tags, one per line |');
    expect(table).toContain('| `digest` | Manifest \\| digest |');
  });

  it('report an action whose section has no table markers', () => {
    const actions = mkdtempSync(join(tmpdir(), 'actions-'));
    mkdirSync(join(actions, 'x'));
    writeFileSync(join(actions, 'x', 'action.yml'), 'inputs: {}\n');
    expect(updateReadme('# no markers', actions).missing).toEqual(['x']);
  });
});

describe('documentation links', () => {
  const pages = [
    'README.md',
    'CONTRIBUTING.md',
    'action-templates/model-repo/README.md',
    'action-templates/model-repo/smoke/README.md',
    ...readdirSync(join(PROJECT_ROOT, 'docs')).map((file) => `docs/${file}`)
  ];

  it.each(pages)('%s links only to files that exist', (page) => {
    const text = readFileSync(join(PROJECT_ROOT, page), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match[1] as string)
      .filter((target) => !/^[a-z]+:/.test(target));
    for (const target of targets)
      expect([page, target, existsSync(join(PROJECT_ROOT, dirname(page), target))]).toEqual([
        page,
        target,
        true
      ]);
  });

  it("point case file mistakes at this repository's smoke-test-endpoint.md", () => {
    const path = /^https:\/\/github\.com\/modelship\/modelship\/blob\/[^/]+\/(.+)$/.exec(
      CASE_FORMAT_URL
    )?.[1];
    expect(path).toBe('docs/smoke-test-endpoint.md');
    const action = readFileSync(join(PROJECT_ROOT, 'actions/smoke-test-endpoint/action.yml'), 'utf8');
    const starter = readFileSync(join(PROJECT_ROOT, 'action-templates/model-repo/smoke/README.md'), 'utf8');
    expect(action).toContain(CASE_FORMAT_URL);
    expect(starter).toContain(CASE_FORMAT_URL);
  });
});
