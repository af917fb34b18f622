import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataCaptureConfig } from '@aws-sdk/client-sagemaker';
import { ObjectStore } from '../../../../../src/local-stack/services/s3/store.js';
import {
  DataCapture,
  type CapturedInvocation
} from '../../../../../src/local-stack/services/sagemaker-runtime/data-capture.js';

describe('data capture', () => {
  let root: string;
  let objects: ObjectStore;
  const errors: string[] = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'capture-'));
    objects = new ObjectStore(root);
    errors.length = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const invocation = (config: DataCaptureConfig): CapturedInvocation => ({
    endpointName: 'churn',
    variantName: 'AllTraffic',
    config,
    request: { contentType: 'application/json', body: Buffer.from('{"x":1}'), inferenceId: 'req-7' },
    response: { contentType: 'text/csv', body: Buffer.from('0.5') },
    time: new Date('2026-03-04T05:06:07.089Z')
  });

  it('writes one JSON Lines record under <destination>/<endpoint>/<variant>/yyyy/mm/dd/hh', async () => {
    objects.createBucket('captures', 'us-east-1');
    await new DataCapture(objects, (message) => errors.push(message)).record(
      invocation({
        EnableCapture: true,
        InitialSamplingPercentage: 100,
        DestinationS3Uri: 's3://captures/monitoring/',
        CaptureOptions: [{ CaptureMode: 'Input' }],
        CaptureContentTypeHeader: { JsonContentTypes: ['application/json'] }
      })
    );
    const [record] = objects.list('captures');
    expect(record?.Key).toMatch(
      /^monitoring\/churn\/AllTraffic\/2026\/03\/04\/05\/06-07-089-[0-9a-f-]{36}\.jsonl$/
    );
    const lines = (await objects.get('captures', record?.Key ?? '')).toString().split('\n');
    expect(lines[1]).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      captureData: {
        endpointInput: {
          observedContentType: 'application/json',
          mode: 'INPUT',
          data: '{"x":1}',
          encoding: 'JSON'
        }
      },
      eventMetadata: {
        eventId: expect.any(String),
        inferenceId: 'req-7',
        inferenceTime: '2026-03-04T05:06:07Z'
      },
      eventVersion: '0'
    });
  });

  it('captures nothing when disabled or sampled at 0%, and reports a missing bucket', async () => {
    const capture = new DataCapture(objects, (message) => errors.push(message));
    const base = { DestinationS3Uri: 's3://absent/x', CaptureOptions: [{ CaptureMode: 'Output' as const }] };
    await capture.record(invocation({ ...base, EnableCapture: false, InitialSamplingPercentage: 100 }));
    await capture.record(invocation({ ...base, EnableCapture: true, InitialSamplingPercentage: 0 }));
    expect(errors).toEqual([]);
    await capture.record(invocation({ ...base, EnableCapture: true, InitialSamplingPercentage: 100 }));
    expect(errors).toEqual([
      expect.stringMatching(
        /^Data capture of endpoint churn to s3:\/\/absent\/x\/churn\/.* failed: The specified bucket does not exist$/
      )
    ]);
  });
});
