import { connect } from 'node:net';

/**
 * Requests an attacker (or an unlucky user) can send the local stack, each with the answer it must get:
 * an AWS-shaped error of the request's protocol, or, for attempts to pollute prototypes through parameters
 * AWS ignores, a normal answer. Shared by the in-process suite, the integration suite and the benchmark's
 * generator, so all three throw the same traffic at the stack.
 */
export interface HostileRequest {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Sent as a chunked stream of this many bytes (no Content-Length), instead of `body`. */
  streamBytes?: number;
  /** JSON errors (JSON protocols, REST) or Query's XML ErrorResponse. */
  shape: 'json' | 'xml';
  /** The exact status, when the case fixes it; otherwise any 4xx. */
  status?: number;
  /** The error code the answer must carry. */
  code?: string;
  /** Text the error message must contain. */
  message?: string;
}

const SCOPE_DATE = '20261202';
const JSON_TARGETS = { sagemaker: 'SageMaker', ecr: 'AmazonEC2ContainerRegistry_V20150921' };

/** A SigV4 Authorization header naming the service and region, which is all the stack reads of it. */
export const signedFor = (service: string) => ({
  authorization:
    `AWS4-HMAC-SHA256 Credential=AKIDHOSTILE/${SCOPE_DATE}/us-east-1/${service}/aws4_request, ` +
    'SignedHeaders=host;x-amz-date, Signature=0000'
});

