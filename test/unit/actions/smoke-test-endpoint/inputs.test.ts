import { parseInputs } from '../../../../src/actions/smoke-test-endpoint/inputs.js';

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('smoke-test-endpoint inputs', () => {
  it('defaults: SageMaker mode, the smoke/ glob, 100 load requests at concurrency 4', () => {
    expect(parseInputs(reader({ 'endpoint-name': 'churn-prod' }))).toEqual({
      target: { mode: 'sagemaker', endpointName: 'churn-prod', region: undefined },
      cases: ['smoke/**/*.{json,yaml,yml}'],
      waitTimeoutMs: 1_800_000,
      retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8000 },
      load: { concurrency: 4, requests: 100 },
      thresholds: {},
      reportPath: undefined
    });
  });

  it('plain HTTP mode with paths, a load duration and thresholds', () => {
    const inputs = parseInputs(
      reader({
        url: 'http://127.0.0.1:8080',
        'ping-path': '/health',
        'invocations-path': '/v1/predict',
        cases: 'smoke/*.json\nextra/*.yaml',
        'load-duration-seconds': '2.5',
        'load-concurrency': '8',
        'max-p95-ms': '250',
        'max-error-rate': '0.01',
        'aws-region': 'eu-west-1'
      })
    );
    expect(inputs).toMatchObject({
      target: {
        mode: 'http',
        url: 'http://127.0.0.1:8080',
        pingPath: '/health',
        invocationsPath: '/v1/predict'
      },
      cases: ['smoke/*.json', 'extra/*.yaml'],
      load: { concurrency: 8, durationMs: 2500 },
      thresholds: { maxP95Ms: 250, maxErrorRate: 0.01 }
    });
  });

  it('sends user information in the url as basic auth, masked, and keeps it out of the printable url', () => {
    const masked: string[] = [];
    const inputs = parseInputs(reader({ url: 'https://ci:s%23cret@model.example/v1' }), (secret) =>
      masked.push(secret)
    );
    const encoded = Buffer.from('ci:s#cret').toString('base64');
    expect(inputs.target).toEqual({
      mode: 'http',
      url: 'https://model.example/v1',
      authorization: `Basic ${encoded}`,
      pingPath: '/ping',
      invocationsPath: '/invocations'
    });
    expect(masked).toEqual(expect.arrayContaining(['s%23cret', 's#cret', encoded]));
  });

  it('image mode: a local image tested without a load phase unless one is asked for', () => {
    expect(parseInputs(reader({ image: 'diabetes-model:abc123' }))).toMatchObject({
      target: {
        mode: 'image',
        image: 'diabetes-model:abc123',
        pingPath: '/ping',
        invocationsPath: '/invocations'
      }
    });
    expect(parseInputs(reader({ image: 'm:1' })).load).toBeUndefined();
    expect(parseInputs(reader({ image: 'm:1', 'load-requests': '10' })).load).toEqual({
      concurrency: 4,
      requests: 10
    });
  });

  it('skips the load phase with load-requests 0', () => {
    expect(parseInputs(reader({ 'endpoint-name': 'e', 'load-requests': '0' })).load).toBeUndefined();
  });

  it.each([
    [{}, "Input 'endpoint-name': no target was given"],
    [{ 'endpoint-name': 'e', url: 'http://x' }, "Input 'url': was given together with endpoint-name"],
    [{ url: 'http://x', image: 'model:1' }, "Input 'image': was given together with url"],
    [{ image: '--privileged' }, "Input 'image': '--privileged' is not an image reference"],
    [{ 'endpoint-name': 'bad_name' }, "Input 'endpoint-name': 'bad_name' is not a SageMaker endpoint name"],
    [{ url: 'localhost:8080' }, "Input 'url': 'localhost:8080' is not an http(s) URL"],
    [{ url: 'not a url' }, "Input 'url': 'not a url' is not a URL"],
    [{ url: 'http://x', 'ping-path': 'ping' }, "Input 'ping-path': 'ping' is not a URL path"],
    [{ 'endpoint-name': 'e', 'max-p95-ms': 'fast' }, "Input 'max-p95-ms': 'fast' is not a number"],
    [{ 'endpoint-name': 'e', 'max-error-rate': '1%' }, "Input 'max-error-rate': '1%' is not a number"],
    [{ 'endpoint-name': 'e', 'max-error-rate': '5' }, "Input 'max-error-rate': 5 is above the maximum of 1"],
    [
      { 'endpoint-name': 'e', 'load-requests': 'many' },
      "Input 'load-requests': 'many' is not a whole number"
    ],
    [
      { 'endpoint-name': 'e', 'load-concurrency': '0' },
      "Input 'load-concurrency': 0 is below the minimum of 1"
    ],
    [
      { 'endpoint-name': 'e', 'wait-timeout-seconds': 'soon' },
      "Input 'wait-timeout-seconds': 'soon' is not a number"
    ],
    [
      { 'endpoint-name': 'e', 'load-requests': '5', 'load-duration-seconds': '5' },
      "Input 'load-duration-seconds': was given together with load-requests"
    ],
    [
      { 'endpoint-name': 'e', 'load-requests': '0', 'max-p95-ms': '100' },
      "Input 'max-p95-ms': needs a load phase"
    ]
  ])('refuses %j', (inputs, message) => {
    expect(() => parseInputs(reader(inputs))).toThrow(message);
  });
});
