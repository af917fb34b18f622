import { parsePublishedPort, runArguments } from '../../../../src/actions/smoke-test-endpoint/container.js';

describe('the local container of image mode', () => {
  it('is started as SageMaker starts it (`serve`), published on loopback only at a free port', () => {
    expect(runArguments('diabetes-model:abc')).toEqual([
      'run',
      '--detach',
      '--publish',
      '127.0.0.1::8080',
      '--label',
      'modelship.smoke-test=true',
      'diabetes-model:abc',
      'serve'
    ]);
  });

  it.each([
    ['127.0.0.1:49153\n', 'http://127.0.0.1:49153'],
    ['[::1]:49154\n127.0.0.1:49155\n', 'http://127.0.0.1:49155'],
    ['', undefined],
    ['Error: No public port 8080/tcp published', undefined]
  ])('reads the published port from `docker port` output %j', (output, url) => {
    expect(parsePublishedPort(output)).toBe(url);
  });
});
