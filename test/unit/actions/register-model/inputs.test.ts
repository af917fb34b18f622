import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInputs } from '../../../../src/actions/register-model/inputs.js';
import type { GitHubContext } from '../../../../src/lib/github-context.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const IMAGE = `000000000000.dkr.ecr.us-east-1.amazonaws.com/churn@${DIGEST}`;

const workspace = mkdtempSync(join(tmpdir(), 'register-model-inputs-'));
writeFileSync(join(workspace, 'metrics.json'), JSON.stringify({ r2: 0.91, eval: { mae: 3.5 } }));
writeFileSync(join(workspace, 'broken.json'), '{"r2": 0.9,');
writeFileSync(join(workspace, 'strings.json'), '{"r2": "high"}');
writeFileSync(join(workspace, 'list.json'), '[0.9]');
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const context: GitHubContext = {
  repository: 'acme/churn',
  serverUrl: 'https://github.com',
  sha: 'c0ffee',
  ref: 'refs/pull/7/merge',
  refName: '7/merge',
  eventName: 'pull_request',
  runId: '42',
  runAttempt: '1',
  workspace,
  pullRequestNumber: 7
};

function parse(inputs: Record<string, string>) {
  const warnings: string[] = [];
  const masked: string[] = [];
  const parsed = parseInputs((name) => inputs[name] ?? '', {
    context,
    warn: (message) => warnings.push(message),
    mask: (secret) => masked.push(secret)
  });
  return { parsed, warnings, masked };
}

