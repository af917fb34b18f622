import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
