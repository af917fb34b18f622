// modelship run: the runner's overhead per step over running an action's script directly (target under
// 50 ms), and the wall time of the starter repository's push-to-main workflow when nothing changed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/index.js');
const STEPS = 20;

function gitRepository(dir) {
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'bench');
}

function timed(run) {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

// CPU time (ms) of this process's finished children, from /proc (Linux): unlike wall time, it does not grow
// when other work shares the machine's cores.
const ticksPerSecond = process.platform === 'linux' ? Number(execFileSync('getconf', ['CLK_TCK'])) : 0;
function childrenCpuMs() {
  if (!ticksPerSecond) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
}

function cpuTimed(run) {
  const before = childrenCpuMs();
  const wall = timed(run);
  const after = childrenCpuMs();
  return { wall, cpu: before === undefined ? undefined : after - before };
}

function stepOverhead() {
  const repo = mkdtempSync(join(tmpdir(), 'modelship-bench-runner-'));
  try {
    cpSync(join(root, 'test/fixtures/workflows/actions'), join(repo, 'actions'), { recursive: true });
    mkdirSync(join(repo, '.github/workflows'), { recursive: true });
    const steps = Array.from(
      { length: STEPS },
      () => '      - uses: ./actions/greet\n        with: { who: bench }\n'
    ).join('');
    writeFileSync(
      join(repo, '.github/workflows/steps.yml'),
      `on: push\njobs:\n  steps:\n    runs-on: x\n    steps:\n${steps}`
    );
    gitRepository(repo);
    const direct = cpuTimed(() => {
      for (let index = 0; index < STEPS; index += 1) {
        const output = join(repo, 'out');
        writeFileSync(output, '');
        const env = {
          ...process.env,
          INPUT_WHO: 'bench',
          INPUT_PUNCTUATION: '!',
          GITHUB_OUTPUT: output,
          GITHUB_STATE: output,
          GITHUB_STEP_SUMMARY: output
        };
        spawnSync(process.execPath, [join(repo, 'actions/greet/main.mjs')], { env, stdio: 'ignore' });
        spawnSync(process.execPath, [join(repo, 'actions/greet/post.mjs')], { env, stdio: 'ignore' });
      }
    });
    const start = cpuTimed(() => spawnSync(process.execPath, [cli, '--help'], { stdio: 'ignore' }));
    const viaRunner = cpuTimed(() => {
      const result = spawnSync(process.execPath, [cli, 'run', 'steps.yml', '--target', 'aws'], {
        cwd: repo,
        encoding: 'utf8'
      });
      if (result.status !== 0) throw new Error(`modelship run failed:\n${result.stdout}${result.stderr}`);
    });
    const perStep = (measure) => (viaRunner[measure] - start[measure] - direct[measure]) / STEPS;
    console.log(
      `${STEPS} JavaScript action steps (main + post): directly ${direct.wall.toFixed(0)} ms, through modelship run ${viaRunner.wall.toFixed(0)} ms (CLI start ${start.wall.toFixed(0)} ms)`
    );
    console.log(`runner overhead per step: ${perStep('wall').toFixed(1)} ms (target < 50 ms)`);
    if (direct.cpu !== undefined)
      console.log(
        `runner CPU per step: ${perStep('cpu').toFixed(1)} ms (directly ${direct.cpu.toFixed(0)} ms, through modelship run ${viaRunner.cpu.toFixed(0)} ms, CLI start ${start.cpu.toFixed(0)} ms; steady when the machine is busy)`
      );
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

function starterNoChange() {
  const demo = join(root, 'dist/demo/index.js');
  const first = spawnSync(process.execPath, [demo], { encoding: 'utf8' });
  if (first.status !== 0) throw new Error(`npm run demo failed:\n${first.stdout}${first.stderr}`);
  const wall = timed(() => {
    const again = spawnSync(process.execPath, [demo], { encoding: 'utf8' });
    if (again.status !== 0) throw new Error(`npm run demo (again) failed:\n${again.stdout}${again.stderr}`);
  });
  console.log(
    `starter push-to-main workflow, nothing changed (npm run demo again): ${(wall / 1000).toFixed(1)} s (target < 10 s)`
  );
}

export async function benchRunner() {
  stepOverhead();
  if (process.env.MODELSHIP_BENCH_SKIP_STARTER)
    console.log('starter workflow: skipped (MODELSHIP_BENCH_SKIP_STARTER)');
  else starterNoChange();
}
