import { BatchGetImageCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  SageMakerServiceException
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { mockActionsCore } from '../../../helpers/core-mock.js';
import { startMlflowServer } from '../../../mlflow-server/server.js';

const core = mockActionsCore();
const { outputs, warnings, secrets, summary } = core;

const { run } = await import('../../../../src/actions/register-model/main.js');

const ARN = 'arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1';
const IMAGE = `000000000000.dkr.ecr.us-east-1.amazonaws.com/churn@sha256:${'a'.repeat(64)}`;
const sagemaker = mockClient(SageMakerClient);
const ecr = mockClient(ECRClient);
const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
const env = {
  AWS_REGION: 'us-east-1',
  GITHUB_REPOSITORY: 'acme/churn',
  GITHUB_SHA: '0123456789abcdef',
  GITHUB_RUN_ID: '5',
  GITHUB_SERVER_URL: 'https://github.example.com'
};

const savedSummaryPath = process.env['GITHUB_STEP_SUMMARY'];
beforeAll(() => {
  process.env['GITHUB_STEP_SUMMARY'] = '/dev/null';
});
afterAll(() => {
  if (savedSummaryPath === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
  else process.env['GITHUB_STEP_SUMMARY'] = savedSummaryPath;
});
beforeEach(() => {
  sagemaker.reset();
  ecr.reset();
  core.reset();
});

describe('register-model run()', () => {
  it('sets every output and a summary linking the commit on the run’s server', async () => {
    sagemaker.on(DescribeModelPackageGroupCommand).rejects(
      new SageMakerServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: {},
        message: 'ModelPackageGroup churn does not exist.'
      })
    );
    sagemaker.on(CreateModelPackageGroupCommand).resolves({});
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: ARN });
    sagemaker.on(DescribeModelPackageCommand).resolves({
      ModelPackageArn: ARN,
      ModelPackageVersion: 1,
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: { Containers: [{ Image: IMAGE }] },
      CustomerMetadataProperties: {
        'git.commit': '0123456789abcdef',
        'ci.run-url': 'https://github.example.com/acme/churn/actions/runs/5'
      }
    });

    await run({ read: reader({ 'model-name': 'churn', 'image-uri': IMAGE }), env });

    expect(outputs).toEqual({
      'model-package-arn': ARN,
      version: '1',
      'approval-status': 'PendingManualApproval',
      'image-uri': IMAGE,
      created: 'true',
      'approval-description': '',
      'release-tag': ''
    });
    expect(warnings).toEqual([]);
    expect(summary.join('')).toContain(
      '[0123456789ab](https://github.example.com/acme/churn/commit/0123456789abcdef)'
    );
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelPackageCommand, {
      CustomerMetadataProperties: expect.objectContaining({ 'git.repository': 'acme/churn' })
    });
  });

  it('approving a version tags its ECR image release-<group>-<version>, unless told not to', async () => {
    const approved = {
      ModelPackageArn: ARN,
      ModelPackageVersion: 1,
      ModelApprovalStatus: 'Approved' as const,
      InferenceSpecification: { Containers: [{ Image: IMAGE }] }
    };
    sagemaker.on(DescribeModelPackageGroupCommand).resolves({});
    sagemaker
      .on(ListModelPackagesCommand)
      .resolves({ ModelPackageSummaryList: [{ ModelPackageArn: ARN, ModelPackageVersion: 1 } as never] });
    sagemaker.on(DescribeModelPackageCommand).resolves(approved);
    const digest = `sha256:${'a'.repeat(64)}`;
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageDigest: digest },
          imageManifest: '{"schemaVersion":2}',
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json'
        }
      ]
    });
    ecr.on(PutImageCommand).resolves({});
    const inputs = {
      'model-name': 'churn',
      mode: 'set-status',
      version: '1',
      'approval-status': 'Approved'
    };

    await run({ read: reader(inputs), env });
    expect(outputs['release-tag']).toBe('release-churn-1');
    expect(ecr).toHaveReceivedCommandWith(PutImageCommand, {
      registryId: '000000000000',
      repositoryName: 'churn',
      imageDigest: digest,
      imageTag: 'release-churn-1',
      imageManifest: '{"schemaVersion":2}'
    });

    ecr.resetHistory();
    await run({ read: reader({ ...inputs, 'tag-approved-image': 'false' }), env });
    expect(ecr.calls()).toHaveLength(0);
    await run({ read: reader({ ...inputs, mode: 'resolve' }), env });
    expect(ecr.calls()).toHaveLength(0);
  });

  it('approving an MLflow version tags its ECR image too, named after the registered model', async () => {
    const server = await startMlflowServer({ token: 'tok' });
    try {
      const digest = `sha256:${'a'.repeat(64)}`;
      ecr.on(BatchGetImageCommand).resolves({
        images: [{ imageId: { imageDigest: digest }, imageManifest: '{"schemaVersion":2}' }]
      });
      ecr.on(PutImageCommand).resolves({});
      const mlflow = { backend: 'mlflow', 'tracking-uri': server.url, 'model-name': 'churn model' };
      await run({
        read: reader({ ...mlflow, 'image-uri': IMAGE }),
        env: { ...env, MLFLOW_TRACKING_TOKEN: 'tok' }
      });
      expect(outputs['release-tag']).toBe('');
      expect(ecr.calls()).toHaveLength(0);

      const approve = { ...mlflow, mode: 'set-status', version: '1', 'approval-status': 'Approved' };
      await run({ read: reader(approve), env: { ...env, MLFLOW_TRACKING_TOKEN: 'tok' } });
      // An ECR tag holds no space: the model's name is made to fit.
      expect(outputs['release-tag']).toBe('release-churn-model-1');
      expect(ecr).toHaveReceivedCommandWith(PutImageCommand, {
        repositoryName: 'churn',
        imageDigest: digest,
        imageTag: 'release-churn-model-1'
      });
      expect(server.models.get('churn model')?.versions[0]?.tags).toContainEqual({
        key: 'approval-status',
        value: 'Approved'
      });
    } finally {
      await server.close();
    }
  });

  it('fails on bad input before calling SageMaker', async () => {
    await expect(
      run({ read: reader({ 'model-name': 'churn.v2', 'image-uri': IMAGE }), env })
    ).rejects.toThrow(/Input 'model-name'/);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it('masks MLflow credentials before any request', async () => {
    await expect(
      run({
        read: reader({
          backend: 'mlflow',
          'tracking-uri': 'http://127.0.0.1:1',
          'model-name': 'm',
          'image-uri': IMAGE
        }),
        env: { ...env, MLFLOW_TRACKING_TOKEN: 'tok-123' }
      })
    ).rejects.toThrow(/Cannot reach the MLflow tracking server/);
    expect(secrets).toContain('tok-123');
  });
});
