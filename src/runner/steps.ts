import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { isMapping, isSequence } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { resolveAction } from './actions.js';
import { parseFileCommands } from './bundled-action.js';
import { CommandProcessor } from './commands.js';
import type { JobContext, StepResult } from './context.js';
import { filterPattern } from './events.js';
import {
  asString,
  evaluateCondition,
  evaluateStrings,
  evaluateToken,
  ExpressionFailure,
  isTruthy,
  sourceText,
  type Contexts,
  type Functions
} from './expressions.js';
import { compileCacheEnvironment, nodeFor } from './node-runtime.js';
import { runProcess } from './process.js';
import type { Conclusion } from './report.js';
import { runStandIn, type Execution } from './stand-ins.js';
import { literal, loadActionManifest, member } from './workflow-file.js';

/** A list of steps being run: the job's, or a composite action's (with its own steps and inputs contexts). */
export interface StepsScope {
  file: string;
  steps: Record<string, StepResult>;
  inputs: Record<string, unknown>;
  /** Composite actions' `run:` steps must name their shell; jobs' default to bash. */
  composite: boolean;
  /** The `github.action_path` of a composite action. */
  actionPath?: string;
}

/** What a step's process left in its file commands. */
interface StepFiles {
  dir: string;
  paths: Record<
    'GITHUB_OUTPUT' | 'GITHUB_ENV' | 'GITHUB_PATH' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY',
    string
  >;
}

export function contextsFor(job: JobContext, scope: StepsScope, env = job.env): Contexts {
  const run = job.run;
  return {
    github: { ...job.github, ...(scope.actionPath && { action_path: scope.actionPath }) },
    env,
    vars: run.vars,
    secrets: job.secrets,
    inputs: scope.inputs,
    needs: job.needs,
    steps: scope.steps,
    job: { status: job.status, container: {}, services: {} },
    runner: {
      os: 'Linux',
      arch: 'X64',
      name: 'modelship',
      temp: run.tempDir,
      tool_cache: join(run.tempDir, 'tool-cache')
    },
    strategy: job.strategy,
    matrix: job.matrix
  };
}

export function functionsFor(job: JobContext): Functions {
  return {
    status: () => (job.run.cancellation.cancelled ? 'cancelled' : job.status),
    hashFiles: (patterns) => hashFiles(job.run.sources.workspace, patterns)
  };
}

/** GitHub's hashFiles: the SHA-256 of the SHA-256s of the matching files (sorted by path), empty when none. */
export function hashFiles(workspace: string, patterns: string[]): string {
  const include = patterns.filter((pattern) => !pattern.startsWith('!')).map(filterPattern);
  const exclude = patterns
    .filter((pattern) => pattern.startsWith('!'))
    .map((pattern) => filterPattern(pattern.slice(1)));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === '.git') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(workspace, path));
    }
  };
  walk(workspace);
  const matched = files
    .filter(
      (file) =>
        include.some((pattern) => pattern.test(file)) && !exclude.some((pattern) => pattern.test(file))
    )
    .sort();
  if (matched.length === 0) return '';
  const outer = createHash('sha256');
  for (const file of matched)
    outer.update(
      createHash('sha256')
        .update(readFileSync(join(workspace, file)))
        .digest()
    );
  return outer.digest('hex');
}

/**
 * The file-command files of a step's process. Steps run one at a time, so every process of the run reuses one
 * set, emptied before it starts: a directory and five files per process cost more than the runner's other
 * work on a step.
 */
function stepFiles(job: JobContext): StepFiles {
  job.stepCounter += 1;
  const dir = join(job.run.tempDir, 'files');
  mkdirSync(dir, { recursive: true });
  const paths = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary')
  };
  for (const path of Object.values(paths)) writeFileSync(path, '');
  return { dir, paths };
}

