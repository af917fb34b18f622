import { randomUUID } from 'node:crypto';
import type { DataCaptureConfig } from '@aws-sdk/client-sagemaker';
import { parseS3Uri, type ObjectStore } from '../s3/index.js';

/** One invocation as data capture sees it. */
export interface CapturedInvocation {
  endpointName: string;
  variantName: string;
  config: DataCaptureConfig;
  request: { contentType: string | undefined; body: Buffer; inferenceId: string | undefined };
  response: { contentType: string | undefined; body: Buffer };
  time: Date;
}

/**
 * SageMaker's data capture: sampled invocations written as JSON Lines to
 * `<DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl` in the local S3, in SageMaker's
 * record format (captureData.endpointInput/endpointOutput, eventMetadata, eventVersion). Each
 * invocation is its own file, so a record is visible once its invocation has answered.
 */
export class DataCapture {
  constructor(
    private readonly objects: ObjectStore,
    private readonly onError: (message: string) => void = (message) =>
      void process.stderr.write(`${message}\n`)
  ) {}

  /** Resolves once the record is written, or its failure reported; InvokeEndpoint does not wait for it. */
  async record(invocation: CapturedInvocation): Promise<void> {
    const { config } = invocation;
    if (config.EnableCapture === false) return;
    if (Math.random() * 100 >= (config.InitialSamplingPercentage ?? 0)) return;
    const destination = parseS3Uri(config.DestinationS3Uri ?? '');
    if (!destination) return;
    const modes = new Set((config.CaptureOptions ?? []).map((option) => option.CaptureMode));
    const record = captureRecord(invocation, modes.has('Input'), modes.has('Output'));
    const time = invocation.time;
    const hourPath = [
      time.getUTCFullYear(),
      pad(time.getUTCMonth() + 1),
      pad(time.getUTCDate()),
      pad(time.getUTCHours())
    ].join('/');
    const file = `${pad(time.getUTCMinutes())}-${pad(time.getUTCSeconds())}-${String(time.getUTCMilliseconds()).padStart(3, '0')}-${randomUUID()}.jsonl`;
    const key = [
      destination.key.replace(/\/+$/, ''),
      invocation.endpointName,
      invocation.variantName,
      hourPath,
      file
    ]
      .filter((part) => part !== '')
      .join('/');
    await this.objects
      .put(destination.bucket, key, `${JSON.stringify(record)}\n`, { ContentType: 'application/jsonl' })
      .then(
        () => undefined,
        (error: unknown) =>
          this.onError(
            `Data capture of endpoint ${invocation.endpointName} to s3://${destination.bucket}/${key} failed: ${
              error instanceof Error ? error.message : String(error)
            }`
          )
      );
  }
}

/** One capture record, as SageMaker writes it. */
export function captureRecord(invocation: CapturedInvocation, input: boolean, output: boolean) {
  const header = invocation.config.CaptureContentTypeHeader;
  const encode = (contentType: string | undefined, body: Buffer, mode: 'INPUT' | 'OUTPUT') => {
    const type = contentType?.split(';')[0]?.trim().toLowerCase();
    const encoding =
      type !== undefined && header?.CsvContentTypes?.some((csv) => csv.toLowerCase() === type)
        ? 'CSV'
        : type !== undefined && header?.JsonContentTypes?.some((json) => json.toLowerCase() === type)
          ? 'JSON'
          : 'BASE64';
    return {
      observedContentType: contentType ?? '',
      mode,
      data: encoding === 'BASE64' ? body.toString('base64') : body.toString('utf8'),
      encoding
    };
  };
  return {
    captureData: {
      ...(input && {
        endpointInput: encode(invocation.request.contentType, invocation.request.body, 'INPUT')
      }),
      ...(output && {
        endpointOutput: encode(invocation.response.contentType, invocation.response.body, 'OUTPUT')
      })
    },
    eventMetadata: {
      eventId: randomUUID(),
      ...(invocation.request.inferenceId !== undefined && { inferenceId: invocation.request.inferenceId }),
      inferenceTime: invocation.time.toISOString().replace(/\.\d{3}Z$/, 'Z')
    },
    eventVersion: '0'
  };
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
