import { parseFileCommands } from '../../../src/runner/bundled-action.js';

describe('parseFileCommands', () => {
  it('reads single-line and heredoc values as @actions/core writes them', () => {
    const text = 'pushed=false\ntags<<ghadelimiter_1\nv1\nlatest\nghadelimiter_1\ndigest=sha256:ab=cd\n';
    expect(parseFileCommands(text)).toEqual({ pushed: 'false', tags: 'v1\nlatest', digest: 'sha256:ab=cd' });
  });
});
