import { jest } from '@jest/globals';

/** What the code under test handed to `@actions/core`, for a test's assertions. */
export interface CoreRecord {
  outputs: Record<string, string>;
  warnings: string[];
  secrets: string[];
  /** Job summary parts in order: raw text as it is, `# heading`, a table as its JSON. */
  summary: string[];
  /** State saved with saveState, read back with getState (main and post steps). */
  state: Record<string, string>;
  setFailed: jest.Mock<(message: string | Error) => void>;
  /** Forgets everything recorded; call it in beforeEach. */
  reset(): void;
}

/**
 * Replaces `@actions/core` for the modules a test imports after this call (`await import(...)`), as
 * the runner's toolkit would see them, and records what they set. Inputs come through the actions'
 * `InputReader`, so `getInput` answers empty.
 */
export function mockActionsCore(): CoreRecord {
  const record: CoreRecord = {
    outputs: {},
    warnings: [],
    secrets: [],
    summary: [],
    state: {},
    setFailed: jest.fn<(message: string | Error) => void>(),
    reset() {
      for (const key of Object.keys(record.outputs)) delete record.outputs[key];
      for (const key of Object.keys(record.state)) delete record.state[key];
      record.warnings.length = 0;
      record.secrets.length = 0;
      record.summary.length = 0;
      record.setFailed.mockReset();
    }
  };
  const summary = {
    addRaw: (text: string) => (record.summary.push(text), summary),
    addHeading: (text: string) => (record.summary.push(`# ${text}`), summary),
    addTable: (rows: unknown[][]) => (record.summary.push(JSON.stringify(rows)), summary),
    write: async () => summary
  };
  jest.unstable_mockModule('@actions/core', () => ({
    getInput: () => '',
    info: () => undefined,
    warning: (message: string) => record.warnings.push(message),
    setSecret: (secret: string) => record.secrets.push(secret),
    setOutput: (name: string, value: string) => {
      record.outputs[name] = value;
    },
    getState: (name: string) => record.state[name] ?? '',
    saveState: (name: string, value: string) => {
      record.state[name] = value;
    },
    setFailed: record.setFailed,
    summary
  }));
  return record;
}
