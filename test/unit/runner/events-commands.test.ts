import { CommandProcessor, Masker, parseCommand } from '../../../src/runner/commands.js';
import { describeTrigger, filterPattern, triggerMismatch, type Trigger } from '../../../src/runner/events.js';

const trigger = (overrides: Partial<Trigger>): Trigger => ({
  eventName: 'push',
  payload: {},
  repository: 'acme/model',
  sha: 'a'.repeat(40),
  ref: 'refs/heads/main',
  refName: 'main',
  headRef: '',
  baseRef: '',
  ...overrides
});

describe('on: filters', () => {
  it.each([
    ['main', 'main', true],
    ['release/*', 'release/1.0', true],
    ['release/*', 'release/1.0/hotfix', false],
    ['release/**', 'release/1.0/hotfix', true],
    ['feature-?', 'feature', true],
    ['feature-?', 'feature-a', false],
    ['v[12]', 'v3', false]
  ])('pattern %s against %s: %s', (pattern, name, expected) => {
    expect(filterPattern(pattern).test(name)).toBe(expected);
  });

  it('runs a push on a listed branch and names why another does not run', () => {
    const events = { push: { branches: ['main', 'release/**', '!release/old'] } };
    expect(triggerMismatch(events, trigger({}))).toBeUndefined();
    expect(triggerMismatch(events, trigger({ ref: 'refs/heads/dev', refName: 'dev' }))).toMatch(/branch dev/);
    expect(
      triggerMismatch(events, trigger({ ref: 'refs/heads/release/old', refName: 'release/old' }))
    ).toMatch(/release\/old/);
    expect(triggerMismatch(events, trigger({ eventName: 'pull_request' }))).toMatch(
      /does not run on pull_request/
    );
  });

  it('filters pull requests by base branch and type (opened, synchronize, reopened by default)', () => {
    const pr = (action: string, baseRef = 'main') =>
      trigger({ eventName: 'pull_request', payload: { action }, baseRef, ref: 'refs/pull/1/merge' });
    expect(triggerMismatch({ pull_request: {} }, pr('opened'))).toBeUndefined();
    expect(triggerMismatch({ pull_request: {} }, pr('closed'))).toMatch(/closed is not among its types/);
    expect(triggerMismatch({ pull_request: { types: ['closed'] } }, pr('closed'))).toBeUndefined();
    expect(triggerMismatch({ pull_request: { branches: ['main'] } }, pr('opened', 'dev'))).toMatch(
      /branch dev/
    );
  });

  it('describes a pull request from its payload, as GitHub fills the github context', () => {
    const described = describeTrigger(
      'pull_request',
      {
        action: 'synchronize',
        pull_request: {
          number: 42,
          head: { ref: 'feature', sha: 'b'.repeat(40), repo: { full_name: 'fork/model' } },
          base: { ref: 'main', repo: { full_name: 'acme/model' } }
        },
        repository: { full_name: 'acme/model' }
      },
      process.cwd(),
      {}
    );
    expect(described).toMatchObject({
      repository: 'acme/model',
      sha: 'b'.repeat(40),
      ref: 'refs/pull/42/merge',
      headRef: 'feature',
      baseRef: 'main'
    });
  });
});

describe('workflow commands', () => {
  it('decodes commands as @actions/core encodes them', () => {
    expect(parseCommand('::set-output name=a%3Ab::line1%0Aline2')).toEqual({
      name: 'set-output',
      properties: { name: 'a:b' },
      message: 'line1\nline2'
    });
    expect(parseCommand('plain text')).toBeUndefined();
  });

  it('masks secrets and ::add-mask:: values in every later line, and honours stop-commands', () => {
    const masker = new Masker();
    masker.add('hunter2');
    const lines: string[] = [];
    const processor = new CommandProcessor(masker, {
      line: (text) => lines.push(text),
      groupStart: (title) => lines.push(`[group ${title}]`),
      groupEnd: () => lines.push('[end]'),
      annotation: (annotation) => lines.push(`[${annotation.level}] ${annotation.message}`),
      debug: () => undefined
    });
    processor.write('password hunter2\n::add-mask::tok');
    processor.write('en-123\nthe token-123 is hidden\n::stop-commands::pause\n::add-mask::not-a-command\n');
    processor.write('::pause::\n::error file=a.ts,line=3::bad hunter2\n::save-state name=k::v\n');
    processor.end();
    expect(lines).toEqual([
      'password ***',
      'the *** is hidden',
      '::add-mask::not-a-command',
      '[error] bad ***'
    ]);
    expect(processor.effects.state).toEqual({ k: 'v' });
    expect(masker.hides('xx token-123 xx')).toBe(true);
  });
});