function jsonCall(service: keyof typeof JSON_TARGETS, operation: string, body: string | Uint8Array) {
  return {
    method: 'POST',
    path: '/',
    headers: {
      ...signedFor(service),
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${JSON_TARGETS[service]}.${operation}`
    },
    body,
    shape: 'json' as const
  };
}

function withTarget(target: string) {
  const call = jsonCall('sagemaker', 'ListModelPackageGroups', '{}');
  return { ...call, headers: { ...call.headers, 'x-amz-target': target } };
}

function queryCall(service: 'cloudformation' | 'sts', body: string | Uint8Array) {
  return {
    method: 'POST',
    path: '/',
    headers: { ...signedFor(service), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    shape: 'xml' as const
  };
}

function invokeCall(path: string, body: string | Uint8Array) {
  return {
    method: 'POST',
    path,
    headers: { ...signedFor('sagemaker'), 'content-type': 'application/json' },
    body,
    shape: 'json' as const
  };
}

const form = (parameters: Record<string, string>) => new URLSearchParams(parameters).toString();
const cloudFormation = (action: string, parameters: Record<string, string> = {}) =>
  form({ Action: action, Version: '2010-05-15', ...parameters });

/** 556 bytes of YAML whose aliases expand to 9^9 strings (the issue's bomb, in spirit). */
export const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(
    (name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[index]}`).join(',')}]`
  ),
  'Resources: {R: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: *i}}}'
].join('\n');

/** The JavaScript names every plain object inherits; none of them is an AWS operation. */
export const INHERITED_NAMES = [
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  'toString',
  'isPrototypeOf',
  '__defineGetter__',
  'toLocaleString'
];

/** Deterministic bytes (mulberry32), so a failing random case fails again on the next run. */
export function randomBytes(seed: number, length: number): Uint8Array {
  let state = seed >>> 0;
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    bytes[index] = ((mixed ^ (mixed >>> 14)) >>> 0) & 0xff;
  }
  return bytes;
}

const INVALID_UTF8 = Uint8Array.from([
  0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d
]);
const MiB = 1024 * 1024;

/** The named cases of issue 15, one request each. */
export function namedHostileRequests(): HostileRequest[] {
  const cases: HostileRequest[] = [
    {
      name: 'YAML alias bomb to ValidateTemplate',
      ...queryCall('cloudformation', cloudFormation('ValidateTemplate', { TemplateBody: ALIAS_BOMB })),
      status: 400,
      code: 'ValidationError',
      message: 'aliases expand the template'
    },
    {
      name: 'YAML alias bomb to CreateStack',
      ...queryCall(
        'cloudformation',
        cloudFormation('CreateStack', { StackName: 'bomb', TemplateBody: ALIAS_BOMB })
      ),
      status: 400,
      code: 'ValidationError'
    },
    {
      name: 'self-referencing YAML alias',
      ...queryCall(
        'cloudformation',
        cloudFormation('ValidateTemplate', {
          TemplateBody: 'Resources: &r {R: {Type: AWS::SSM::Parameter, Properties: *r}}'
        })
      ),
      status: 400,
      code: 'ValidationError',
      message: 'refers to a node that contains it'
    },
    {
      name: 'template resource named __proto__',
      ...queryCall(
        'cloudformation',
        cloudFormation('ValidateTemplate', {
          TemplateBody: 'Resources:\n  __proto__: {Type: AWS::SSM::Parameter}\n'
        })
      ),
      status: 400,
      code: 'ValidationError',
      message: 'Template format error: Resource name __proto__ is non alphanumeric.'
    },
    {
      name: 'JSON template resource named __proto__',
      ...queryCall(
        'cloudformation',
        cloudFormation('ValidateTemplate', {
          TemplateBody: '{"Resources": {"__proto__": {"Type": "AWS::SSM::Parameter"}}}'
        })
      ),
      status: 400,
      code: 'ValidationError',
      message: 'Resource name __proto__ is non alphanumeric.'
    },
    {
      name: 'template parameter named __proto__',
      ...queryCall(
        'cloudformation',
        cloudFormation('ValidateTemplate', {
          TemplateBody: 'Parameters: {__proto__: {Type: String}}\nResources: {R: {Type: AWS::SSM::Parameter}}'
        })
      ),
      status: 400,
      code: 'ValidationError',
      message: 'Parameter name __proto__ is non alphanumeric.'
    },
    {
      name: 'TemplateBody over 51,200 bytes',
      ...queryCall(
        'cloudformation',
        cloudFormation('ValidateTemplate', {
          TemplateBody: `Resources: {R: {Type: AWS::SSM::Parameter}}\n# ${'x'.repeat(60_000)}`
        })
      ),
      status: 400,
      code: 'ValidationError',
      message: 'less than or equal to 51200'
    },
    {
      name: 'malformed percent-encoding in the path',
      method: 'GET',
      path: '/%E0%A4%A',
      headers: {},
      shape: 'json',
      status: 400,
      code: 'InvalidURI'
    },
    {
      name: 'malformed percent-encoding in an endpoint name',
      ...invokeCall('/endpoints/%E0%A4%A/invocations', '{}'),
      status: 400,
      code: 'InvalidURI'
    },
    {
      name: 'JSON body over the control-plane limit (Content-Length)',
      ...jsonCall('sagemaker', 'ListModelPackageGroups', new Uint8Array(2 * MiB).fill(0x20)),
      status: 413,
      code: 'RequestEntityTooLarge'
    },
    {
      name: 'JSON body over the control-plane limit (chunked)',
      ...jsonCall('ecr', 'DescribeRepositories', ''),
      streamBytes: 3 * MiB,
      status: 413,
      code: 'RequestEntityTooLarge'
    },
    {
      name: 'Query body over the limit (Content-Length)',
      ...queryCall('cloudformation', `${cloudFormation('ListStacks')}&Pad=${'x'.repeat(2 * MiB)}`),
      status: 413,
      code: 'RequestEntityTooLarge'
    },
    {
      name: 'Query body over the limit (chunked)',
      ...queryCall('sts', ''),
      streamBytes: 3 * MiB,
      status: 413,
      code: 'RequestEntityTooLarge'
    },
    {
      name: 'InvokeEndpoint payload over 6 MB',
      ...invokeCall('/endpoints/anything/invocations', new Uint8Array(7 * MiB).fill(0x61)),
      status: 413,
      code: 'RequestEntityTooLarge',
      message: 'HTTP content length exceeded 6291456 bytes.'
    },
    {
      name: 'Query parameter name nested past any AWS input',
      ...queryCall('cloudformation', `${cloudFormation('ListStacks')}&${Array(5000).fill('a').join('.')}=1`),
      code: 'MalformedQueryString'
    },
    {
      name: 'JSON body that is not UTF-8',
      ...jsonCall('sagemaker', 'ListModelPackageGroups', INVALID_UTF8),
      status: 400,
      code: 'SerializationException'
    },
    {
      name: 'Query body that is not UTF-8',
      ...queryCall('cloudformation', Buffer.concat([Buffer.from('Action=ListStacks&X='), INVALID_UTF8])),
      code: 'MalformedQueryString'
    },
    {
      name: 'TemplateBody percent-encoding invalid UTF-8',
      ...queryCall('cloudformation', 'Action=ValidateTemplate&Version=2010-05-15&TemplateBody=%FF%FE%C3%28'),
      status: 400,
      code: 'ValidationError'
    },
    {
      name: 'JSON number too large to represent',
      ...jsonCall('ecr', 'DescribeRepositories', '{"maxResults": 1e400}'),
      status: 400,
      code: 'SerializationException'
    },
    {
      name: 'JSON integer of 10,000 digits',
      ...jsonCall('sagemaker', 'ListModelPackageGroups', `{"MaxResults": ${'9'.repeat(10_000)}}`),
      status: 400,
      code: 'SerializationException'
    },
    {
      name: 'JSON integer past 2^53 (representable, out of range)',
      ...jsonCall('sagemaker', 'ListModelPackageGroups', '{"MaxResults": 900719925474099312345}'),
      status: 400,
      code: 'ValidationException'
    },
    {
      name: 'Query number too large to represent',
      ...queryCall(
        'cloudformation',
        cloudFormation('CreateStack', {
          StackName: 'huge-timeout',
          TimeoutInMinutes: '1e999',
          TemplateBody: 'Resources: {R: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: x}}}'
        })
      ),
      status: 400,
      code: 'ValidationError'
    }
  ];

  for (const name of INHERITED_NAMES) {
    for (const service of ['sagemaker', 'ecr'] as const) {
      cases.push({
        name: `${JSON_TARGETS[service]}.${name} as an operation`,
        ...jsonCall(service, name, '{"a": 1}'),
        status: 400,
        code: 'UnknownOperationException'
      });
    }
    for (const service of ['sts', 'cloudformation'] as const) {
      cases.push({
        name: `Action=${name} to ${service}`,
        ...queryCall(service, form({ Action: name, Version: '2011-06-15' })),
        status: 400,
        code: 'InvalidAction'
      });
    }
    cases.push({
      name: `unsigned Action=${name}`,
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ Action: name }),
      shape: 'xml'
    });
  }
  return cases;
}

