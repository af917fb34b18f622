import type { OutgoingHttpHeaders } from 'node:http';
import type { RunningInstance } from '../../../../../src/local-stack/services/sagemaker/hosting/fleet.js';
import {
  containersToCall,
  invokeInOrder,
  MAX_INTERMEDIATE_PAYLOAD_BYTES,
  type PostInvocation
} from '../../../../../src/local-stack/services/sagemaker-runtime/pipeline.js';

const instance: RunningInstance = {
  containers: ['prep', 'model', 'post'].map((hostname, index) => ({
    id: `c${index}`,
    hostname,
    url: `http://127.0.0.1:${9000 + index}`
  }))
};

/** Containers that tag what they received, and record each request. */
function recordingPost(status: (hostname: string) => number = () => 200) {
  const calls: { hostname: string; headers: OutgoingHttpHeaders; body: string }[] = [];
  const post: PostInvocation = async (container, headers, body) => {
    calls.push({ hostname: container.hostname, headers, body: body.toString('utf8') });
    return {
      status: status(container.hostname),
      headers: { 'content-type': `application/x-${container.hostname}` },
      body: Buffer.from(`${container.hostname}(${body.toString('utf8')})`)
    };
  };
  return { calls, post };
}

describe('calling the containers of an instance', () => {
  it('chains a serial pipeline: each answer and its content type are the next request; Accept goes to the last', async () => {
    const { calls, post } = recordingPost();
    const result = await invokeInOrder(
      instance.containers,
      { 'content-type': 'text/csv', accept: 'application/json', 'x-amzn-sagemaker-custom-attributes': 'a=1' },
      Buffer.from('1,2'),
      post
    );
    expect(result.hostname).toBe('post');
    expect(result.answer.body.toString()).toBe('post(model(prep(1,2)))');
    expect(calls).toEqual([
      {
        hostname: 'prep',
        headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-custom-attributes': 'a=1' },
        body: '1,2'
      },
      {
        hostname: 'model',
        headers: { 'content-type': 'application/x-prep', 'x-amzn-sagemaker-custom-attributes': 'a=1' },
        body: 'prep(1,2)'
      },
      {
        hostname: 'post',
        headers: {
          'content-type': 'application/x-model',
          'x-amzn-sagemaker-custom-attributes': 'a=1',
          accept: 'application/json'
        },
        body: 'model(prep(1,2))'
      }
    ]);
  });

  it('stops at the first container that does not answer 2xx, and names it', async () => {
    const { calls, post } = recordingPost((hostname) => (hostname === 'model' ? 500 : 200));
    const result = await invokeInOrder(instance.containers, {}, Buffer.from('x'), post);
    expect([result.hostname, result.answer.status]).toEqual(['model', 500]);
    expect(calls.map((call) => call.hostname)).toEqual(['prep', 'model']);
  });

  it('refuses to hand on an answer over 5 MB', async () => {
    const post: PostInvocation = async () => ({
      status: 200,
      headers: {},
      body: Buffer.alloc(MAX_INTERMEDIATE_PAYLOAD_BYTES + 1)
    });
    const result = await invokeInOrder(instance.containers, {}, Buffer.from('x'), post);
    expect(result.oversized).toEqual({
      from: 'prep',
      to: 'model',
      bytes: MAX_INTERMEDIATE_PAYLOAD_BYTES + 1
    });
  });

  it('calls every container in series, or only the one a Direct request names', () => {
    expect(containersToCall(instance, 'Serial', undefined, 'ep')).toBe(instance.containers);
    expect(containersToCall(instance, 'Direct', 'model', 'ep').map((container) => container.id)).toEqual([
      'c1'
    ]);
  });

  it.each<[string, 'Serial' | 'Direct', string | undefined, string]>([
    [
      'a Direct request without a hostname',
      'Direct',
      undefined,
      'name the container to invoke with TargetContainerHostname (one of: prep, model, post)'
    ],
    ['an unknown hostname', 'Direct', 'absent', 'The container hostname absent is not in endpoint ep'],
    [
      'a hostname sent to a serial endpoint',
      'Serial',
      'model',
      'only accepted by endpoints configured for direct invocation'
    ]
  ])('refuses %s with a ValidationError', (_, mode, hostname, message) => {
    let thrown: unknown;
    try {
      containersToCall(instance, mode, hostname, 'ep');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'ValidationError', message: expect.stringContaining(message) });
  });
});
