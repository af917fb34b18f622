import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { launchLocalStack, type RunningLocalStack } from '../../src/local-stack/stack.js';
import { LABELS } from '../../src/local-stack/services/sagemaker/hosting/fleet.js';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { runProgram } from '../helpers/local-stack.js';
import { buildTinyModel, pushToLocalRegistry } from '../fixtures/tiny-model/images.js';

const PREFIX = 'ls-packages';
const region = 'us-east-1';
const ACCOUNT = '000000000000';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/modelship-sagemaker-execution`;
const TEMPLATE = join(PROJECT_ROOT, 'test', 'fixtures', 'model-deploy', 'endpoint.yaml');

/** Builds, pushes and container starts take seconds each. */
jest.setTimeout(300_000);

/**
 * Models served from the Model Registry and multi-container models, with real containers (the tiny
 * model, built from debian:bookworm-slim), driven by boto3 and the AWS CLI.
 */
describe('local SageMaker: models from registry packages and inference pipelines', () => {
  const dataDir = mkdtempSync(join(tmpdir(), `${PREFIX}-data-`));
  const dockerConfig = mkdtempSync(join(tmpdir(), `${PREFIX}-docker-`));
  const localImage = `${PREFIX}-tiny:v1`;
  let stack: RunningLocalStack;
  let image: string;
  let env: Record<string, string>;

  /** Runs a boto3 script with `image` and `role` defined; it prints one JSON document. */
  const boto3 = async (body: string) => {
    const script = [
      'import json, boto3',
      'from botocore.exceptions import ClientError',
      'sm = boto3.client("sagemaker")',
      'rt = boto3.client("sagemaker-runtime")',
      `image = ${JSON.stringify(image)}`,
      `role = ${JSON.stringify(ROLE)}`,
      'def error(call, **kwargs):',
      '    try:',
      '        call(**kwargs)',
      '        return None',
      '    except ClientError as e:',
      '        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]',
      'def serve(name, **model):',
      '    sm.create_model(ModelName=name, ExecutionRoleArn=role, **model)',
      '    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{"VariantName": "AllTraffic",',
      '        "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])',
      '    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)',
      '    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})',
      'def invoke(name, body, **kwargs):',
      '    out = rt.invoke_endpoint(EndpointName=name, Body=body, ContentType="text/csv", **kwargs)',
      '    return json.loads(out["Body"].read())',
      body
    ].join('\n');
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  const containersOf = async (endpointName?: string) => {
    const filters = ['--filter', `label=${LABELS.stack}=${dataDir}`];
    if (endpointName) filters.push('--filter', `label=${LABELS.endpoint}=${endpointName}`);
    const ps = await runProgram('docker', [
      'ps',
      '--all',
      '--format',
      '{{.Label "' + LABELS.container + '"}}',
      ...filters
    ]);
    return ps.stdout.split('\n').filter(Boolean);
  };

  beforeAll(async () => {
    stack = await launchLocalStack({ dataDir, port: 0, registryPort: 0 });
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    env = {
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL: stack.endpoint
    };
    const ecr = new ECRClient({ region, endpoint: stack.endpoint, credentials });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: `${PREFIX}/tiny` }));
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const [user, password] = Buffer.from(authorizationData?.[0]?.authorizationToken as string, 'base64')
      .toString()
      .split(':') as [string, string];
    const login = await runProgram(
      'docker',
      ['--config', dockerConfig, 'login', '--username', user, '--password-stdin', stack.registryHost],
      { input: password }
    );
    expect(login.code).toBe(0);
    await buildTinyModel(localImage, 'built');
    image = await pushToLocalRegistry(localImage, stack.registryHost, `${PREFIX}/tiny`, 'v1', dockerConfig);
  });

  afterAll(async () => {
    await stack?.stop();
    const leftovers = (
      await runProgram('docker', ['ps', '--all', '--quiet', '--filter', `label=${LABELS.stack}=${dataDir}`])
    ).stdout
      .split('\n')
      .filter(Boolean);
    if (leftovers.length > 0) await runProgram('docker', ['rm', '--force', ...leftovers]);
    await runProgram('docker', ['rmi', '--force', image, localImage]);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dockerConfig, { recursive: true, force: true });
  });

  it('serves a model package version from the registry, and refuses missing and unapproved ones', async () => {
    const report = await boto3(`
