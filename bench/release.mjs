// The release on the local stack: wall time of the starter repository's push-to-main workflow from a
// fresh repository to production (build, image test, push, register, staging, approval, production), and
// of the same push again when nothing changed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/index.js');

function modelship(repo, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`modelship ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function benchRelease() {
  const repo = mkdtempSync(join(tmpdir(), 'modelship-bench-release-'));
  try {
    cpSync(join(root, 'action-templates/model-repo'), repo, { recursive: true });
    const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://github.com/acme/diabetes-model.git');
    git('add', '.');
    git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'bench');
    modelship(repo, ['local', 'up', '--port', '0', '--registry-port', '0']);
    const release = ['run', 'deploy.yml', '--approve', 'production'];
    const first = modelship(repo, release);
    console.log(
      `push to main → production (build, image test, staging, approval, production): ${first.toFixed(1)} s`
    );
    const again = modelship(repo, release);
    console.log(`the same push again, nothing changed: ${again.toFixed(1)} s`);
  } finally {
    spawnSync(process.execPath, [cli, 'local', 'down'], { cwd: repo, stdio: 'ignore' });
    rmSync(repo, { recursive: true, force: true });
  }
}