/** The environment of a step's process: GitHub's variables, the job's env and the step's own. */
export function processEnvironment(
  job: JobContext,
  stepEnv: Record<string, string>,
  files: StepFiles | undefined
): Record<string, string> {
  const run = job.run;
  const github = job.github as Record<string, string>;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(run.baseEnv)) {
    if (!key.startsWith('INPUT_') && !key.startsWith('STATE_')) env[key] = value;
  }
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: run.sources.workspace,
    GITHUB_REPOSITORY: run.trigger.repository,
    GITHUB_REPOSITORY_OWNER: run.trigger.repository.split('/')[0] ?? '',
    GITHUB_SHA: run.trigger.sha,
    GITHUB_REF: run.trigger.ref,
    GITHUB_REF_NAME: run.trigger.refName,
    GITHUB_REF_TYPE: run.trigger.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_HEAD_REF: run.trigger.headRef,
    GITHUB_BASE_REF: run.trigger.baseRef,
    GITHUB_EVENT_NAME: run.trigger.eventName,
    GITHUB_EVENT_PATH: join(run.tempDir, 'event.json'),
    GITHUB_RUN_ID: run.runId,
    GITHUB_RUN_NUMBER: run.runNumber,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: github['job'] ?? '',
    GITHUB_WORKFLOW: github['workflow'] ?? '',
    GITHUB_ACTOR: github['actor'] ?? '',
    GITHUB_SERVER_URL: github['server_url'] ?? 'https://github.com',
    GITHUB_API_URL: run.apiUrl,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'modelship',
    RUNNER_TEMP: run.tempDir,
    RUNNER_TOOL_CACHE: join(run.tempDir, 'tool-cache')
  });
  if (job.secrets['GITHUB_TOKEN']) env['GITHUB_TOKEN'] = job.secrets['GITHUB_TOKEN'];
  Object.assign(env, run.credentials.stepEnvironment(job), job.env, stepEnv);
  if (job.path.length > 0) env['PATH'] = [...job.path, env['PATH'] ?? ''].join(delimiter);
  if (files) Object.assign(env, files.paths);
  return env;
}

/** Applies a finished step's file commands to the job; returns its outputs and state. */
function collectFiles(
  job: JobContext,
  files: StepFiles
): { outputs: Record<string, string>; state: Record<string, string> } {
  const read = (name: keyof StepFiles['paths']) => readFileSync(files.paths[name], 'utf8');
  Object.assign(job.env, parseFileCommands(read('GITHUB_ENV')));
  const added = read('GITHUB_PATH')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  job.path.unshift(...added.reverse());
  const summary = read('GITHUB_STEP_SUMMARY');
  if (summary.trim() !== '') job.summary.push(job.run.masker.mask(summary));
  return {
    outputs: parseFileCommands(read('GITHUB_OUTPUT')),
    state: parseFileCommands(read('GITHUB_STATE'))
  };
}

type Sink = ReturnType<JobContext['run']['report']['step']>['sink'];

/** Runs one process of a step with its output going through the workflow-command processor. */
async function execute(
  job: JobContext,
  sink: Sink,
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number | undefined
): Promise<{ exitCode: number; timedOut: boolean; commands: CommandProcessor }> {
  const commands = new CommandProcessor(job.run.masker, sink);
  const result = await runProcess(command, args, {
    env,
    cwd,
    timeoutMs,
    cancellation: job.run.cancellation,
    onOutput: (text) => commands.write(text)
  });
  commands.end();
  return { ...result, commands };
}

const SHELLS: Record<string, string[]> = {
  bash: ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'],
  sh: ['sh', '-e', '{0}'],
  python: ['python3', '{0}']
};

function shellCommand(shell: string): string[] {
  const known = SHELLS[shell];
  if (known) return known;
  if (shell.includes('{0}')) return shell.split(/\s+/).filter(Boolean);
  return [shell, '{0}'];
}

