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

const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

// Wall and CPU time of a run of processes; the CPU counts this process's own share too (starting the
// processes), as the runner's count includes its starting the steps' processes.
function cpuTimed(run) {
  const before = childrenCpuMs();
  const ownBefore = ownCpuMs();
  const wall = timed(run);
  const after = childrenCpuMs();
  return { wall, cpu: before === undefined ? undefined : after - before + ownCpuMs() - ownBefore };
}

// The machine is shared: each figure is the best of a few runs, the one least disturbed by other work. The
// measures take turns (rounds of all of them), so a change in the machine's load touches all alike.
const REPEATS = 3;
function best(runs) {
  return {
    wall: Math.min(...runs.map((run) => run.wall)),
    cpu: runs.some((run) => run.cpu === undefined) ? undefined : Math.min(...runs.map((run) => run.cpu)),
    ...(runs[0].runnerCpu !== undefined && { runnerCpu: Math.min(...runs.map((run) => run.runnerCpu)) }),
    nodes: runs[0].nodes
  };
}

function inTurns(measures) {
  const runs = Object.fromEntries(Object.keys(measures).map((name) => [name, []]));
  for (let round = 0; round < REPEATS; round += 1) {
    for (const [name, measure] of Object.entries(measures)) runs[name].push(measure());
  }
  return Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, best(list)]));
}

function repository(steps) {
  const repo = mkdtempSync(join(tmpdir(), 'modelship-bench-runner-'));
  cpSync(join(root, 'test/fixtures/workflows/actions'), join(repo, 'actions'), { recursive: true });
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  const list = Array.from(
    { length: steps },
    () => '      - uses: ./actions/greet\n        with: { who: bench }\n'
  ).join('');
  writeFileSync(
    join(repo, '.github/workflows/steps.yml'),
    `on: push\njobs:\n  steps:\n    runs-on: x\n    steps:\n${list}`
  );
  gitRepository(repo);
  return repo;
}

// The greet action's main and post scripts run directly, `steps` times, with this process's Node (the
// action declares node20; the runner picks the same binary when its Node is 20, see the check below).
function direct(repo, steps) {
  return cpuTimed(() => {
    for (let index = 0; index < steps; index += 1) {
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
}

// `modelship run` of the workflow; also the runner process's own CPU (preloaded cpu-at-exit.mjs) and the
// Node majors the greet action reported running on.
function viaRunner(repo) {
  let result;
  const measured = cpuTimed(() => {
    result = spawnSync(
      process.execPath,
      ['--import', join(root, 'bench/cpu-at-exit.mjs'), cli, 'run', 'steps.yml', '--target', 'aws'],
      { cwd: repo, encoding: 'utf8' }
    );
  });
  if (result.status !== 0) throw new Error(`modelship run failed:\n${result.stdout}${result.stderr}`);
  const runnerCpu = Number(/cpu-ms=([\d.]+)/.exec(result.stderr)?.[1]);
  const nodes = [...new Set([...result.stdout.matchAll(/node (\d+): Hello/g)].map((match) => match[1]))];
  return { ...measured, runnerCpu, nodes };
}

function stepOverhead() {
  const many = repository(STEPS);
  const one = repository(1);
  try {
    const { start, directly, runner, runnerOne } = inTurns({
      start: () => cpuTimed(() => spawnSync(process.execPath, [cli, '--help'], { stdio: 'ignore' })),
      directly: () => direct(many, STEPS),
      runner: () => viaRunner(many),
      runnerOne: () => viaRunner(one)
    });
    const directMajor = process.versions.node.split('.')[0];
    const sameNode = runner.nodes.length === 1 && runner.nodes[0] === directMajor;
    console.log(
      `the action ran on Node ${runner.nodes.join(', ')} through modelship run, on Node ${directMajor} (${process.execPath}) directly${sameNode ? ': like for like' : ': NOT like for like, the figures below compare different Node versions'}`
    );
    console.log(
      `${STEPS} JavaScript action steps (main + post), best of ${REPEATS}: directly ${directly.wall.toFixed(0)} ms, through modelship run ${runner.wall.toFixed(0)} ms (CLI start ${start.wall.toFixed(0)} ms)`
    );
    const overhead = (measure) => (runner[measure] - start[measure] - directly[measure]) / STEPS;
    // The same workflow with 1 step: what a run costs once (loading the runner, parsing, git) and what
    // each further step adds.
    const perRun = (measure) => runnerOne[measure] - start[measure] - directly[measure] / STEPS;
    const perStep = (measure) =>
      (runner[measure] - runnerOne[measure] - (directly[measure] * (STEPS - 1)) / STEPS) / (STEPS - 1);
    const split = (measure) =>
      `${perRun(measure).toFixed(0)} ms once per run + ${perStep(measure).toFixed(1)} ms per further step`;
    console.log(
      `runner overhead per step (${STEPS} steps, its start and workflow parsing shared among them): ${overhead('wall').toFixed(1)} ms (target < 50 ms): ${split('wall')}`
    );
    if (directly.cpu !== undefined)
      console.log(
        `runner CPU per step: ${overhead('cpu').toFixed(1)} ms (target < 50 ms): ${split('cpu')}; the runner process itself ${((runner.runnerCpu - start.cpu) / STEPS).toFixed(1)} ms per step (directly ${directly.cpu.toFixed(0)} ms, through modelship run ${runner.cpu.toFixed(0)} ms of which the runner process ${runner.runnerCpu.toFixed(0)} ms, CLI start ${start.cpu.toFixed(0)} ms; CPU is steadier than wall time when the machine is busy)`
      );
  } finally {
    rmSync(many, { recursive: true, force: true });
    rmSync(one, { recursive: true, force: true });
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
