import * as core from '@actions/core';
import { InputError } from '../../lib/errors.js';
import { redactUrl, splitUrlCredentials, type Mask } from '../../lib/secrets.js';
import { getList, getNumber, getOptionalString, getString, type InputReader } from '../../lib/inputs.js';
import type { LoadPlan } from './load.js';
import type { Thresholds } from './run.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

export const Input = {
  EndpointName: 'endpoint-name',
  Url: 'url',
  Image: 'image',
  Cases: 'cases',
  PingPath: 'ping-path',
  InvocationsPath: 'invocations-path',
  WaitTimeoutSeconds: 'wait-timeout-seconds',
  MaxAttempts: 'max-attempts',
  LoadRequests: 'load-requests',
  LoadDurationSeconds: 'load-duration-seconds',
  LoadConcurrency: 'load-concurrency',
  MaxP95Ms: 'max-p95-ms',
  MaxErrorRate: 'max-error-rate',
  AwsRegion: 'aws-region',
  ReportPath: 'report-path'
} as const;

export const Output = {
  Passed: 'passed',
  Failed: 'failed',
  P50Ms: 'p50-ms',
  P95Ms: 'p95-ms',
  P99Ms: 'p99-ms',
  Throughput: 'throughput',
  Report: 'report'
} as const;

export const DEFAULT_CASES = 'smoke/**/*.{json,yaml,yml}';
const DEFAULT_LOAD_REQUESTS = 100;
/** Creating a SageMaker endpoint usually takes 5 to 15 minutes; half an hour leaves room for slow images. */
const DEFAULT_WAIT_SECONDS = 1800;

export type Target =
  | { mode: 'sagemaker'; endpointName: string; region: string | undefined }
  | {
      mode: 'http';
      /** The base URL without user information, safe to print. */
      url: string;
      /** Basic auth from user information in the `url` input, masked when read. */
      authorization?: string;
      pingPath: string;
      invocationsPath: string;
    }
  | {
      /** A local image, run as SageMaker runs it and tested over HTTP before it is pushed anywhere. */
      mode: 'image';
      image: string;
      pingPath: string;
      invocationsPath: string;
    };

export interface Inputs {
  target: Target;
  /** Glob patterns relative to the workspace. */
  cases: string[];
  waitTimeoutMs: number;
  retry: RetryPolicy;
  load?: LoadPlan;
  thresholds: Thresholds;
  /** Empty: RUNNER_TEMP/smoke-test-report.json. */
  reportPath: string | undefined;
}

