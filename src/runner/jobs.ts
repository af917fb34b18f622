import { isLiteral, isMapping } from '@actions/workflow-parser';
import type { WorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { resolveWorkflow } from './actions.js';
import { acquireGroup } from './concurrency.js';
import type { JobContext, RunContext } from './context.js';
import {
  asString,
  evaluateCondition,
  evaluateStrings,
  evaluateToken,
  ExpressionFailure,
  type Contexts,
  type Functions
} from './expressions.js';
import { combinationName, expandStrategy } from './matrix.js';
import type { Conclusion } from './report.js';
import { contextsFor, functionsFor, hashFiles, runSteps, type StepsScope } from './steps.js';
import { literal, loadWorkflow, member, type WorkflowFile } from './workflow-file.js';

export interface JobResult {
  result: Conclusion;
  outputs: Record<string, string>;
}

/** One workflow being run: the top-level one, or one a job calls (with its inputs and secrets). */
export interface WorkflowCall {
  workflow: WorkflowFile;
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
  /** `caller / ` for the jobs of a called workflow. */
  namePrefix: string;
  /** The caller job's id-token permission, which a called workflow without `permissions` inherits. */
  idToken: boolean;
  /** Run only this job (and the jobs it needs): --job. */
  onlyJob?: string | undefined;
}

/** Whether a `permissions:` token grants `id-token: write`; undefined when absent. */
function grantsIdToken(token: TemplateToken | undefined): boolean | undefined {
  if (token === undefined) return undefined;
  if (isLiteral(token)) return String(token.toString()) === 'write-all';
  return isMapping(token) ? literal(token, 'id-token') === 'write' : false;
}

export function githubContext(
  run: RunContext,
  call: WorkflowCall,
  jobId: string,
  token: string
): Record<string, unknown> {
  const { trigger } = run;
  return {
    event_name: trigger.eventName,
    event: trigger.payload,
    event_path: `${run.tempDir}/event.json`,
    sha: trigger.sha,
    ref: trigger.ref,
    ref_name: trigger.refName,
    ref_type: trigger.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    head_ref: trigger.headRef,
    base_ref: trigger.baseRef,
    repository: trigger.repository,
    repository_owner: trigger.repository.split('/')[0],
    run_id: run.runId,
    run_number: run.runNumber,
    run_attempt: '1',
    actor: process.env['USER'] ?? 'modelship',
    workflow: literal(call.workflow.root, 'name') ?? call.workflow.file,
    job: jobId,
    workspace: run.sources.workspace,
    server_url: 'https://github.com',
    api_url: run.apiUrl,
    token,
    action: '',
    retention_days: '90'
  };
}

/** Jobs in an order that runs every job after the jobs it needs (the file's order otherwise). */
function ordered(jobs: WorkflowJob[], onlyJob: string | undefined): WorkflowJob[] {
  const byId = new Map(jobs.map((job) => [job.id.value, job]));
  let wanted: Set<string> | undefined;
  if (onlyJob !== undefined) {
    if (!byId.has(onlyJob))
      throw new Error(`No job '${onlyJob}' in the workflow (jobs: ${[...byId.keys()].join(', ')}).`);
    wanted = new Set();
    const add = (id: string) => {
      if (wanted?.has(id)) return;
      wanted?.add(id);
      for (const need of byId.get(id)?.needs ?? []) add(need.value);
    };
    add(onlyJob);
  }
  const done = new Set<string>();
  const result: WorkflowJob[] = [];
  const visit = (job: WorkflowJob) => {
    if (done.has(job.id.value)) return;
    done.add(job.id.value);
    for (const need of job.needs ?? []) {
      const needed = byId.get(need.value);
      if (needed) visit(needed);
    }
    if (!wanted || wanted.has(job.id.value)) result.push(job);
  };
  jobs.forEach(visit);
  return result;
}

/** The status the job-level functions see: failure when a needed job failed, as on GitHub. */
function needsStatus(run: RunContext, needs: JobResult[]): Functions['status'] {
  return () => {
    if (run.cancellation.cancelled) return 'cancelled';
    if (needs.some((need) => need.result === 'failure' || need.result === 'cancelled')) return 'failure';
    return needs.every((need) => need.result === 'success') ? 'success' : 'skipped';
  };
}

/** Runs a workflow's jobs; stops early when a job waits for an environment's approval. */
export async function runJobs(run: RunContext, call: WorkflowCall): Promise<Record<string, JobResult>> {
  const { workflow } = call;
  const results: Record<string, JobResult> = {};
  const workflowIdToken = grantsIdToken(member(workflow.root, 'permissions'));
  for (const job of ordered(workflow.template.jobs, call.onlyJob)) {
    if (run.waiting) break;
    const id = job.id.value;
    const name = `${call.namePrefix}${job.name ? String(job.name.toString()) : id}`;
    const needed = (job.needs ?? []).map((need) => need.value);
    const needs = Object.fromEntries(
      needed.map((need) => [need, results[need] ?? ({ result: 'skipped', outputs: {} } satisfies JobResult)])
    );
    const token = call.secrets['GITHUB_TOKEN'] ?? '';
    const github = githubContext(run, call, id, token);
    const functions: Functions = {
      status: needsStatus(run, Object.values(needs)),
      hashFiles: (patterns) => hashFiles(run.sources.workspace, patterns)
    };
    const contexts: Contexts = { github, needs, vars: run.vars, inputs: call.inputs, secrets: call.secrets };
    const started = Date.now();
    const finish = (result: Conclusion, outputs: Record<string, string> = {}, printed = false) => {
      results[id] = { result, outputs };
      if (printed) return;
      if (result === 'skipped') run.report.note(`○ Job ${name}: skipped`);
      else run.report.jobEnd(name, result, Date.now() - started);
    };
    try {
      if (!evaluateCondition(workflow.file, job.if, contexts, functions)) {
        finish('skipped');
        continue;
      }
      const idToken =
        grantsIdToken(member(member(member(workflow.root, 'jobs'), id), 'permissions')) ??
        workflowIdToken ??
        call.idToken;
      if (job.type === 'reusableWorkflowJob') {
        run.report.jobStart(name);
        const called = await runCalledWorkflow(run, call, job, name, contexts, functions, idToken);
        if (run.waiting) break;
        finish(called.result, called.outputs);
        continue;
      }
      const jobToken = member(member(workflow.root, 'jobs'), id);
      const strategyToken = member(jobToken, 'strategy');
      if (strategyToken === undefined) {
        const single = await runJobInstance(run, call, jobToken, { name, github, needs, idToken }, contexts);
        if (single === undefined) break;
        finish(single.result, single.outputs, true);
        continue;
      }
      const strategy = expandStrategy(evaluateToken(workflow.file, strategyToken, contexts, functions), name);
      const instances: JobResult[] = [];
      for (const [index, matrix] of strategy.combinations.entries()) {
        const instanceName = combinationName(name, matrix);
        if (strategy.failFast && instances.some((instance) => instance.result === 'failure')) {
          run.report.note(`⊘ Job ${instanceName}: cancelled (fail-fast: another combination failed)`);
          instances.push({ result: 'cancelled', outputs: {} });
          continue;
        }
        const strategyContext = {
          'fail-fast': strategy.failFast,
          'job-index': index,
          'job-total': strategy.combinations.length,
          'max-parallel': strategy.combinations.length
        };
        const instance = await runJobInstance(
          run,
          call,
          jobToken,
          { name: instanceName, github, needs, idToken, matrix, strategy: strategyContext },
          { ...contexts, matrix, strategy: strategyContext }
        );
        if (instance === undefined) break;
        instances.push(instance);
      }
      if (run.waiting) break;
      // As on GitHub: the job fails when a combination failed; its outputs are the last combination's.
      const conclusions = instances.map((instance) => instance.result);
      const result = conclusions.includes('failure')
        ? 'failure'
        : conclusions.includes('cancelled')
          ? 'cancelled'
          : 'success';
      const outputs: Record<string, string> = {};
      for (const instance of instances) Object.assign(outputs, instance.outputs);
      finish(result, outputs, true);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      run.report.note(`  Error: ${run.masker.mask(error.message)}`);
      finish(run.cancellation.cancelled ? 'cancelled' : 'failure');
    }
  }
  return results;
}

/**
 * Runs one job (or one combination of a matrix job): its environment's approval gate, its concurrency
 * group, its steps. Undefined when it stops at the gate.
 */
async function runJobInstance(
  run: RunContext,
  call: WorkflowCall,
  jobToken: TemplateToken | undefined,
  job: Pick<JobContext, 'name' | 'github' | 'needs' | 'idToken'> &
    Partial<Pick<JobContext, 'matrix' | 'strategy'>>,
  contexts: Contexts
): Promise<JobResult | undefined> {
  const { workflow } = call;
  const functions: Functions = {
    status: needsStatus(run, Object.values(job.needs) as JobResult[]),
    hashFiles: (patterns) => hashFiles(run.sources.workspace, patterns)
  };
  const environment = environmentName(workflow.file, member(jobToken, 'environment'), contexts, functions);
  if (environment && run.protectedEnvironments.has(environment) && !run.approvals.has(environment)) {
    run.waiting = { job: job.name, environment };
    run.report.note(
      `\n⏸ Job ${job.name} deploys to environment '${environment}', which needs approval.\n` +
        `  Approve it by running again with: --approve ${environment}`
    );
    return undefined;
  }
  const started = Date.now();
  run.report.jobStart(job.name);
  try {
    const release = await holdConcurrency(
      run,
      workflow.file,
      member(jobToken, 'concurrency'),
      contexts,
      functions
    );
    try {
      const { context, scope } = await runJob(run, call, jobToken, {
        matrix: {},
        strategy: {},
        ...job,
        environment
      });
      const outputs = jobOutputs(run, workflow.file, member(jobToken, 'outputs'), context, scope);
      const markdown = context.summary.join('\n').trim();
      if (markdown) run.summaries.push({ job: job.name, markdown });
      run.report.jobEnd(job.name, context.status, Date.now() - started);
      return { result: context.status, outputs };
    } finally {
      release();
    }
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    run.report.note(`  Error: ${run.masker.mask(error.message)}`);
    const result = run.cancellation.cancelled ? 'cancelled' : 'failure';
    run.report.jobEnd(job.name, result, Date.now() - started);
    return { result, outputs: {} };
  }
}

function environmentName(
  file: string,
  token: TemplateToken | undefined,
  contexts: Contexts,
  functions: Functions
): string | undefined {
  if (token === undefined) return undefined;
  const value = evaluateToken(file, token, contexts, functions);
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : value;
  const text = asString(name);
  return text === '' ? undefined : text;
}

/** Takes the job's or workflow's concurrency group (a string or `{group, cancel-in-progress}`) if it has one. */
export async function holdConcurrency(
  run: RunContext,
  file: string,
  token: TemplateToken | undefined,
  contexts: Contexts,
  functions: Functions
): Promise<() => void> {
  if (token === undefined) return () => undefined;
  const value = evaluateToken(file, token, contexts, functions);
  const settings =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { group: value };
  const group = asString(settings['group']);
  if (group === '') return () => undefined;
  const cancelInProgress =
    settings['cancel-in-progress'] === true || settings['cancel-in-progress'] === 'true';
  return acquireGroup(run.lockDir, group, {
    runId: run.runId,
    cancelInProgress,
    log: (text) => run.report.note(`  ${text}`)
  });
}

async function runJob(
  run: RunContext,
  call: WorkflowCall,
  jobToken: TemplateToken | undefined,
  job: Pick<JobContext, 'name' | 'github' | 'needs' | 'environment' | 'idToken' | 'matrix' | 'strategy'>
): Promise<{ context: JobContext; scope: StepsScope }> {
  const { workflow } = call;
  const context: JobContext = {
    ...job,
    run,
    secrets: call.secrets,
    inputs: call.inputs,
    env: {},
    path: [],
    status: 'success',
    defaults: {},
    posts: [],
    summary: [],
    stepCounter: 0
  };
  const scope: StepsScope = { file: workflow.file, steps: {}, inputs: call.inputs, composite: false };
  const functions = functionsFor(context);
  context.env = evaluateStrings(
    workflow.file,
    member(workflow.root, 'env'),
    contextsFor(context, scope),
    functions
  );
  Object.assign(
    context.env,
    evaluateStrings(workflow.file, member(jobToken, 'env'), contextsFor(context, scope), functions)
  );
  for (const defaults of [
    member(member(workflow.root, 'defaults'), 'run'),
    member(member(jobToken, 'defaults'), 'run')
  ]) {
    const shell = literal(defaults, 'shell');
    const directory = literal(defaults, 'working-directory');
    if (shell !== undefined) context.defaults.shell = shell;
    if (directory !== undefined) context.defaults.workingDirectory = directory;
  }
  await runSteps(context, scope, member(jobToken, 'steps'));
  for (const post of context.posts) await post();
  if (run.cancellation.cancelled) context.status = 'cancelled';
  return { context, scope };
}

function jobOutputs(
  run: RunContext,
  file: string,
  token: TemplateToken | undefined,
  context: JobContext,
  scope: StepsScope
): Record<string, string> {
  if (token === undefined) return {};
  const outputs = evaluateStrings(file, token, contextsFor(context, scope), functionsFor(context));
  for (const [name, value] of Object.entries(outputs)) {
    if (run.masker.hides(value)) {
      run.report.note(`  Warning: skipped output '${name}' of job ${context.name}: it may contain a secret.`);
      delete outputs[name];
    }
  }
  return outputs;
}

function coerceInput(type: string | undefined, value: unknown): unknown {
  if (type === 'boolean') return value === true || value === 'true';
  if (type === 'number') return Number(value);
  return asString(value);
}

async function runCalledWorkflow(
  run: RunContext,
  call: WorkflowCall,
  job: Extract<WorkflowJob, { type: 'reusableWorkflowJob' }>,
  name: string,
  contexts: Contexts,
  functions: Functions,
  idToken: boolean
): Promise<JobResult> {
  const file = call.workflow.file;
  const path = resolveWorkflow(job.ref.value, run.sources);
  const workflow = await loadWorkflow(
    path,
    job.ref.value.startsWith('./') ? job.ref.value.slice(2) : job.ref.value
  );
  const definitions = workflow.template.events.workflow_call;
  if (definitions === undefined)
    throw new Error(`${workflow.file} cannot be called: it has no 'on: workflow_call'.`);
  const given = job['input-values']
    ? (evaluateToken(file, job['input-values'], contexts, functions) as Record<string, unknown>)
    : {};
  const inputs: Record<string, unknown> = {};
  for (const [input, definition] of Object.entries(definitions.inputs ?? {})) {
    if (input in given) inputs[input] = coerceInput(definition.type, given[input]);
    else if (definition.default !== undefined) {
      const fallback = definition.default;
      const value =
        typeof fallback === 'object' ? evaluateToken(workflow.file, fallback, contexts, functions) : fallback;
      inputs[input] = coerceInput(definition.type, value);
    } else if (definition.required)
      throw new ExpressionFailure(
        `${file}: job '${job.id.value}' does not give the required input '${input}' of ${workflow.file}.`
      );
    else inputs[input] = coerceInput(definition.type, '');
  }
  const unknown = Object.keys(given).filter((input) => !(input in (definitions.inputs ?? {})));
  if (unknown.length > 0)
    throw new ExpressionFailure(
      `${file}: job '${job.id.value}' gives input(s) ${unknown.join(', ')} that ${workflow.file} does not declare.`
    );
  const secrets = job['inherit-secrets']
    ? { ...call.secrets }
    : {
        ...(call.secrets['GITHUB_TOKEN'] !== undefined && { GITHUB_TOKEN: call.secrets['GITHUB_TOKEN'] }),
        ...evaluateStrings(file, job['secret-values'], contexts, functions)
      };
  const nested: WorkflowCall = { workflow, inputs, secrets, namePrefix: `${name} / `, idToken };
  const release = await holdConcurrency(
    run,
    workflow.file,
    member(workflow.root, 'concurrency'),
    { ...contexts, inputs },
    functions
  );
  let results: Record<string, JobResult>;
  try {
    results = await runJobs(run, nested);
  } finally {
    release();
  }
  const conclusions = Object.values(results).map((result) => result.result);
  const result: Conclusion = conclusions.includes('cancelled')
    ? 'cancelled'
    : conclusions.includes('failure')
      ? 'failure'
      : 'success';
  const outputs: Record<string, string> = {};
  const declared = member(member(member(workflow.root, 'on'), 'workflow_call'), 'outputs');
  if (declared && isMapping(declared)) {
    const jobsContext: Contexts = { ...contexts, inputs, jobs: results };
    for (const pair of declared) {
      const value = member(pair.value, 'value');
      if (value)
        outputs[String(pair.key.toString())] = asString(
          evaluateToken(workflow.file, value, jobsContext, functions)
        );
    }
  }
  return { result, outputs };
}
