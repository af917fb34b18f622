import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadWorkflow } from '../../src/runner/workflow-file.js';
import { PROJECT_ROOT } from '../helpers/action-runner.js';

// Every workflow we ship (our CI, the reusable workflow, the starter workflows) must call our actions with
// inputs they declare, and give the ones they require: a renamed input would otherwise break users silently.
interface ActionMetadata {
  inputs?: Record<string, { required?: boolean; default?: string }>;
  runs: { using: string; main: string; post?: string; steps?: { shell?: string; run?: string }[] };
}
interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: unknown;
  jobs: Record<string, { steps?: Step[]; uses?: string; with?: Record<string, unknown> }>;
}

const actionsDir = join(PROJECT_ROOT, 'actions');
const actionNames = readdirSync(actionsDir).filter((name) =>
  existsSync(join(actionsDir, name, 'action.yml'))
);
const metadata = (name: string) =>
  parse(readFileSync(join(actionsDir, name, 'action.yml'), 'utf8')) as ActionMetadata;

const workflowFiles = [
  ...readdirSync(join(PROJECT_ROOT, '.github/workflows')).map((file) => join('.github/workflows', file)),
  ...readdirSync(join(PROJECT_ROOT, 'action-templates/model-repo/.github/workflows')).map((file) =>
    join('action-templates/model-repo/.github/workflows', file)
  )
];

const ownActionCalls = workflowFiles.flatMap((file) => {
  const workflow = parse(readFileSync(join(PROJECT_ROOT, file), 'utf8')) as Workflow;
  return Object.values(workflow.jobs).flatMap((job) =>
    (job.steps ?? []).flatMap((step) => {
      const match = /^modelship\/modelship\/actions\/([^@]+)@/.exec(step.uses ?? '');
      return match ? [{ file, action: match[1] as string, with: step.with ?? {} }] : [];
    })
  );
});

const javascriptActions = actionNames.filter((name) => metadata(name).runs.using !== 'composite');
const compositeActions = actionNames.filter((name) => metadata(name).runs.using === 'composite');

describe('action metadata', () => {
  it.each(compositeActions)('%s (composite) gives every run step a shell, as GitHub requires', (name) => {
    const steps = metadata(name).runs.steps ?? [];
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps.filter((candidate) => candidate.run !== undefined)) {
      expect(step.shell).toBe('bash');
    }
  });

  it.each(javascriptActions)('%s runs its own bundle on node24', (name) => {
    const runs = metadata(name).runs;
    expect(runs.using).toBe('node24');
    expect(runs.main).toBe(`../../dist/${name}/index.js`);
    expect(existsSync(join(actionsDir, name, runs.main))).toBe(true);
  });
});

describe('workflows calling modelship actions', () => {
  it('call only actions that exist', () => {
    expect(ownActionCalls.length).toBeGreaterThan(0);
    for (const call of ownActionCalls) expect(actionNames).toContain(call.action);
  });

  it.each(ownActionCalls.map((call) => [`${call.file} → ${call.action}`, call] as const))(
    '%s passes declared inputs and every required one',
    (_label, call) => {
      const inputs = metadata(call.action).inputs ?? {};
      for (const key of Object.keys(call.with)) expect(Object.keys(inputs)).toContain(key);
      for (const [name, input] of Object.entries(inputs)) {
        if (input.required && input.default === undefined) expect(Object.keys(call.with)).toContain(name);
      }
    }
  );
});

describe('reusable workflow', () => {
  it('is callable with workflow_call and asks for an OIDC token', () => {
    const workflow = parse(
      readFileSync(join(PROJECT_ROOT, '.github/workflows/deploy-model.yml'), 'utf8')
    ) as Workflow & {
      permissions: Record<string, string>;
    };
    expect(workflow.on).toHaveProperty('workflow_call');
    expect(workflow.permissions['id-token']).toBe('write');
  });

  it('is what the starter workflows call', () => {
    for (const file of workflowFiles.filter((path) => path.startsWith('action-templates'))) {
      const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
      expect(text).toMatch(
        /modelship\/modelship\/(\.github\/workflows\/(deploy|release|promote|preview)-model\.yml|actions\/)/
      );
    }
  });
});

describe('the preview workflows', () => {
  const files = [
    '.github/workflows/preview-model.yml',
    'action-templates/model-repo/.github/workflows/preview-sweep.yml'
  ];
  const jobsOf = (file: string) =>
    Object.entries(
      (
        parse(readFileSync(join(PROJECT_ROOT, file), 'utf8')) as {
          jobs: Record<string, { permissions?: Record<string, string>; steps?: Step[] }>;
        }
      ).jobs
    );

  it.each(files)('%s: every job declares its permissions, and only the comment jobs may write', (file) => {
    for (const [name, job] of jobsOf(file)) {
      expect(job.permissions).toBeDefined();
      const writes = Object.entries(job.permissions ?? {}).filter(([, level]) => level === 'write');
      for (const [scope] of writes) expect(['id-token', 'pull-requests']).toContain(scope);
      if (name === 'fork') expect(job.permissions).toEqual({ contents: 'read' });
    }
  });

  it('checks out without persisting the token', () => {
    const checkouts = jobsOf('.github/workflows/preview-model.yml').flatMap(([, job]) =>
      (job.steps ?? []).filter((step) => step.uses?.startsWith('actions/checkout@'))
    );
    expect(checkouts.length).toBeGreaterThan(0);
    for (const step of checkouts) expect(step.with).toEqual({ 'persist-credentials': false });
  });
});

describe('every shipped workflow', () => {
  it.each(workflowFiles)("%s is valid for GitHub's workflow parser", async (file) => {
    const workflow = await loadWorkflow(join(PROJECT_ROOT, file), file);
    expect(workflow.template.jobs.length).toBeGreaterThan(0);
  });
});
