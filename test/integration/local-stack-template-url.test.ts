import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchLocalStack, type RunningLocalStack } from '../../src/local-stack/stack.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { runProgram } from '../helpers/local-stack.js';

jest.setTimeout(180_000);

const region = 'us-east-1';

/** A template over CloudFormation's inline limit (51,200 bytes): its Metadata carries the bulk. */
function largeTemplate(value: string): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  Padding: '${'x'.repeat(60_000)}'
Resources:
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: ${value}
Outputs:
  Value:
    Value: !GetAtt Setting.Value
`;
}

/**
 * CloudFormation's TemplateURL read from the local S3: the URL forms AWS documents, the local endpoint's
 * own, and deploy-cfn-stack's `template-bucket` path (the bundled action uploads an oversized template).
 */
describe('TemplateURL from the local S3', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'template-url-data-'));
  const workspace = mkdtempSync(join(tmpdir(), 'template-url-ws-'));
  let stack: RunningLocalStack;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = await launchLocalStack({ dataDir, port: 0, registryPort: 0 });
    env = {
      AWS_ENDPOINT_URL: stack.endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test'
    };
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  });

  it('reads templates from every S3 URL form through boto3, and refuses a missing object as CloudFormation does', async () => {
    const port = new URL(stack.endpoint).port;
    const script = `
import json, boto3
from botocore.exceptions import ClientError
s3 = boto3.client("s3")
cf = boto3.client("cloudformation")
s3.create_bucket(Bucket="templates")
s3.put_object(Bucket="templates", Key="stacks/one.yaml", Body=${JSON.stringify(largeTemplate('from-s3'))}.encode())
urls = [
    "https://s3.amazonaws.com/templates/stacks/one.yaml",
    "https://templates.s3.amazonaws.com/stacks/one.yaml",
    "https://templates.s3.us-east-1.amazonaws.com/stacks/one.yaml",
    "http://127.0.0.1:${port}/templates/stacks/one.yaml",
]
report = {"summaries": [cf.get_template_summary(TemplateURL=url)["ResourceTypes"] for url in urls]}
report["validated"] = "Parameters" in cf.validate_template(TemplateURL=urls[1])
def error(**kwargs):
    try:
        cf.create_stack(StackName="missing", **kwargs)
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]
report["missingKey"] = error(TemplateURL="https://templates.s3.amazonaws.com/stacks/absent.yaml")
report["missingBucket"] = error(TemplateURL="https://s3.amazonaws.com/absent-bucket/one.yaml")
report["notS3"] = error(TemplateURL="https://example.com/one.yaml")
report["both"] = error(TemplateURL=urls[0], TemplateBody="{}")
cf.create_stack(StackName="from-url", TemplateURL=urls[2])
cf.get_waiter("stack_create_complete").wait(StackName="from-url", WaiterConfig={"Delay": 1})
report["output"] = cf.describe_stacks(StackName="from-url")["Stacks"][0]["Outputs"][0]["OutputValue"]
print(json.dumps(report))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    const invalid = 'TemplateURL must reference a valid S3 object to which you have access.';
    expect(JSON.parse(run.stdout)).toEqual({
      summaries: Array(4).fill(['AWS::SSM::Parameter']),
      validated: true,
      missingKey: ['ValidationError', invalid],
      missingBucket: ['ValidationError', invalid],
      notS3: ['ValidationError', 'TemplateURL must be an Amazon S3 URL.'],
      both: ['ValidationError', 'Specify exactly one of TemplateBody or TemplateUrl.'],
      output: 'from-s3'
    });
  });

  it("deploys an oversized template through deploy-cfn-stack's template-bucket", async () => {
    const make = await runProgram('aws', ['s3', 'mb', 's3://deploy-templates'], { env });
    expect(make.stderr).toBe('');
    writeFileSync(join(workspace, 'large.yaml'), largeTemplate('through-the-bucket'));
    const run = await runBundledAction('deploy-cfn-stack', {
      inputs: { 'stack-name': 'bucketed', template: 'large.yaml', 'template-bucket': 'deploy-templates' },
      env: {
        ...env,
        GITHUB_WORKSPACE: workspace,
        GITHUB_REPOSITORY: 'acme/model',
        GITHUB_SHA: '3f2c1a9d07e1b2c3d4e5f60718293a4b5c6d7e8f',
        GITHUB_EVENT_PATH: undefined,
        GITHUB_REF: 'refs/heads/main'
      }
    });
    expect(run.log).not.toMatch(/::error/);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ Value: 'through-the-bucket', 'stack-status': 'CREATE_COMPLETE' });
    const listed = await runProgram('aws', ['s3', 'ls', '--recursive', 's3://deploy-templates/'], { env });
    expect(listed.stdout).toMatch(/modelship\/bucketed\/[0-9a-f]{16}\.template/);
  });
});
