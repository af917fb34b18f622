import { buildCommand, type BuildPlan } from '../../../../src/actions/build-image/command.js';

const plan = (overrides: Partial<BuildPlan> = {}): BuildPlan => ({
  context: '/ws/model',
  dockerfile: '/ws/model/Dockerfile',
  references: ['my-model:abc1234', 'my-model:latest'],
  buildArgs: new Map(),
  labels: new Map(),
  cacheFrom: [],
  cacheTo: [],
  platforms: [],
  pull: false,
  noCache: false,
  provenance: false,
  imageIdFile: '/tmp/iid',
  ...overrides
});

describe('buildCommand', () => {
  it('builds the classic command with every tag, the Dockerfile and the context last', () => {
    const command = buildCommand(plan(), 'classic');
    expect(command.args).toEqual([
      'build',
      '--file',
      '/ws/model/Dockerfile',
      '--iidfile',
      '/tmp/iid',
      '--tag',
      'my-model:abc1234',
      '--tag',
      'my-model:latest',
      '--force-rm',
      '/ws/model'
    ]);
    expect(command.env).toEqual({ DOCKER_BUILDKIT: '0' });
    expect(command.warnings).toEqual([]);
    expect(command.loadsImage).toBe(true);
  });

  it.each<[string, Partial<BuildPlan>, string[]]>([
    ['build args', { buildArgs: new Map([['VERSION', '1 2']]) }, ['--build-arg', 'VERSION=1 2']],
    ['labels', { labels: new Map([['a.b', 'c=d']]) }, ['--label', 'a.b=c=d']],
    ['target', { target: 'serve' }, ['--target', 'serve']],
    ['pull', { pull: true }, ['--pull']],
    ['no-cache', { noCache: true }, ['--no-cache']],
    ['cache-from', { cacheFrom: ['my-model:latest'] }, ['--cache-from', 'my-model:latest']],
    ['one platform', { platforms: ['linux/amd64'] }, ['--platform', 'linux/amd64']]
  ])('classic builder passes %s', (_name, overrides, expected) => {
    const args = buildCommand(plan(overrides), 'classic').args;
    const at = args.indexOf(expected[0] as string);
    expect(at).toBeGreaterThan(0);
    expect(args.slice(at, at + expected.length)).toEqual(expected);
  });

  it.each<[string, Partial<BuildPlan>, string]>([
    ['several platforms', { platforms: ['linux/amd64', 'linux/arm64'] }, "'platforms'"],
    ['cache-to', { cacheTo: ['type=gha'] }, "'cache-to'"],
    ['provenance', { provenance: true }, "'provenance'"]
  ])('classic builder warns instead of dropping %s', (_name, overrides, named) => {
    const command = buildCommand(plan(overrides), 'classic');
    expect(command.warnings).toHaveLength(1);
    expect(command.warnings[0]).toContain(named);
    expect(command.args).not.toContain('--cache-to');
    expect(command.args).not.toContain('--provenance=true');
  });

  it('uses buildx with provenance off and --load by default', () => {
    const command = buildCommand(plan(), 'buildx');
    expect(command.args.slice(0, 2)).toEqual(['buildx', 'build']);
    expect(command.args).not.toContain('--force-rm');
    expect(command.args).toContain('--provenance=false');
    expect(command.args).toContain('--load');
    expect(command.loadsImage).toBe(true);
    expect(command.env).toEqual({});
  });

  it('passes buildx platforms and cache-to, and does not --load a multi-platform result', () => {
    const command = buildCommand(
      plan({ platforms: ['linux/amd64', 'linux/arm64'], cacheTo: ['type=gha,mode=max'] }),
      'buildx'
    );
    expect(command.args).toEqual(
      expect.arrayContaining(['--platform', 'linux/amd64,linux/arm64', '--cache-to', 'type=gha,mode=max'])
    );
    expect(command.args).not.toContain('--load');
    expect(command.loadsImage).toBe(false);
    expect(command.warnings).toEqual([
      expect.stringContaining('cannot be loaded into the local image store')
    ]);
  });
});