describe('register-model inputs', () => {
  it('builds a SageMaker registration with lineage, metrics and defaults', () => {
    const { parsed, warnings } = parse({
      'model-name': 'churn',
      'image-uri': IMAGE,
      'metrics-file': 'metrics.json',
      'instance-types': 'ml.m5.large, ml.c5.xlarge',
      tags: 'team=ml'
    });
    expect(warnings).toEqual([]);
    expect(parsed).toEqual({
      backend: 'sagemaker',
      mode: 'register',
      region: undefined,
      registration: {
        group: 'churn',
        groupDescription: '',
        groupTags: { team: 'ml' },
        imageUri: IMAGE,
        imageDigest: DIGEST,
        contentTypes: ['application/json'],
        responseTypes: ['application/json'],
        instanceTypes: ['ml.m5.large', 'ml.c5.xlarge'],
        approvalStatus: 'PendingManualApproval',
        description: '',
        lineage: {
          repository: 'acme/churn',
          commit: 'c0ffee',
          ref: 'refs/pull/7/merge',
          runUrl: 'https://github.com/acme/churn/actions/runs/42',
          pullRequest: 7
        },
        metrics: { r2: 0.91, 'eval.mae': 3.5 }
      },
      tagApprovedImage: true
    });
  });

  it('resolves the latest Approved version unless told another status', () => {
    expect(parse({ 'model-name': 'churn', mode: 'resolve' }).parsed).toEqual({
      backend: 'sagemaker',
      mode: 'resolve',
      region: undefined,
      group: 'churn',
      wanted: { approvalStatus: 'Approved' }
    });
    expect(
      parse({ 'model-name': 'churn', mode: 'resolve', 'approval-status': 'pendingmanualapproval' }).parsed
    ).toMatchObject({
      wanted: { approvalStatus: 'PendingManualApproval' }
    });
  });

  it('builds an MLflow registration whose source is the image unless an artifact URI is given', () => {
    const base = {
      backend: 'mlflow',
      'model-name': 'churn_model',
      'image-uri': IMAGE,
      'tracking-uri': 'http://127.0.0.1:5000'
    };
    expect(parse({ ...base, alias: 'champion', 'run-id': 'abc' }).parsed).toMatchObject({
      backend: 'mlflow',
      registration: { name: 'churn_model', source: IMAGE, alias: 'champion', runId: 'abc' }
    });
    expect(parse({ ...base, 'artifact-uri': 's3://bucket/model' }).parsed).toMatchObject({
      registration: { source: 's3://bucket/model', imageUri: IMAGE }
    });
  });

  it('takes credentials out of the tracking URI, masked, and never echoes them in an error', () => {
    const base = { backend: 'mlflow', 'model-name': 'churn', 'image-uri': IMAGE };
    const { parsed, masked } = parse({ ...base, 'tracking-uri': 'https://ci:p%40ss%2Fw@mlflow.example/x' });
    expect(parsed).toMatchObject({
      trackingUri: 'https://mlflow.example/x',
      urlAuthorization: `Basic ${Buffer.from('ci:p@ss/w').toString('base64')}`
    });
    expect(masked).toEqual(
      expect.arrayContaining(['p%40ss%2Fw', 'p@ss/w', Buffer.from('ci:p@ss/w').toString('base64')])
    );
    expect(masked).not.toContain('ci');
    expect(parse({ ...base, 'tracking-uri': 'https://tok3n@mlflow.example' }).masked).toContain('tok3n');
    expect(() => parse({ ...base, 'tracking-uri': 'ftp://ci:hunter2@mlflow.example' })).toThrow(
      /Input 'tracking-uri': 'ftp:\/\/mlflow.example' is not an http\(s\) URL/
    );
    expect(() => parse({ ...base, 'tracking-uri': 'http://ci:hunter2@[bad' })).toThrow(
      /Input 'tracking-uri': 'http:\/\/\*\*\*@\[bad' is not a URL/
    );
  });

  it('warns about an image not pinned by digest, and refuses it when require-digest is set', () => {
    const tagged = { 'model-name': 'churn', 'image-uri': 'registry.example/churn:v1' };
    expect(parse(tagged).warnings).toEqual([expect.stringContaining('not pinned by a digest')]);
    expect(() => parse({ ...tagged, 'require-digest': 'true' })).toThrow(
      /Input 'image-uri': 'registry.example\/churn:v1' is not pinned by a digest.*@sha256/
    );
  });

  it.each([
    [
      { 'model-name': 'churn_model', 'image-uri': IMAGE },
      /Input 'model-name': 'churn_model' is not a valid model package group name/
    ],
    [{ 'model-name': '-churn', 'image-uri': IMAGE }, /Input 'model-name'/],
    [{ 'model-name': 'churn' }, /Input 'image-uri': is required/],
    [
      { 'model-name': 'churn', 'image-uri': IMAGE, 'approval-status': 'Maybe' },
      /Input 'approval-status': 'Maybe' is not allowed. Use one of: PendingManualApproval, Approved, Rejected/
    ],
    [
      { 'model-name': 'churn', 'image-uri': IMAGE, 'metrics-file': 'missing.json' },
      /Input 'metrics-file': the metrics file .*missing.json does not exist/
    ],
    [
      { 'model-name': 'churn', 'image-uri': IMAGE, 'metrics-file': 'broken.json' },
      /Input 'metrics-file': .*broken.json is not valid JSON/
    ],
    [
      { 'model-name': 'churn', 'image-uri': IMAGE, 'metrics-file': 'strings.json' },
      /metric 'r2' .* is "high", not a number/
    ],
    [
      { 'model-name': 'churn', 'image-uri': IMAGE, 'metrics-file': 'list.json' },
      /is an array, not an object of numbers/
    ],
    [
      { 'model-name': 'churn', 'image-uri': IMAGE, 'model-data-url': 'file:///tmp/m' },
      /Input 'model-data-url'/
    ],
    [
      { 'model-name': 'churn', 'image-uri': IMAGE, 'metrics-s3-uri': 's3://bucket' },
      /Input 'metrics-s3-uri'/
    ],
    [{ 'model-name': 'churn', backend: 'azure' }, /Input 'backend': 'azure' is not allowed/],
    [{ 'model-name': 'm', backend: 'mlflow', 'image-uri': IMAGE }, /Input 'tracking-uri': is required/],
    [
      { 'model-name': 'm', backend: 'mlflow', 'tracking-uri': 'file:///mlruns', 'image-uri': IMAGE },
      /not an http\(s\) URL/
    ],
    [
      { 'model-name': 'm', backend: 'mlflow', 'tracking-uri': 'http://x', mode: 'resolve' },
      /Input 'alias': is required/
    ],
    [
      {
        'model-name': 'm',
        backend: 'mlflow',
        'tracking-uri': 'http://x',
        'image-uri': IMAGE,
        alias: 'latest'
      },
      /reserves/
    ],
    [
      { 'model-name': 'churn', mode: 'set-status', 'approval-status': 'Approved' },
      /Input 'version': is required/
    ],
    [{ 'model-name': 'churn', mode: 'set-status', version: '3' }, /Input 'approval-status': is required/],
    [
      { 'model-name': 'churn', mode: 'resolve', version: 'latest' },
      /Input 'version': 'latest' is not a version of churn/
    ],
    [
      { 'model-name': 'churn', mode: 'resolve', version: 'arn:aws:sagemaker:us-east-1:000000000000:model/x' },
      /model package ARN/
    ],
    [
      { 'model-name': 'churn', mode: 'resolve', 'approval-status': 'Rejected' },
      /Input 'approval-status': Rejected cannot be resolved: .*never deployed/
    ]
  ])('refuses %j', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(message);
  });

  it('reads a status change with who made it (the triggering actor), the run URL and the reason', () => {
    const inputs: Record<string, string> = {
      'model-name': 'churn',
      mode: 'set-status',
      version: 'arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/3',
      'approval-status': 'rejected',
      reason: 'production smoke test failed'
    };
    const parsed = parseInputs((name) => inputs[name] ?? '', {
      context: { ...context, actor: 'alice' },
      warn: () => undefined,
      mask: () => undefined
    });
    expect(parsed).toEqual({
      backend: 'sagemaker',
      mode: 'set-status',
      region: undefined,
      group: 'churn',
      change: {
        version: { id: 'arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/3' },
        approvalStatus: 'Rejected',
        by: 'alice',
        runUrl: 'https://github.com/acme/churn/actions/runs/42',
        reason: 'production smoke test failed'
      },
      tagApprovedImage: true
    });
  });

  it("reads the environment whose reviewer approved, with GitHub's API of the run and the token masked", () => {
    const { parsed, masked } = parse({
      'model-name': 'churn',
      mode: 'set-status',
      version: '3',
      'approval-status': 'Approved',
      'approval-environment': 'production',
      'github-token': 'ghs_secret'
    });
    expect(parsed).toMatchObject({
      change: {
        reviewedIn: {
          name: 'production',
          apiUrl: 'https://api.github.com',
          token: 'ghs_secret',
          repository: 'acme/churn',
          runId: '42'
        }
      }
    });
    expect(masked).toEqual(['ghs_secret']);
  });

  it.each([
    [{}, { approvalStatus: 'Approved' }],
    [{ version: '3' }, { version: { number: 3 } }],
    [
      { version: '3', 'approval-status': 'Approved' },
      { version: { number: 3 }, approvalStatus: 'Approved' }
    ]
  ])('resolves %j as %j: a given version needs a status only when one is asked for', (given, wanted) => {
    expect(parse({ 'model-name': 'churn', mode: 'resolve', ...given }).parsed).toMatchObject({ wanted });
  });
});
