import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchLocalStack, type RunningLocalStack } from '../../src/local-stack/stack.js';
import { runProgram, runProgramOrThrow } from '../helpers/local-stack.js';
import { buildTinyModel } from '../fixtures/tiny-model/images.js';

const PREFIX = 'ls-model-data';
const IMAGE = `${PREFIX}-tiny:v1`;

/** An image build and container starts take seconds each. */
jest.setTimeout(300_000);

/**
 * SageMaker model data and data capture on the local S3, with real containers, driven by boto3: a
 * model.tar.gz (ModelDataUrl) and an uncompressed S3 prefix (ModelDataSource) unpacked into
 * /opt/ml/model, a missing artifact failing the endpoint, and captured invocations listed back from S3.
 */
describe('SageMaker model data and data capture on the local S3', () => {
  const dataDir = mkdtempSync(join(tmpdir(), `${PREFIX}-data-`));
  const work = mkdtempSync(join(tmpdir(), `${PREFIX}-work-`));
  let stack: RunningLocalStack;
  let env: Record<string, string>;

  beforeAll(async () => {
    await buildTinyModel(IMAGE, 'v1');
    stack = await launchLocalStack({ dataDir, port: 0, registryPort: 0 });
    env = {
      AWS_ENDPOINT_URL: stack.endpoint,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test'
    };
    mkdirSync(join(work, 'model'));
    writeFileSync(join(work, 'model', 'answer.txt'), 'only in the tarball');
    await runProgramOrThrow('tar', ['-czf', join(work, 'model.tar.gz'), '-C', join(work, 'model'), '.']);
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('serves a model from model.tar.gz and from an S3 prefix, captures its traffic, and fails on a missing artifact', async () => {
    const script = `
import json, time, boto3
s3 = boto3.client("s3")
sm = boto3.client("sagemaker")
rt = boto3.client("sagemaker-runtime")
s3.create_bucket(Bucket="artifacts")
s3.upload_file(${JSON.stringify(join(work, 'model.tar.gz'))}, "artifacts", "tiny/model.tar.gz")
s3.put_object(Bucket="artifacts", Key="plain/answer.txt", Body=b"from the prefix")
role = "arn:aws:iam::000000000000:role/local"
models = {
    "tarball": {"Image": "${IMAGE}", "ModelDataUrl": "s3://artifacts/tiny/model.tar.gz"},
    "prefix": {"Image": "${IMAGE}", "ModelDataSource": {"S3DataSource": {
        "S3Uri": "s3://artifacts/plain/", "S3DataType": "S3Prefix", "CompressionType": "None"}}},
    "missing": {"Image": "${IMAGE}", "ModelDataUrl": "s3://artifacts/absent/model.tar.gz"},
}
capture = {"EnableCapture": True, "InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://captures/datacapture",
    "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
    "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"]}}
for name, container in models.items():
    sm.create_model(ModelName=name, ExecutionRoleArn=role, PrimaryContainer=container)
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[{"VariantName": "AllTraffic",
        "ModelName": name, "InitialInstanceCount": 1, "InstanceType": "ml.t2.medium"}],
        **({"DataCaptureConfig": capture} if name == "tarball" else {}))
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
s3.create_bucket(Bucket="captures")
report = {}
for name in models:
    while True:
        described = sm.describe_endpoint(EndpointName=name)
        if described["EndpointStatus"] not in ("Creating", "Updating"):
            break
        time.sleep(0.5)
    report[name] = [described["EndpointStatus"], described.get("FailureReason")]
    if described["EndpointStatus"] == "InService":
        answer = json.loads(rt.invoke_endpoint(EndpointName=name, ContentType="text/csv", Body=b"1,2,3")["Body"].read())
        report[name].append(answer.get("modelAnswer"))
keys = []
while not keys:
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket="captures", Prefix="datacapture/").get("Contents", [])]
report["captureKeys"] = keys
report["captured"] = [json.loads(line) for line in s3.get_object(Bucket="captures", Key=keys[0])["Body"].read().decode().splitlines()]
for name in models:
    sm.delete_endpoint(EndpointName=name)
print(json.dumps(report))
`;
    const run = await runProgram('python3', ['-c', script], { env });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report['tarball']).toEqual(['InService', null, 'only in the tarball']);
    expect(report['prefix']).toEqual(['InService', null, 'from the prefix']);
    expect(report['missing']).toEqual([
      'Failed',
      'Failed to download model data for container "primary" from URL: "s3://artifacts/absent/model.tar.gz". ' +
        'Please ensure that there is an object located at the URL and that the role passed to CreateModel has ' +
        'permissions to download the object.'
    ]);
    expect(report['captureKeys']).toEqual([
      expect.stringMatching(
        /^datacapture\/tarball\/AllTraffic\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}-\d{2}-\d{3}-[0-9a-f-]{36}\.jsonl$/
      )
    ]);
    const [record] = report['captured'] as Record<string, unknown>[];
    expect(record).toEqual({
      captureData: {
        endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: '1,2,3', encoding: 'CSV' },
        endpointOutput: {
          observedContentType: 'application/json',
          mode: 'OUTPUT',
          data: expect.any(String),
          encoding: 'BASE64'
        }
      },
      eventMetadata: {
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        inferenceTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
      },
      eventVersion: '0'
    });
    const output = (record?.['captureData'] as { endpointOutput: { data: string } }).endpointOutput.data;
    expect(JSON.parse(Buffer.from(output, 'base64').toString('utf8'))).toMatchObject({
      modelAnswer: 'only in the tarball',
      body: '1,2,3'
    });
  });
});