/** SageMaker's rule for endpoint names. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function parseInputs(read: InputReader, mask: Mask = (secret) => core.setSecret(secret)): Inputs {
  const target = parseTarget(read, mask);
  const cases = getList(read, Input.Cases, { commas: false });
  // Testing an image before it is pushed proves it serves; its speed on the runner says nothing.
  const load = parseLoad(read, target.mode === 'image' ? 0 : DEFAULT_LOAD_REQUESTS);
  const thresholds: Thresholds = {};
  const maxP95Ms = getNumber(read, Input.MaxP95Ms, undefined, { min: 0 });
  const maxErrorRate = getNumber(read, Input.MaxErrorRate, undefined, { min: 0, max: 1 });
  if (maxP95Ms !== undefined) thresholds.maxP95Ms = maxP95Ms;
  if (maxErrorRate !== undefined) thresholds.maxErrorRate = maxErrorRate;
  if (!load && (maxP95Ms !== undefined || maxErrorRate !== undefined)) {
    throw new InputError(
      maxP95Ms !== undefined ? Input.MaxP95Ms : Input.MaxErrorRate,
      'needs a load phase, but load-requests is 0',
      'Give load-requests or load-duration-seconds, or remove the threshold.'
    );
  }
  return {
    target,
    cases: cases.length > 0 ? cases : [DEFAULT_CASES],
    waitTimeoutMs:
      (getNumber(read, Input.WaitTimeoutSeconds, DEFAULT_WAIT_SECONDS, { min: 1 }) ?? DEFAULT_WAIT_SECONDS) *
      1000,
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts:
        getNumber(read, Input.MaxAttempts, DEFAULT_RETRY_POLICY.maxAttempts, {
          min: 1,
          max: 20,
          integer: true
        }) ?? DEFAULT_RETRY_POLICY.maxAttempts
    },
    thresholds,
    reportPath: getOptionalString(read, Input.ReportPath),
    ...(load !== undefined && { load })
  };
}

const TARGETS = [Input.EndpointName, Input.Url, Input.Image];

function parseTarget(read: InputReader, mask: Mask): Target {
  const endpointName = getOptionalString(read, Input.EndpointName);
  const url = getOptionalString(read, Input.Url);
  const image = getOptionalString(read, Input.Image);
  const given = TARGETS.filter((name) => getOptionalString(read, name) !== undefined);
  if (given.length !== 1) {
    throw new InputError(
      given[1] ?? Input.EndpointName,
      given.length === 0 ? 'no target was given' : `was given together with ${given[0]}`,
      "Set one of 'endpoint-name' (a SageMaker endpoint), 'url' (a container served over plain HTTP) or " +
        "'image' (a local image, run and tested before it is pushed)."
    );
  }
  if (image !== undefined) {
    if (/\s/.test(image) || image.startsWith('-')) {
      throw new InputError(
        Input.Image,
        `'${image}' is not an image reference`,
        "Give the built image, e.g. build-image's image output."
      );
    }
    return {
      mode: 'image',
      image,
      pingPath: parsePath(read, Input.PingPath, '/ping'),
      invocationsPath: parsePath(read, Input.InvocationsPath, '/invocations')
    };
  }
  if (endpointName !== undefined) {
    if (!ENDPOINT_NAME.test(endpointName)) {
      throw new InputError(
        Input.EndpointName,
        `'${endpointName}' is not a SageMaker endpoint name`,
        'Endpoint names have letters, digits and hyphens, at most 63 characters.'
      );
    }
    return { mode: 'sagemaker', endpointName, region: getOptionalString(read, Input.AwsRegion) };
  }
  return {
    mode: 'http',
    ...parseUrl(url!, mask),
    pingPath: parsePath(read, Input.PingPath, '/ping'),
    invocationsPath: parsePath(read, Input.InvocationsPath, '/invocations')
  };
}

function parseUrl(value: string, mask: Mask): { url: string; authorization?: string } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InputError(
      Input.Url,
      `'${redactUrl(value)}' is not a URL`,
      'Give the base URL, e.g. http://127.0.0.1:8080.'
    );
  }
  const { url, authorization } = splitUrlCredentials(value, mask);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(
      Input.Url,
      `'${url}' is not an http(s) URL`,
      'Give the base URL, e.g. http://127.0.0.1:8080.'
    );
  }
  return { url, ...(authorization !== undefined && { authorization }) };
}

function parsePath(read: InputReader, name: string, fallback: string): string {
  const value = getString(read, name, { default: fallback });
  if (!value.startsWith('/') || /\s/.test(value)) {
    throw new InputError(
      name,
      `'${value}' is not a URL path`,
      `Give a path starting with '/', e.g. '${fallback}'.`
    );
  }
  return value;
}

function parseLoad(read: InputReader, defaultRequests: number): LoadPlan | undefined {
  const concurrency = getNumber(read, Input.LoadConcurrency, 4, { min: 1, max: 256, integer: true }) ?? 4;
  const requests = getNumber(read, Input.LoadRequests, undefined, { min: 0, integer: true });
  const seconds = getNumber(read, Input.LoadDurationSeconds, undefined, { min: 0 });
  if (requests !== undefined && seconds !== undefined) {
    throw new InputError(
      Input.LoadDurationSeconds,
      'was given together with load-requests',
      'Give one: a number of requests or a duration.'
    );
  }
  if (seconds !== undefined) return seconds > 0 ? { concurrency, durationMs: seconds * 1000 } : undefined;
  const count = requests ?? defaultRequests;
  return count > 0 ? { concurrency, requests: count } : undefined;
}