/**
 * Attempts to write onto Object.prototype through names AWS ignores (Query parameters, JSON members):
 * they must be answered normally and change nothing for later calls.
 */
export function pollutionAttempts(): (Omit<HostileRequest, 'status' | 'code'> & { status: 200 })[] {
  return [
    {
      name: 'Query __proto__.maxResults=1',
      ...queryCall('cloudformation', `${cloudFormation('ListStacks')}&__proto__.maxResults=1`),
      status: 200
    },
    {
      name: 'Query constructor.prototype.maxResults=1',
      ...queryCall('cloudformation', `${cloudFormation('ListStacks')}&constructor.prototype.maxResults=1`),
      status: 200
    },
    {
      name: 'Query __proto__.member.1=x to STS',
      ...queryCall(
        'sts',
        'Action=GetCallerIdentity&Version=2011-06-15&__proto__.member.1=x&__proto__.Account=1'
      ),
      status: 200
    },
    {
      name: 'JSON {"__proto__": {"maxResults": 1}}',
      ...jsonCall(
        'ecr',
        'DescribeRepositories',
        '{"__proto__": {"maxResults": 1, "repositoryNames": ["x"]}}'
      ),
      status: 200
    },
    {
      name: 'JSON {"constructor": {"prototype": {"MaxResults": 1}}}',
      ...jsonCall('sagemaker', 'ListModelPackageGroups', '{"constructor": {"prototype": {"MaxResults": 1}}}'),
      status: 200
    }
  ];
}

