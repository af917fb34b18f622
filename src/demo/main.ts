import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setupHint } from './readiness.js';

// The bundle runs as dist/demo/index.js, so the project root and the CLI bundle are found from it
// (process.argv[1], not import.meta.url, which the bundler rewrites).
const projectRoot = resolve(dirname(process.argv[1] ?? '.'), '..', '..');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * `npm run demo`: `modelship run` of the starter model repository's push-to-main workflow (the release,
 * approved for production), as a user's repository would run it, on a copy of
 * action-templates/model-repo (a git repository under
 * .local-stack/demo, kept between runs so a re-run finds its local stack and changes nothing). Leaves the
 * endpoint serving; `node dist/cli/index.js local down --data-dir .local-stack/demo/model-repo/.local-stack`
 * stops it.
 */
export function runDemo(): number {
  const repo = join(projectRoot, '.local-stack', 'demo', 'model-repo');
  const fresh = !existsSync(join(repo, '.git'));
  mkdirSync(repo, { recursive: true });
  cpSync(join(projectRoot, 'action-templates', 'model-repo'), repo, { recursive: true });
  if (fresh) {
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'remote', 'add', 'origin', 'https://github.com/modelship/starter-model.git');
  }
  git(repo, 'add', '-A');
  if (git(repo, 'status', '--porcelain') !== '') {
    git(
      repo,
      '-c',
      'user.name=modelship demo',
      '-c',
      'user.email=demo@modelship.invalid',
      'commit',
      '-qm',
      'Starter model'
    );
  }
  console.log(`Starter model repository: ${repo}`);
  const run = spawnSync(
    process.execPath,
    // The demo plays the reviewer too: the release waits for the production environment's approval.
    [join(projectRoot, 'dist', 'cli', 'index.js'), 'run', 'deploy.yml', '--approve', 'production'],
    {
      cwd: repo,
      stdio: 'inherit'
    }
  );
  if (run.status !== 0) {
    const hint = setupHint();
    if (hint !== undefined) console.error(`\n${hint}`);
    return run.status ?? 1;
  }
  // The workflow deploys with roles of account 123456789012 (deploy.yml); on the local stack a 12-digit
  // access key id acts as that account, where the endpoint lives.
  console.log("\nTry the endpoint (it lives in the account of the workflow's roles, 123456789012):");
  console.log(`  eval "$(node dist/cli/index.js local env --data-dir ${join(repo, '.local-stack')})"`);
  console.log(
    '  AWS_ACCESS_KEY_ID=123456789012 aws sagemaker-runtime invoke-endpoint --endpoint-name diabetes-model-prod \\\n' +
      "    --content-type text/csv --body '0.038,0.051,0.062,0.022,-0.044,-0.035,-0.043,-0.003,0.02,-0.018' /dev/stdout"
  );
  return 0;
}
