import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Masker } from './commands.js';
import type { RunContext } from './context.js';
import { describeTrigger, triggerMismatch, type EventName, type Payload } from './events.js';
import { asString, type Functions } from './expressions.js';
import { githubContext, holdConcurrency, runJobs, type JobResult } from './jobs.js';
import { Cancellation } from './process.js';
import { seconds } from './duration.js';
import type { Terminal } from './progress.js';
import { Report } from './report.js';
import { isForkPullRequest, type CredentialsProvider } from './stand-ins.js';
import { hashFiles } from './steps.js';
import { protectedEnvironments } from './environments.js';
import { loadWorkflow, member, readWorkflowText } from './workflow-file.js';

export interface RunOptions {
  workflow: string;
  workspace: string;
  packageRoot: string;
  event: EventName;
  payloadFile?: string | undefined;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  approvals: string[];
  protect: string[];
  job?: string | undefined;
  actionDirs: Record<string, string>;
  /** The target's variables for every step (AWS endpoint, region, credentials), over this process's. */
  targetEnv: Record<string, string>;
  credentials: CredentialsProvider;
  /** Run numbers, logs, summaries and concurrency locks of this repository's runs. */
  stateDir: string;
  print: (text: string) => void;
  /** stdout when it is a terminal: the running step's progress is drawn on it (else plain lines). */
  terminal?: Terminal | undefined;
}

/** Exit codes: the workflow succeeded, failed, or stopped at a job waiting for an environment's approval. */
export const EXIT = { success: 0, failure: 1, waiting: 3 } as const;

function readPayload(path: string | undefined): Payload {
  if (path === undefined) return {};
  const text = readWorkflowText(path, 'event payload');
  try {
    return JSON.parse(text) as Payload;
  } catch (error) {
    throw new Error(`The event payload ${path} is not JSON: ${(error as Error).message}`);
  }
}

function nextRunNumber(stateDir: string): string {
  const path = join(stateDir, 'run-number');
  const next = (existsSync(path) ? Number(readFileSync(path, 'utf8')) || 0 : 0) + 1;
  writeFileSync(path, String(next));
  return String(next);
}

/** The workflow_dispatch inputs from --input, checked against the workflow's definitions and typed. */
function dispatchInputs(
  definitions: Record<string, { type?: string; required?: boolean; default?: unknown; options?: string[] }>,
  given: Record<string, string>,
  file: string
): Record<string, unknown> {
  const unknown = Object.keys(given).filter((name) => !(name in definitions));
  if (unknown.length > 0)
    throw new Error(
      `${file} has no input(s) ${unknown.join(', ')} (inputs: ${Object.keys(definitions).join(', ') || 'none'}).`
    );
  const inputs: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const value =
      given[name] ?? (definition.default === undefined ? undefined : asString(definition.default));
    if (value === undefined && definition.required)
      throw new Error(`${file} requires the input '${name}': --input ${name}=VALUE`);
    if (
      definition.type === 'choice' &&
      value !== undefined &&
      definition.options &&
      !definition.options.includes(value)
    )
      throw new Error(`Input '${name}' must be one of ${definition.options.join(', ')}, not '${value}'.`);
    inputs[name] =
      definition.type === 'boolean'
        ? value === 'true'
        : definition.type === 'number'
          ? Number(value)
          : (value ?? '');
  }
  return inputs;
}

