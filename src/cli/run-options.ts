import { DEFAULT_DATA_DIR, type OptionSpec } from './options.js';

/** What `modelship run --help` shows under the usage line (its options come from RUN_OPTIONS). */
export const RUN_DESCRIPTION = `Runs a workflow file of the current repository the way GitHub's runner would: its jobs, steps,
expressions, reusable workflows and JavaScript or composite actions, on this machine. Exits 0 when the
workflow succeeds, 1 when it fails, 3 when it stops at a job waiting for an environment's approval.`;

/** `modelship run`'s options: parsed by run.ts and listed by --help from this one table. */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'event',
    value: '<name>',
    description: 'push (default), pull_request, workflow_dispatch or schedule'
  },
  {
    name: 'payload',
    value: '<file>',
    description: "the event's webhook payload (JSON, as GitHub delivers it)"
  },
  { name: 'input', value: '<name=value>', repeatable: true, description: 'a workflow_dispatch input' },
  {
    name: 'secret',
    value: '<name=value>',
    repeatable: true,
    description: 'a secret; --secret NAME alone reads it from the environment'
  },
  {
    name: 'var',
    value: '<name=value>',
    repeatable: true,
    description: 'a configuration variable, vars.NAME'
  },
  {
    name: 'approve',
    value: '<environment>',
    repeatable: true,
    description: 'approve the jobs deploying to a protected environment'
  },
  {
    name: 'protect',
    value: '<environment>',
    repeatable: true,
    description: 'treat an environment as needing approval, besides .github/modelship-environments.yml'
  },
  {
    name: 'target',
    value: '<local|aws>',
    description: `local (default): the repository's local stack (./${DEFAULT_DATA_DIR}); aws: the caller's account`
  },
  { name: 'job', value: '<id>', description: 'run only this job and the jobs it needs' },
  {
    name: 'action-dir',
    value: '<OWNER/REPO@REF=DIR>',
    repeatable: true,
    description: 'a local directory for an action or workflow of another repository'
  }
];
