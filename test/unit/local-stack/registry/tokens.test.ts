import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationTokens } from '../../../../src/local-stack/registry/tokens.js';
import { StateStore } from '../../../../src/local-stack/state.js';

describe('registry authorization tokens', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-tokens-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const at = (iso: string) => new Date(iso);

  it('are valid until they expire, then reported as expired', () => {
    const tokens = new AuthorizationTokens(new StateStore(dataDir), 3600);
    const { password, expiresAt } = tokens.issue(at('2026-01-01T00:00:00Z'));
    expect(expiresAt).toEqual(at('2026-01-01T01:00:00Z'));
    expect(tokens.check(password, at('2026-01-01T00:59:59Z'))).toBe('valid');
    expect(tokens.check(password, at('2026-01-01T01:00:00Z'))).toBe('expired');
    expect(tokens.check(`${password}x`, at('2026-01-01T00:30:00Z'))).toBe('unknown');
  });

  it('survive a restart, stored only as hashes', () => {
    const { password } = new AuthorizationTokens(new StateStore(dataDir)).issue();
    const files = readdirSync(join(dataDir, 'state'));
    for (const file of files)
      expect(readFileSync(join(dataDir, 'state', file), 'utf8')).not.toContain(password);
    expect(new AuthorizationTokens(new StateStore(dataDir)).check(password)).toBe('valid');
  });

  it('are forgotten a day after they expire', () => {
    const tokens = new AuthorizationTokens(new StateStore(dataDir), 3600);
    const old = tokens.issue(at('2026-01-01T00:00:00Z')).password;
    tokens.issue(at('2026-01-02T01:00:01Z'));
    expect(tokens.check(old, at('2026-01-02T01:00:02Z'))).toBe('unknown');
  });
});