/** `modelship run`: runs a workflow file the way GitHub's runner would; returns the exit code. */
export async function runWorkflow(options: RunOptions): Promise<number> {
  const started = Date.now();
  const display = relative(options.workspace, options.workflow) || options.workflow;
  const workflow = await loadWorkflow(options.workflow, display);
  const trigger = describeTrigger(
    options.event,
    readPayload(options.payloadFile),
    options.workspace,
    process.env
  );
  const mismatch = triggerMismatch(workflow.template.events, trigger);
  if (mismatch) {
    options.print(`${display} does not run for this ${options.event} event: ${mismatch}. Nothing to do.`);
    return EXIT.success;
  }
  mkdirSync(options.stateDir, { recursive: true });
  const runNumber = nextRunNumber(options.stateDir);
  const runId = `${Date.now()}${process.pid % 1000}`;
  const runDir = join(options.stateDir, runId);
  mkdirSync(runDir, { recursive: true });
  const tempDir = mkdtempSync(join(tmpdir(), 'modelship-run-'));
  writeFileSync(join(tempDir, 'event.json'), JSON.stringify(trigger.payload, null, 2));
  const masker = new Masker();
  const secrets = isForkPullRequest(trigger)
    ? Object.fromEntries(Object.entries(options.secrets).filter(([name]) => name === 'GITHUB_TOKEN'))
    : { ...options.secrets };
  for (const value of Object.values(options.secrets)) masker.add(value);
  const report = new Report(
    (text) => options.print(text),
    join(runDir, 'log.txt'),
    Boolean(options.secrets['ACTIONS_STEP_DEBUG']),
    options.terminal
  );
  const cancellation = new Cancellation();
  const run: RunContext = {
    sources: {
      packageRoot: options.packageRoot,
      workspace: options.workspace,
      actionDirs: options.actionDirs
    },
    trigger,
    masker,
    report,
    cancellation,
    baseEnv: Object.fromEntries(
      Object.entries({ ...process.env, ...options.targetEnv }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined
      )
    ),
    vars: options.vars,
    runId,
    runNumber,
    tempDir,
    lockDir: join(options.stateDir, 'locks'),
    credentials: options.credentials,
    protectedEnvironments: new Set([...protectedEnvironments(options.workspace), ...options.protect]),
    approvals: new Set(options.approvals),
    summaries: [],
    apiUrl: process.env['GITHUB_API_URL'] ?? 'https://api.github.com',
    debug: Boolean(options.secrets['ACTIONS_STEP_DEBUG'])
  };
  const onSignal = () => {
    report.note('Cancelling the run (signal received)…');
    cancellation.cancel();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  report.note(
    `Run ${runNumber} of ${display} (${trigger.eventName} ${trigger.ref} @ ${trigger.sha.slice(0, 12)}, ${trigger.repository})`
  );
  if (isForkPullRequest(trigger))
    report.note('Pull request from a fork: secrets and OIDC tokens are withheld, as on GitHub.');
  let results: Record<string, JobResult> = {};
  try {
    const dispatch = workflow.template.events.workflow_dispatch?.inputs ?? {};
    const inputs =
      trigger.eventName === 'workflow_dispatch' ? dispatchInputs(dispatch, options.inputs, display) : {};
    const functions: Functions = {
      status: () => (cancellation.cancelled ? 'cancelled' : 'success'),
      hashFiles: (patterns: string[]) => hashFiles(options.workspace, patterns)
    };
    const call = { workflow, inputs, secrets, namePrefix: '', idToken: false, onlyJob: options.job };
    const github = githubContext(run, call, '', secrets['GITHUB_TOKEN'] ?? '');
    const concurrency = member(workflow.root, 'concurrency');
    const release = await holdConcurrency(
      run,
      display,
      concurrency,
      { github, inputs, vars: options.vars },
      functions
    );
    try {
      results = await runJobs(run, call);
    } finally {
      release();
    }
  } catch (error) {
    report.close();
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(tempDir, { recursive: true, force: true });
  }
  const failed = Object.values(results).some(
    (result) => result.result === 'failure' || result.result === 'cancelled'
  );
  if (run.summaries.length > 0) {
    const summaryFile = join(runDir, 'summary.md');
    writeFileSync(
      summaryFile,
      run.summaries.map(({ job, markdown }) => `# ${job}\n\n${markdown}\n`).join('\n')
    );
    report.note(`\n── Job summaries (${summaryFile}) ──\n${readFileSync(summaryFile, 'utf8')}`);
  }
  const outcome = run.waiting ? 'waiting for approval' : failed ? 'failure' : 'success';
  report.note(
    `\nRun ${runNumber}: ${outcome} in ${seconds(Date.now() - started)}. Log: ${join(runDir, 'log.txt')}`
  );
  report.close();
  return run.waiting ? EXIT.waiting : failed ? EXIT.failure : EXIT.success;
}