async function runScript(
  job: JobContext,
  scope: StepsScope,
  step: MappingToken,
  contexts: Contexts,
  stepEnv: Record<string, string>,
  sink: Sink,
  timeoutMs: number | undefined
): Promise<Execution> {
  const functions = functionsFor(job);
  const script = asString(
    evaluateToken(scope.file, member(step, 'run') as TemplateToken, contexts, functions)
  );
  const shellToken = member(step, 'shell');
  const shell = shellToken
    ? asString(evaluateToken(scope.file, shellToken, contexts, functions))
    : job.defaults.shell;
  if (shell === undefined && scope.composite)
    throw new Error(`${scope.file}: a run step of a composite action must set 'shell'.`);
  const directoryToken = member(step, 'working-directory');
  const directory = directoryToken
    ? asString(evaluateToken(scope.file, directoryToken, contexts, functions))
    : scope.composite
      ? undefined
      : job.defaults.workingDirectory;
  const cwd = resolve(job.run.sources.workspace, directory ?? '.');
  const files = stepFiles(job);
  const scriptPath = join(files.dir, `script-${job.stepCounter}.${shell === 'python' ? 'py' : 'sh'}`);
  writeFileSync(scriptPath, script);
  const [command, ...args] = shellCommand(shell ?? 'bash').map((part) => part.replace('{0}', scriptPath));
  const env = processEnvironment(job, stepEnv, files);
  const result = await execute(job, sink, command as string, args, env, cwd, timeoutMs);
  const collected = collectFiles(job, files);
  const outputs = { ...result.commands.effects.outputs, ...collected.outputs };
  if (result.timedOut)
    return { outcome: 'failure', outputs, note: `timed out after ${timeoutMs! / 60_000} min` };
  if (result.exitCode !== 0) {
    sink.annotation({
      level: 'error',
      message: `Process completed with exit code ${result.exitCode}.`,
      where: ''
    });
    return { outcome: 'failure', outputs };
  }
  return { outcome: 'success', outputs };
}

/** The action's inputs: `with:` values over action.yml defaults (which may use expressions). */
function actionInputs(
  job: JobContext,
  manifest: MappingToken,
  manifestFile: string,
  given: Record<string, string>,
  contexts: Contexts,
  sink: Sink
): Record<string, string> {
  const inputs: Record<string, string> = {};
  const declared = member(manifest, 'inputs');
  const names = new Set<string>();
  if (declared && isMapping(declared)) {
    for (const pair of declared) {
      const name = String(pair.key.toString());
      names.add(name.toLowerCase());
      const fallback = member(pair.value, 'default');
      if (fallback)
        inputs[name] = asString(evaluateToken(manifestFile, fallback, contexts, functionsFor(job)));
    }
  }
  const unexpected = Object.keys(given).filter((name) => !names.has(name.toLowerCase()));
  if (unexpected.length > 0)
    sink.annotation({
      level: 'warning',
      message: `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${[...names].join("', '")}']`,
      where: ''
    });
  return { ...inputs, ...given };
}

const inputVariables = (inputs: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
  );

async function runNodeScript(
  job: JobContext,
  actionDir: string,
  using: string,
  script: string,
  env: Record<string, string>,
  sink: Sink,
  timeoutMs: number | undefined
): Promise<{
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  state: Record<string, string>;
  note?: string;
}> {
  const node = nodeFor(using, job.run.sources.packageRoot, (text) => sink.line(text));
  const files = stepFiles(job);
  const result = await execute(
    job,
    sink,
    node,
    [join(actionDir, script)],
    { ...compileCacheEnvironment(env), ...env, ...files.paths },
    job.run.sources.workspace,
    timeoutMs
  );
  const collected = collectFiles(job, files);
  const outputs = { ...result.commands.effects.outputs, ...collected.outputs };
  const state = { ...result.commands.effects.state, ...collected.state };
  if (result.timedOut)
    return { outcome: 'failure', outputs, state, note: `timed out after ${timeoutMs! / 60_000} min` };
  return { outcome: result.exitCode === 0 ? 'success' : 'failure', outputs, state };
}