sm.create_model_package_group(ModelPackageGroupName="churn")
spec = {"Containers": [{"Image": image, "Environment": {"TINY_MODEL_VERSION": "registered", "LOG_LEVEL": "info"}}],
        "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["application/json"]}
approved = sm.create_model_package(ModelPackageGroupName="churn", InferenceSpecification=spec,
    ModelApprovalStatus="Approved")["ModelPackageArn"]
rejected = sm.create_model_package(ModelPackageGroupName="churn", InferenceSpecification=spec,
    ModelApprovalStatus="Rejected")["ModelPackageArn"]
report = {"approved": approved}
serve("from-registry", Containers=[{"ModelPackageName": approved, "Environment": {"LOG_LEVEL": "debug"}}])
report["described"] = sm.describe_model(ModelName="from-registry")["Containers"]
report["deployed"] = [i["SpecifiedImage"] for i in sm.describe_endpoint(EndpointName="from-registry")["ProductionVariants"][0]["DeployedImages"]]
report["answer"] = invoke("from-registry", b"1,2")["version"]
report["byName"] = error(sm.create_model, ModelName="by-name", ExecutionRoleArn=role, PrimaryContainer={"ModelPackageName": "churn/1"})
report["missing"] = error(sm.create_model, ModelName="missing", ExecutionRoleArn=role, Containers=[{"ModelPackageName": approved[:-1] + "9"}])
report["rejected"] = error(sm.create_model, ModelName="rejected", ExecutionRoleArn=role, Containers=[{"ModelPackageName": rejected}])
print(json.dumps(report))
`);
    const approved = `arn:aws:sagemaker:${region}:${ACCOUNT}:model-package/churn/1`;
    expect(report).toEqual({
      approved,
      described: [{ ModelPackageName: approved, Environment: { LOG_LEVEL: 'debug' } }],
      deployed: [image],
      answer: 'registered',
      byName: null,
      missing: [
        'ValidationException',
        `ModelPackage arn:aws:sagemaker:${region}:${ACCOUNT}:model-package/churn/9 does not exist.`
      ],
      rejected: [
        'ValidationException',
        expect.stringContaining(
          `Model package arn:aws:sagemaker:${region}:${ACCOUNT}:model-package/churn/2 has ModelApprovalStatus Rejected`
        )
      ]
    });
  });

  it('chains a two-container serial pipeline: the second container answers what the first produced', async () => {
    const report = await boto3(`
serve("pipeline", Containers=[
    {"Image": image, "Environment": {"TINY_MODEL_VERSION": "preprocess"}},
    {"Image": image, "Environment": {"TINY_MODEL_VERSION": "predict"}}])
answer = invoke("pipeline", b"1,2", Accept="application/json")
first = json.loads(answer["body"])
print(json.dumps({"last": [answer["version"], answer["contentType"], answer["accept"]],
                  "first": [first["version"], first["contentType"], first["accept"], first["body"]]}))
`);
    expect(report).toEqual({
      last: ['predict', 'application/json', 'application/json'],
      first: ['preprocess', 'text/csv', null, '1,2']
    });
    expect((await containersOf('pipeline')).sort()).toEqual(['container-1', 'container-2']);
  });

  it('routes a Direct multi-container endpoint by TargetContainerHostname, and refuses a request without one', async () => {
    const report = await boto3(`
serve("direct", InferenceExecutionConfig={"Mode": "Direct"}, Containers=[
    {"ContainerHostname": "first", "Image": image, "Environment": {"TINY_MODEL_VERSION": "one"}},
    {"ContainerHostname": "second", "Image": image, "Environment": {"TINY_MODEL_VERSION": "two"}}])
print(json.dumps({
    "second": invoke("direct", b"x", TargetContainerHostname="second")["version"],
    "first": invoke("direct", b"x", TargetContainerHostname="first")["version"],
    "none": error(rt.invoke_endpoint, EndpointName="direct", Body=b"x"),
    "unknown": error(rt.invoke_endpoint, EndpointName="direct", Body=b"x", TargetContainerHostname="third")}))
`);
    expect(report).toEqual({
      second: 'two',
      first: 'one',
      none: [
        'ValidationError',
        expect.stringContaining('name the container to invoke with TargetContainerHostname')
      ],
      unknown: [
        'ValidationError',
        expect.stringContaining('The container hostname third is not in endpoint direct')
      ]
    });
  });

  it('deploys an MLOps-style model deploy template with `aws cloudformation deploy` and answers invoke-endpoint', async () => {
    const registered = await boto3(`
sm.create_model_package_group(ModelPackageGroupName="shop")
arn = sm.create_model_package(ModelPackageGroupName="shop", ModelApprovalStatus="Approved", InferenceSpecification={
    "Containers": [{"Image": image, "Environment": {"TINY_MODEL_VERSION": "shop-v1"}}],
    "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["application/json"]})["ModelPackageArn"]
print(json.dumps({"arn": arn}))
`);
    const aws = (...args: string[]) =>
      runProgram('aws', [...args, '--endpoint-url', stack.endpoint], { env });
    const deployed = await aws(
      'cloudformation',
      'deploy',
      '--template-file',
      TEMPLATE,
      '--stack-name',
      'shop-staging',
      '--parameter-overrides',
      'SageMakerProjectName=shop',
      `ModelExecutionRoleArn=${ROLE}`,
      `ModelPackageName=${String(registered['arn'])}`,
      'StageName=staging',
      'EnableDataCapture=false'
    );
    expect(deployed.stderr).toBe('');
    expect(deployed.stdout).toContain('Successfully created/updated stack - shop-staging');

    const answerFile = join(dataDir, 'answer.json');
    const requestFile = join(dataDir, 'request.csv');
    writeFileSync(requestFile, '1,2');
    const invoked = await aws(
      'sagemaker-runtime',
      'invoke-endpoint',
      '--endpoint-name',
      'shop-staging',
      '--content-type',
      'text/csv',
      '--body',
      `fileb://${requestFile}`,
      answerFile
    );
    expect(invoked.code).toBe(0);
    expect(JSON.parse(invoked.stdout)).toMatchObject({ InvokedProductionVariant: 'AllTraffic' });
    expect(JSON.parse(readFileSync(answerFile, 'utf8'))).toMatchObject({ version: 'shop-v1', body: '1,2' });

    const deleted = await aws('cloudformation', 'delete-stack', '--stack-name', 'shop-staging');
    expect(deleted.code).toBe(0);
    expect(
      (await aws('cloudformation', 'wait', 'stack-delete-complete', '--stack-name', 'shop-staging')).code
    ).toBe(0);
    expect(await containersOf('shop-staging')).toEqual([]);
  });
});
