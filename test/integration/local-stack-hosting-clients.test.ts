import { jest } from '@jest/globals';
import { createSageMakerService } from '../../src/local-stack/services/sagemaker/index.js';
import { createHosting, type LocalHosting } from '../../src/local-stack/services/sagemaker/hosting/index.js';
import { tagOperations } from '../../src/local-stack/services/sagemaker/tags.js';
import { createSageMakerRuntimeService } from '../../src/local-stack/services/sagemaker-runtime/index.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../helpers/local-endpoint.js';
import { runProgram } from '../helpers/local-stack.js';
import { FakeEngine } from '../unit/local-stack/services/sagemaker/hosting/fake-engine.js';

const ARN = `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}`;

jest.setTimeout(120_000);

/**
 * Every hosting operation through clients we did not write: boto3 (botocore's models, its waiters) and
 * the AWS CLI. Containers come from the fake engine: what is under test here is the wire, not Docker
 * (test/integration/local-stack-hosting.test.ts runs real containers).
 */
describe('local SageMaker hosting through boto3 and the AWS CLI', () => {
  let endpoint: RunningEndpoint;
  let hosting: LocalHosting;
  let env: Record<string, string>;

  beforeAll(async () => {
    endpoint = await startEndpoint((state) => {
      hosting = createHosting({
        state,
        accountId: TEST_ACCOUNT,
        engine: new FakeEngine(),
        stackLabel: '/data/clients',
        instanceLimit: 2,
        defaultHealthCheckTimeoutSeconds: 1,
        pingIntervalMs: 20
      });
      return [
        createSageMakerService([hosting.operations, tagOperations([hosting.store.taggable])]),
        createSageMakerRuntimeService(hosting)
      ];
    });
    env = {
      AWS_ENDPOINT_URL: endpoint.url,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey
    };
  });
  afterAll(async () => {
    await hosting.controller.shutdown();
    await endpoint.close();
  });

  it('tags models, endpoint configs and endpoints through boto3', async () => {
    const script = `
import json, boto3
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker")
tags = [{"Key": "team", "Value": "ml"}]
arns = [sm.create_model(ModelName="tagged", PrimaryContainer={"Image": "registry/tiny:v1"}, Tags=tags)["ModelArn"]]
arns.append(sm.create_endpoint_config(EndpointConfigName="tagged", Tags=tags, ProductionVariants=[
    {"VariantName": "AllTraffic", "ModelName": "tagged", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])["EndpointConfigArn"])
arns.append(sm.create_endpoint(EndpointName="tagged", EndpointConfigName="tagged", Tags=tags)["EndpointArn"])
report = {"created": [sm.list_tags(ResourceArn=arn)["Tags"] for arn in arns]}
for arn in arns:
    sm.add_tags(ResourceArn=arn, Tags=[{"Key": "commit", "Value": "abc"}, {"Key": "team", "Value": "ops"}])
    sm.delete_tags(ResourceArn=arn, TagKeys=["commit"])
report["changed"] = [sm.list_tags(ResourceArn=arn)["Tags"] for arn in arns]
sm.get_waiter("endpoint_in_service").wait(EndpointName="tagged", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
sm.delete_endpoint(EndpointName="tagged")
sm.get_waiter("endpoint_deleted").wait(EndpointName="tagged", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
sm.delete_endpoint_config(EndpointConfigName="tagged")
sm.delete_model(ModelName="tagged")
try:
    sm.list_tags(ResourceArn=arns[2])
except ClientError as e:
    report["deleted"] = e.response["Error"]["Code"]
print(json.dumps(report))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    const team = (Value: string) => [{ Key: 'team', Value }];
    expect(JSON.parse(run.stdout)).toEqual({
      created: [team('ml'), team('ml'), team('ml')],
      changed: [team('ops'), team('ops'), team('ops')],
      deleted: 'ValidationException'
    });
  });

  it('serves boto3 through every operation, its waiters and AWS error codes', async () => {
    const script = `
import json, sys, boto3
from botocore.exceptions import ClientError, WaiterError
sm = boto3.client("sagemaker")
rt = boto3.client("sagemaker-runtime")
report = {}
def error(call, **kwargs):
    try:
        call(**kwargs)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
for name, image in [("good", "registry/tiny:v1"), ("newer", "registry/tiny:v2"), ("crashing", "registry/crash:v1")]:
    sm.create_model(ModelName=name, PrimaryContainer={"Image": image})
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
report["model"] = sm.describe_model(ModelName="good")["PrimaryContainer"]
report["models"] = [m["ModelName"] for m in sm.list_models(SortBy="Name", SortOrder="Ascending")["Models"]]
report["config"] = sm.describe_endpoint_config(EndpointConfigName="good")["ProductionVariants"][0]["InitialVariantWeight"]
report["configs"] = [c["EndpointConfigName"] for c in sm.list_endpoint_configs(NameContains="good")["EndpointConfigs"]]
report["missingModel"] = error(sm.create_endpoint_config, EndpointConfigName="x", ProductionVariants=[
    {"VariantName": "v", "ModelName": "absent", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
arn = sm.create_endpoint(EndpointName="ep", EndpointConfigName="good")["EndpointArn"]
report["arn"] = arn
report["duplicate"] = error(sm.create_endpoint, EndpointName="ep", EndpointConfigName="good")
sm.get_waiter("endpoint_in_service").wait(EndpointName="ep", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
sm.update_endpoint(EndpointName="ep", EndpointConfigName="newer")
sm.get_waiter("endpoint_in_service").wait(EndpointName="ep", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
described = sm.describe_endpoint(EndpointName="ep")
report["updated"] = [described["EndpointConfigName"], described["ProductionVariants"][0]["DeployedImages"][0]["SpecifiedImage"]]
out = rt.invoke_endpoint(EndpointName="ep", Body=b"hello", ContentType="text/plain", CustomAttributes="a=1")
report["invoke"] = [out["InvokedProductionVariant"], out["CustomAttributes"], json.loads(out["Body"].read())["body"]]
report["modelError"] = error(rt.invoke_endpoint, EndpointName="ep", Body=b"fail")
report["unknown"] = error(rt.invoke_endpoint, EndpointName="nope", Body=b"x")
report["quota"] = error(sm.create_endpoint, EndpointName="big", EndpointConfigName="good") is None
report["quotaExceeded"] = error(sm.create_endpoint, EndpointName="bigger", EndpointConfigName="newer")
sm.delete_endpoint(EndpointName="big")
sm.get_waiter("endpoint_deleted").wait(EndpointName="big", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
sm.create_endpoint(EndpointName="broken", EndpointConfigName="crashing")
try:
    sm.get_waiter("endpoint_in_service").wait(EndpointName="broken", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    report["failedWaiter"] = "no error"
except WaiterError as e:
    report["failedWaiter"] = e.last_response["EndpointStatus"]
report["endpoints"] = [[e["EndpointName"], e["EndpointStatus"]] for e in sm.list_endpoints(SortBy="Name", SortOrder="Ascending")["Endpoints"]]
for name in ["ep", "broken"]:
    sm.delete_endpoint(EndpointName=name)
    sm.get_waiter("endpoint_deleted").wait(EndpointName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
sm.delete_endpoint_config(EndpointConfigName="good")
sm.delete_model(ModelName="good")
report["goneModel"] = error(sm.describe_model, ModelName="good")
report["goneConfig"] = error(sm.delete_endpoint_config, EndpointConfigName="good")
print(json.dumps(report))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      model: { Image: 'registry/tiny:v1' },
      models: ['crashing', 'good', 'newer'],
      config: 1,
      configs: ['good'],
      missingModel: ['ValidationException', `Could not find model "${ARN}:model/absent".`, 400],
      arn: `${ARN}:endpoint/ep`,
      duplicate: [
        'ValidationException',
        `Cannot create already existing endpoint "${ARN}:endpoint/ep".`,
        400
      ],
      updated: ['newer', 'registry/tiny:v2'],
      invoke: ['AllTraffic', 'echo:a=1', 'hello'],
      modelError: [
        'ModelError',
        expect.stringMatching(/^Received client error \(400\) from primary with message "bad input"/),
        424
      ],
      unknown: ['ValidationError', `Endpoint nope of account ${TEST_ACCOUNT} not found.`, 400],
      quota: true,
      quotaExceeded: [
        'ResourceLimitExceeded',
        expect.stringContaining("'ml.m5.large for endpoint usage' is 2 Instances"),
        400
      ],
      failedWaiter: 'Failed',
      endpoints: [
        ['broken', 'Failed'],
        ['ep', 'InService']
      ],
      goneModel: ['ValidationException', `Could not find model "${ARN}:model/good".`, 400],
      goneConfig: [
        'ValidationException',
        `Could not find endpoint configuration "${ARN}:endpoint-config/good".`,
        400
      ]
    });
  });

  it('checks, runs and reports a DeploymentConfig through boto3', async () => {
    const script = `
import json, boto3
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker")
sm.create_model(ModelName="guarded", PrimaryContainer={"Image": "registry/tiny:guarded"})
sm.create_endpoint_config(EndpointConfigName="guarded", ProductionVariants=[
    {"VariantName": "AllTraffic", "ModelName": "guarded", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
config = {"BlueGreenUpdatePolicy": {"TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 1},
          "TerminationWaitInSeconds": 1, "MaximumExecutionTimeoutInSeconds": 600}}
sm.create_endpoint(EndpointName="guarded", EndpointConfigName="guarded", DeploymentConfig=config)
sm.get_waiter("endpoint_in_service").wait(EndpointName="guarded", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
report = {}
try:
    sm.update_endpoint(EndpointName="guarded", EndpointConfigName="guarded", DeploymentConfig={"BlueGreenUpdatePolicy": {
        "TrafficRoutingConfiguration": {"Type": "CANARY", "CanarySize": {"Type": "INSTANCE_COUNT", "Value": 1},
        "WaitIntervalInSeconds": 60}}})
except ClientError as e:
    report["canaryOfAll"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]
sm.update_endpoint(EndpointName="guarded", EndpointConfigName="guarded", RetainDeploymentConfig=True)
sm.get_waiter("endpoint_in_service").wait(EndpointName="guarded", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
described = sm.describe_endpoint(EndpointName="guarded")
report["after"] = [described["EndpointStatus"], described["LastDeploymentConfig"] == config]
sm.delete_endpoint(EndpointName="guarded")
sm.get_waiter("endpoint_deleted").wait(EndpointName="guarded", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
print(json.dumps(report))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      canaryOfAll: [
        'ValidationException',
        "CanarySize of 1 instance(s) is more than 50% of the new fleet's 1 instance(s). Use a smaller canary, or more instances."
      ],
      after: ['InService', true]
    });
  });

  it('serves the AWS CLI (sagemaker and sagemaker-runtime commands)', async () => {
    const aws = async (...args: string[]) => {
      const run = await runProgram('aws', [...args, '--endpoint-url', endpoint.url, '--output', 'json'], {
        env
      });
      return { ...run, json: run.stdout.trim() ? JSON.parse(run.stdout) : undefined };
    };
    await aws(
      'sagemaker',
      'create-model',
      '--model-name',
      'cli',
      '--primary-container',
      'Image=registry/tiny:cli'
    );
    await aws(
      'sagemaker',
      'create-endpoint-config',
      '--endpoint-config-name',
      'cli',
      '--production-variants',
      'VariantName=AllTraffic,ModelName=cli,InitialInstanceCount=1,InstanceType=ml.m5.large'
    );
    expect(
      (await aws('sagemaker', 'create-endpoint', '--endpoint-name', 'cli', '--endpoint-config-name', 'cli'))
        .json
    ).toEqual({
      EndpointArn: `${ARN}:endpoint/cli`
    });
    expect((await aws('sagemaker', 'wait', 'endpoint-in-service', '--endpoint-name', 'cli')).code).toBe(0);
    expect((await aws('sagemaker', 'list-endpoints', '--status-equals', 'InService')).json.Endpoints).toEqual(
      [expect.objectContaining({ EndpointName: 'cli', EndpointStatus: 'InService' })]
    );
    const missing = await aws('sagemaker', 'describe-endpoint', '--endpoint-name', 'absent');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      `An error occurred (ValidationException) when calling the DescribeEndpoint operation: Could not find endpoint "${ARN}:endpoint/absent".`
    );
    const outfile = `${endpoint.dataDir}/answer.json`;
    const invoked = await runProgram(
      'aws',
      [
        'sagemaker-runtime',
        'invoke-endpoint',
        '--endpoint-name',
        'cli',
        '--body',
        'aGVsbG8=',
        '--content-type',
        'text/plain',
        '--endpoint-url',
        endpoint.url,
        outfile
      ],
      { env }
    );
    expect(invoked.code).toBe(0);
    expect(JSON.parse(invoked.stdout)).toMatchObject({
      InvokedProductionVariant: 'AllTraffic',
      ContentType: 'application/json'
    });
    expect((await aws('sagemaker', 'delete-endpoint', '--endpoint-name', 'cli')).code).toBe(0);
    expect((await aws('sagemaker', 'wait', 'endpoint-deleted', '--endpoint-name', 'cli')).code).toBe(0);
  });
});