async function runAction(
  job: JobContext,
  scope: StepsScope,
  step: MappingToken,
  uses: string,
  contexts: Contexts,
  stepEnv: Record<string, string>,
  sink: Sink,
  timeoutMs: number | undefined
): Promise<Execution> {
  const functions = functionsFor(job);
  const given = evaluateStrings(scope.file, member(step, 'with'), contexts, functions);
  const resolved = resolveAction(uses, job.run.sources);
  if (resolved.kind === 'stand-in') return runStandIn(resolved.name, job, given, sink);
  const manifestFile = ['action.yml', 'action.yaml']
    .map((name) => join(resolved.dir, name))
    .find((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    }) as string;
  const manifest = loadActionManifest(manifestFile);
  const runs = member(manifest, 'runs');
  const using = literal(runs, 'using') ?? '';
  const inputs = actionInputs(job, manifest, manifestFile, given, contexts, sink);
  if (using === 'composite') return runComposite(job, resolved.dir, manifest, manifestFile, inputs, sink);
  if (!using.startsWith('node'))
    throw new Error(
      `${uses}: actions that run with '${using}' are not supported by modelship run (JavaScript and composite are).`
    );
  const env = { ...processEnvironment(job, stepEnv, undefined), ...inputVariables(inputs) };
  const pre = literal(runs, 'pre');
  if (pre && evaluateCondition(manifestFile, member(runs, 'pre-if'), contexts, functions, 'always()')) {
    const result = await runNodeScript(job, resolved.dir, using, pre, env, sink, timeoutMs);
    if (result.outcome === 'failure') return { outcome: 'failure', outputs: {}, note: 'pre step failed' };
  }
  const main = await runNodeScript(
    job,
    resolved.dir,
    using,
    literal(runs, 'main') ?? '',
    env,
    sink,
    timeoutMs
  );
  const post = literal(runs, 'post');
  if (post) {
    const name = uses;
    job.posts.unshift(async () => {
      const postContexts = contextsFor(job, scope);
      if (
        !evaluateCondition(manifestFile, member(runs, 'post-if'), postContexts, functionsFor(job), 'always()')
      )
        return;
      const { sink: postSink, end } = job.run.report.step(`Post ${name}`);
      const stateEnv = Object.fromEntries(
        Object.entries(main.state).map(([key, value]) => [`STATE_${key}`, value])
      );
      const result = await runNodeScript(
        job,
        resolved.dir,
        using,
        post,
        { ...env, ...stateEnv },
        postSink,
        undefined
      );
      end(result.outcome);
      if (result.outcome === 'failure') job.status = 'failure';
    });
  }
  return main.note ? { outcome: main.outcome, outputs: main.outputs, note: main.note } : main;
}

async function runComposite(
  job: JobContext,
  dir: string,
  manifest: MappingToken,
  manifestFile: string,
  inputs: Record<string, string>,
  sink: Sink
): Promise<Execution> {
  const scope: StepsScope = { file: manifestFile, steps: {}, inputs, composite: true, actionPath: dir };
  const statusBefore = job.status;
  job.status = 'success';
  const steps = member(member(manifest, 'runs'), 'steps');
  sink.line(`(composite action ${dirname(manifestFile)})`);
  await runSteps(job, scope, steps);
  const failed = job.status !== 'success';
  job.status = statusBefore;
  const outputs: Record<string, string> = {};
  const declared = member(manifest, 'outputs');
  if (declared && isMapping(declared)) {
    for (const pair of declared) {
      const value = member(pair.value, 'value');
      if (value)
        outputs[String(pair.key.toString())] = asString(
          evaluateToken(manifestFile, value, contextsFor(job, scope), functionsFor(job))
        );
    }
  }
  return { outcome: failed ? 'failure' : 'success', outputs };
}

