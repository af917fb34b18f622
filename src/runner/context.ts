import type { ActionSources } from './actions.js';
import type { Masker } from './commands.js';
import type { Trigger } from './events.js';
import type { Cancellation } from './process.js';
import type { Conclusion, Report } from './report.js';
import type { CredentialsProvider } from './stand-ins.js';

/** One `modelship run`: what every job and step shares. */
export interface RunContext {
  sources: ActionSources;
  trigger: Trigger;
  masker: Masker;
  report: Report;
  cancellation: Cancellation;
  /** The environment steps start from: this process's, plus the target's (AWS endpoint, region, credentials). */
  baseEnv: Record<string, string>;
  vars: Record<string, string>;
  runId: string;
  runNumber: string;
  /** Scratch space of this run (scripts, file commands); removed at the end. */
  tempDir: string;
  /** Where concurrency-group locks live (shared by every run of this repository's stack). */
  lockDir: string;
  credentials: CredentialsProvider;
  protectedEnvironments: Set<string>;
  approvals: Set<string>;
  summaries: { job: string; markdown: string }[];
  /** Set when a job waits for an environment's approval: the run stops there. */
  waiting?: { job: string; environment: string };
  /** The GitHub API base URL handed to steps as GITHUB_API_URL. */
  apiUrl: string;
  debug: boolean;
}

export type JobStatus = 'success' | 'failure' | 'cancelled';

export interface StepResult {
  outputs: Record<string, string>;
  outcome: Conclusion;
  conclusion: Conclusion;
}

/** One job while it runs (steps of composite actions run in it too). */
export interface JobContext {
  run: RunContext;
  /** Display name, `caller / job` for jobs of called workflows. */
  name: string;
  github: Record<string, unknown>;
  secrets: Record<string, string>;
  needs: Record<string, { result: string; outputs: Record<string, string> }>;
  /** The workflow's inputs (workflow_call or workflow_dispatch). */
  inputs: Record<string, unknown>;
  /** workflow env < job env < GITHUB_ENV; step env is added per step. */
  env: Record<string, string>;
  path: string[];
  status: JobStatus;
  defaults: { shell?: string; workingDirectory?: string };
  /** Whether the job may ask for an OIDC token (permissions: id-token: write). */
  idToken: boolean;
  environment: string | undefined;
  /** The `matrix` and `strategy` contexts of a job run for one combination of its matrix (else empty). */
  matrix: Record<string, unknown>;
  strategy: Record<string, unknown>;
  /** Post steps to run at the end of the job, latest first. */
  posts: (() => Promise<void>)[];
  summary: string[];
  stepCounter: number;
}