/** Random bytes, deep nesting and the like, to every protocol; `count` seeds per generator. */
export function generatedHostileRequests(count = 8): HostileRequest[] {
  const cases: HostileRequest[] = [];
  for (let seed = 1; seed <= count; seed += 1) {
    const bytes = randomBytes(seed, 16 + ((seed * 7919) % 65_536));
    // Printable ASCII gets past UTF-8 decoding, into the parsers behind it.
    const text = Buffer.from(bytes.subarray(0, 20_000).map((byte) => 0x20 + (byte % 0x5f))).toString(
      'latin1'
    );
    cases.push(
      {
        name: `random bytes #${seed} to SageMaker (JSON 1.1)`,
        ...jsonCall('sagemaker', 'ListModelPackageGroups', bytes)
      },
      { name: `random bytes #${seed} to ECR (JSON 1.1)`, ...jsonCall('ecr', 'CreateRepository', bytes) },
      { name: `random bytes #${seed} to CloudFormation (Query)`, ...queryCall('cloudformation', bytes) },
      { name: `random bytes #${seed} to STS (Query)`, ...queryCall('sts', bytes) },
      {
        name: `random bytes #${seed} as a TemplateBody`,
        ...queryCall(
          'cloudformation',
          Buffer.concat([
            Buffer.from('Action=ValidateTemplate&TemplateBody='),
            Buffer.from(bytes.subarray(0, 40_000))
          ])
        )
      },
      {
        name: `random bytes #${seed} as a percent-encoded TemplateBody`,
        ...queryCall(
          'cloudformation',
          `Action=ValidateTemplate&TemplateBody=${[...bytes.subarray(0, 12_000)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')}`
        )
      },
      {
        name: `random bytes #${seed} to a missing endpoint (REST-JSON)`,
        ...invokeCall('/endpoints/missing/invocations', bytes),
        status: 400,
        code: 'ValidationError'
      },
      { name: `random text #${seed} to SageMaker (JSON 1.1)`, ...jsonCall('sagemaker', 'CreateModel', text) },
      { name: `random text #${seed} to STS (Query)`, ...queryCall('sts', text) },
      {
        name: `random text #${seed} as a TemplateBody`,
        ...queryCall('cloudformation', cloudFormation('ValidateTemplate', { TemplateBody: text }))
      },
      {
        name: `random X-Amz-Target #${seed}`,
        ...withTarget(Buffer.from(bytes.subarray(0, 64)).toString('base64'))
      }
    );
  }

  const depths = [101, 1_000, 100_000];
  for (const depth of depths) {
    cases.push(
      {
        name: `JSON arrays nested ${depth} deep`,
        ...jsonCall('sagemaker', 'ListModelPackageGroups', `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`),
        status: 400,
        code: 'SerializationException'
      },
      {
        name: `JSON objects nested ${depth} deep`,
        ...jsonCall('ecr', 'DescribeRepositories', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
        status: 400,
        code: 'SerializationException'
      }
    );
  }
  for (const [name, body] of [
    ['YAML flow sequences', `Resources: ${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['YAML block sequences on one line', `Resources:\n  ${'- '.repeat(20_000)}x`],
    ['YAML flow mappings', `Resources: ${'{a: '.repeat(9_000)}1${'}'.repeat(9_000)}`],
    ['JSON template arrays', `{"Resources": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`]
  ] as const) {
    cases.push({
      name: `${name} nested past the template limit`,
      ...queryCall('cloudformation', cloudFormation('ValidateTemplate', { TemplateBody: body })),
      status: 400,
      code: 'ValidationError',
      message: 'nests deeper than'
    });
  }
  return cases;
}

export interface HostileAnswer {
  status: number;
  contentType: string;
  errorType: string | null;
  body: string;
}

/** Each request aborts after this long: a stack that blocks on a request fails the test, not times it. */
export const REQUEST_TIMEOUT_MS = 5_000;

export async function sendHostile(endpoint: string, request: HostileRequest): Promise<HostileAnswer> {
  const body =
    request.streamBytes !== undefined ? chunkedStream(request.streamBytes) : (request.body ?? undefined);
  const response = await fetch(`${endpoint}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(body !== undefined && { body }),
    ...(request.streamBytes !== undefined && { duplex: 'half' }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    errorType: response.headers.get('x-amzn-errortype'),
    body: await response.text()
  };
}

function chunkedStream(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = new Uint8Array(Math.min(256 * 1024, total - sent)).fill(0x61);
      sent += chunk.length;
      controller.enqueue(chunk);
    }
  });
}

/** The error code and message of an AWS-shaped error answer, or what is wrong with its shape. */
export function readAwsError(
  answer: HostileAnswer,
  shape: 'json' | 'xml'
): { code: string; message: string } | { problem: string } {
  if (shape === 'json') {
    if (!answer.contentType.includes('json')) return { problem: `content-type ${answer.contentType}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return { problem: `body is not JSON: ${answer.body.slice(0, 200)}` };
    }
    const { __type: code, message } = parsed as { __type?: unknown; message?: unknown };
    if (typeof code !== 'string' || typeof message !== 'string' || message === '')
      return { problem: `body lacks __type and message: ${answer.body.slice(0, 200)}` };
    if (answer.errorType !== code) return { problem: `x-amzn-errortype ${answer.errorType} is not ${code}` };
    return { code, message };
  }
  const match =
    /^<ErrorResponse xmlns="[^"]+">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>([^<]+)<\/Code>\s*<Message>([^<]+)<\/Message>\s*<\/Error>\s*<RequestId>[^<]+<\/RequestId>\s*<\/ErrorResponse>\s*$/.exec(
      answer.body
    );
  if (!match) return { problem: `not a Query ErrorResponse: ${answer.body.slice(0, 200)}` };
  return { code: match[1] as string, message: match[2] as string };
}

/**
 * Sends `head` over a raw socket and resolves with the first response the server writes, without sending
 * a body: proves the stack answers from the headers alone (Content-Length over the limit, Expect).
 */
export function firstResponseTo(port: number, head: string, partialBody = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head + partialBody));
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`No answer within ${REQUEST_TIMEOUT_MS} ms; received ${JSON.stringify(received)}`));
    }, REQUEST_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (end >= 0 && length !== undefined && received.length >= end + 4 + Number(length)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Sends one hostile request and asserts the answer: its status (or any 4xx) and an AWS-shaped error. */
export async function expectRefused(endpoint: string, request: HostileRequest): Promise<void> {
  const answer = await sendHostile(endpoint, request);
  if (request.status !== undefined) expect(answer.status).toBe(request.status);
  else expect([answer.status, answer.status >= 400 && answer.status < 500]).toEqual([answer.status, true]);
  expect(readAwsError(answer, request.shape)).toEqual({
    code: request.code ?? expect.any(String),
    message: request.message !== undefined ? expect.stringContaining(request.message) : expect.any(String)
  });
}