function displayName(job: JobContext, scope: StepsScope, step: MappingToken, contexts: Contexts): string {
  const name = member(step, 'name');
  if (name) {
    try {
      return asString(evaluateToken(scope.file, name, contexts, functionsFor(job)));
    } catch {
      return sourceText(name);
    }
  }
  const uses = literal(step, 'uses');
  if (uses) return `Run ${uses}`;
  const run = member(step, 'run');
  const firstLine = (run ? sourceText(run) : '').trim().split('\n')[0] ?? '';
  return `Run ${firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine}`;
}

/** Runs a list of steps (a job's or a composite action's), as the runner does: in order, with `if:` checks. */
export async function runSteps(
  job: JobContext,
  scope: StepsScope,
  steps: TemplateToken | undefined
): Promise<void> {
  if (steps === undefined || !isSequence(steps)) return;
  let index = 0;
  for (const token of steps) {
    index += 1;
    if (!isMapping(token)) continue;
    await runStep(job, scope, token, literal(token, 'id') ?? `__step${index}`);
  }
}

async function runStep(job: JobContext, scope: StepsScope, step: MappingToken, id: string): Promise<void> {
  const report = job.run.report;
  const functions = functionsFor(job);
  let contexts = contextsFor(job, scope);
  const name = displayName(job, scope, step, contexts);
  const record = (outcome: Conclusion, conclusion: Conclusion, outputs: Record<string, string>) => {
    scope.steps[id] = { outcome, conclusion, outputs };
  };
  let runIt: boolean;
  try {
    runIt = evaluateCondition(scope.file, member(step, 'if'), contexts, functions);
  } catch (error) {
    const { sink, end } = report.step(name);
    sink.annotation({ level: 'error', message: (error as Error).message, where: '' });
    end('failure');
    record('failure', 'failure', {});
    job.status = 'failure';
    return;
  }
  if (!runIt) {
    report.stepSkipped(name);
    record('skipped', 'skipped', {});
    return;
  }
  const { sink, end } = report.step(name);
  let execution: Execution;
  let continueOnError = false;
  try {
    const stepEnv = evaluateStrings(scope.file, member(step, 'env'), contexts, functions);
    contexts = contextsFor(job, scope, { ...job.env, ...stepEnv });
    const continueToken = member(step, 'continue-on-error');
    continueOnError = continueToken
      ? isTruthy(evaluateToken(scope.file, continueToken, contexts, functions))
      : false;
    const timeoutToken = member(step, 'timeout-minutes');
    const minutes = timeoutToken
      ? Number(evaluateToken(scope.file, timeoutToken, contexts, functions))
      : undefined;
    const timeoutMs = minutes !== undefined && Number.isFinite(minutes) ? minutes * 60_000 : undefined;
    const uses = literal(step, 'uses');
    execution = uses
      ? await runAction(job, scope, step, uses, contexts, stepEnv, sink, timeoutMs)
      : await runScript(job, scope, step, contexts, stepEnv, sink, timeoutMs);
  } catch (error) {
    const message =
      error instanceof ExpressionFailure || error instanceof Error ? error.message : String(error);
    sink.annotation({ level: 'error', message: job.run.masker.mask(message), where: '' });
    execution = { outcome: 'failure', outputs: {} };
  }
  if (job.run.cancellation.cancelled) {
    end('cancelled');
    record('cancelled', 'cancelled', execution.outputs);
    job.status = 'cancelled';
    return;
  }
  const conclusion = execution.outcome === 'failure' && continueOnError ? 'success' : execution.outcome;
  end(
    execution.outcome,
    [execution.note, conclusion !== execution.outcome ? 'continue-on-error' : undefined]
      .filter(Boolean)
      .join(', ') || undefined
  );
  record(execution.outcome, conclusion, execution.outputs);
  if (conclusion === 'failure') job.status = 'failure';
}
