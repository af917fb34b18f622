import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { SignatureV4 } from '@smithy/signature-v4';
import { ActionError, describeError } from '../../lib/errors.js';
import type { SmokeRequest } from './cases.js';
import type { EndpointInvoker, Outcome } from './invoker.js';

const THROTTLING = ['ThrottlingException', 'ModelNotReadyException', 'TooManyRequestsException'];

/** What InvokeEndpoint answered, before it is read as an outcome. */
export interface RuntimeAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * Invokes a SageMaker endpoint through SageMaker Runtime InvokeEndpoint. Region, credentials (the SDK's
 * default chain) and endpoint (AWS_ENDPOINT_URL or the regional runtime endpoint) come from the SDK
 * client's resolved configuration; the request itself is signed and sent here, over kept-alive
 * connections, because the SDK's middleware costs more per call than a load phase can afford. One
 * attempt per call: the smoke test's retry policy decides, and each latency is one request's.
 */
export async function sageMakerInvoker(
  client: SageMakerRuntimeClient,
  endpointName: string,
  timeoutMs: number
): Promise<EndpointInvoker> {
  const { config } = client;
  const base = (
    await getEndpointFromInstructions({ EndpointName: endpointName }, InvokeEndpointCommand, config)
  ).url;
  const region = await config.region();
  const signer = new SignatureV4({
    service: config.defaultSigningName ?? 'sagemaker',
    region,
    credentials: config.credentials,
    sha256: config.sha256,
    applyChecksum: false
  });
  const secure = base.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const path = `${base.pathname.replace(/\/+$/, '')}/endpoints/${encodeURIComponent(endpointName)}/invocations`;

  return {
    target: `SageMaker endpoint ${endpointName}`,
    invoke: async (request) => {
      let answer: RuntimeAnswer;
      try {
        const signed = await signer.sign({
          method: 'POST',
          protocol: base.protocol,
          hostname: base.hostname,
          ...(base.port !== '' && { port: Number(base.port) }),
          path,
          query: {},
          headers: { host: base.host, ...invocationHeaders(request, request.body.length) },
          body: request.body
        });
        answer = await exchange(new URL(path, base), signed.headers, request.body, {
          agent,
          secure,
          timeoutMs
        });
      } catch (error) {
        // No connection, no answer in time, or no credentials: not the endpoint's answer.
        return { kind: 'unavailable', message: describeError(error) };
      }
      return outcomeOfAnswer(answer, endpointName);
    },
    close: () => agent.destroy()
  };
}

/** The members of InvokeEndpoint's input that travel as headers (restJson1 bindings). */
function invocationHeaders(request: SmokeRequest, length: number): Record<string, string> {
  return {
    'content-type': request.contentType,
    'content-length': String(length),
    ...(request.accept !== undefined && { accept: request.accept }),
    ...(request.customAttributes !== undefined && {
      'x-amzn-sagemaker-custom-attributes': request.customAttributes
    }),
    ...(request.targetVariant !== undefined && { 'x-amzn-sagemaker-target-variant': request.targetVariant })
  };
}

function exchange(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  options: { agent: HttpAgent; secure: boolean; timeoutMs: number }
): Promise<RuntimeAnswer> {
  return new Promise((resolve, reject) => {
    const send = options.secure ? httpsRequest : httpRequest;
    const request = send(url, { method: 'POST', headers, agent: options.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) })
      );
    });
    request.setTimeout(options.timeoutMs, () =>
      request.destroy(new Error(`no answer from ${url.toString()} within ${options.timeoutMs / 1000} s`))
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * ModelError carries the container's own status and body: that is the model's answer. Throttling and
 * the service's 5xx are reported for the retry policy; anything else (unknown endpoint or variant, access
 * denied) is an error no retry can fix.
 */
export function outcomeOfAnswer(answer: RuntimeAnswer, endpointName: string): Outcome {
  const contentType = answer.headers['content-type'];
  if (answer.status >= 200 && answer.status < 300) {
    return {
      kind: 'answer',
      status: 200,
      body: answer.body,
      ...(contentType !== undefined && { contentType })
    };
  }
  const error = readError(answer);
  const described = `${error.code}: ${error.message}`;
  if (error.code === 'ModelError') {
    if (typeof error.members['OriginalStatusCode'] === 'number') {
      const original = error.members['OriginalMessage'];
      return {
        kind: 'answer',
        status: error.members['OriginalStatusCode'],
        body: Buffer.from(typeof original === 'string' ? original : '')
      };
    }
    return { kind: 'unavailable', message: described };
  }
  if (THROTTLING.includes(error.code) || answer.status === 429)
    return { kind: 'throttled', message: described };
  if (answer.status >= 500) return { kind: 'unavailable', message: described };
  throw new ActionError(
    `InvokeEndpoint on '${endpointName}' failed: ${described}.`,
    'Check endpoint-name, aws-region, the credentials, and the targetVariant of the case.'
  );
}

/**
 * The error's code as AWS SDKs read a restJson1 error (the x-amzn-errortype header, else the body's
 * `code` or `__type`, without a namespace or a trailing `:`-part), its message and its members.
 */
function readError(answer: RuntimeAnswer): {
  code: string;
  message: string;
  members: Record<string, unknown>;
} {
  let members: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object') members = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status and the header still say what happened.
  }
  const header = answer.headers['x-amzn-errortype'];
  const raw = [header, members['code'], members['__type']].find(
    (value): value is string => typeof value === 'string' && value !== ''
  );
  const code = raw === undefined ? `HTTP ${answer.status}` : raw.split(':')[0]!.split('#').pop()!;
  const message = [members['message'], members['Message']].find(
    (value): value is string => typeof value === 'string'
  );
  return { code, message: message ?? answer.body.toString('utf8').slice(0, 200), members };
}
