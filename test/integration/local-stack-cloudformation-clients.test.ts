import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/local-endpoint.js';
import { runProgram } from '../helpers/local-stack.js';
import {
  startCloudFormation,
  type CloudFormationHarness
} from '../unit/local-stack/services/cloudformation/harness.js';

/** Local CloudFormation driven by clients we did not write: boto3 (with botocore's waiters) and the AWS CLI. */
describe('local CloudFormation through boto3 and the AWS CLI', () => {
  let harness: CloudFormationHarness;
  let env: Record<string, string>;
  const workDir = mkdtempSync(join(tmpdir(), 'modelship-cfn-clients-'));

  beforeAll(async () => {
    harness = await startCloudFormation();
    env = {
      AWS_ENDPOINT_URL: harness.endpoint.url,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey
    };
  });
  afterAll(async () => {
    await harness.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('serves boto3 and its waiters through create, change set, update, no-change, delete and a failed create', async () => {
    const run = await runProgram(
      'python3',
      [join(PROJECT_ROOT, 'test/compat/cloudformation_boto3.py'), 'cfn-boto3'],
      { env }
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report).toEqual({
      created: {
        status: 'CREATE_COMPLETE',
        idMatches: true,
        outputs: [{ OutputKey: 'SettingValue', OutputValue: 'one-cfn-boto3' }],
        parameters: [
          { ParameterKey: 'Secret', ParameterValue: '****' },
          { ParameterKey: 'Value', ParameterValue: 'one' }
        ],
        creationTimeIsDate: true,
        terminationProtection: false
      },
      changeSet: {
        status: 'CREATE_COMPLETE',
        executionStatus: 'AVAILABLE',
        changes: [
          expect.objectContaining({
            Action: 'Modify',
            LogicalResourceId: 'Setting',
            Replacement: 'False',
            Scope: ['Properties'],
            Details: [
              {
                Target: { Attribute: 'Properties', Name: 'Value', RequiresRecreation: 'Never' },
                Evaluation: 'Static',
                ChangeSource: 'ParameterReference',
                CausingEntity: 'Value'
              }
            ]
          })
        ]
      },
      listed: ['bump'],
      updatedOutputs: [{ OutputKey: 'SettingValue', OutputValue: 'two-cfn-boto3' }],
      emptyChangeSet:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      noUpdates: { code: 'ValidationError', message: 'No updates are to be performed.' },
      latestEvent: ['cfn-boto3', 'UPDATE_COMPLETE'],
      resources: [['Setting', 'UPDATE_COMPLETE']],
      templateRoundTrip: true,
      validated: [
        ['Value', false],
        ['Secret', true]
      ],
      protected: 'Stack [cfn-boto3] cannot be deleted while TerminationProtection is enabled',
      afterDelete: { code: 'ValidationError', message: 'Stack with id cfn-boto3 does not exist' },
      failedCreate: 'ROLLBACK_COMPLETE',
      badTemplate: 'ValidationError'
    });
  }, 60_000);

  it('deploys with `aws cloudformation deploy`, which reports a repeated deploy as no changes', async () => {
    const templateFile = join(workDir, 'template.yaml');
    writeFileSync(
      templateFile,
      'Parameters:\n  Value: { Type: String }\nResources:\n  Setting:\n    Type: AWS::SSM::Parameter\n    Properties: { Type: String, Value: !Ref Value }\nOutputs:\n  Value: { Value: !GetAtt Setting.Value }\n'
    );
    const aws = (...args: string[]) =>
      runProgram('aws', [...args, '--endpoint-url', harness.endpoint.url], { env });
    // The CLI names its change sets after the current second, and an empty one stays behind, as on AWS.
    const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    const deploy = async (value: string, ...extra: string[]) =>
      nextSecond().then(() =>
        aws(
          'cloudformation',
          'deploy',
          '--template-file',
          templateFile,
          '--stack-name',
          'cfn-cli',
          '--parameter-overrides',
          `Value=${value}`,
          ...extra
        )
      );

    const first = await deploy('a');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Successfully created/updated stack - cfn-cli');
    // The CLI recognises CloudFormation's empty change set reason and, by default, exits 255 on it.
    const again = await deploy('a');
    expect(again.stderr).toContain('No changes to deploy. Stack cfn-cli is up to date');
    expect(again.code).toBe(255);
    expect((await deploy('a', '--no-fail-on-empty-changeset')).code).toBe(0);
    const changed = await deploy('b');
    expect(changed.code).toBe(0);

    const described = await aws(
      'cloudformation',
      'describe-stacks',
      '--stack-name',
      'cfn-cli',
      '--output',
      'json'
    );
    expect(JSON.parse(described.stdout).Stacks[0]).toMatchObject({
      StackStatus: 'UPDATE_COMPLETE',
      Outputs: [{ OutputKey: 'Value', OutputValue: 'b' }]
    });
    const events = await aws(
      'cloudformation',
      'describe-stack-events',
      '--stack-name',
      'cfn-cli',
      '--output',
      'json'
    );
    expect(JSON.parse(events.stdout).StackEvents[0]).toMatchObject({
      LogicalResourceId: 'cfn-cli',
      ResourceStatus: 'UPDATE_COMPLETE'
    });
  }, 60_000);
});
