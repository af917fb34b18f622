import { Progress, QUIET_MS } from '../../../src/runner/progress.js';
import { Report } from '../../../src/runner/report.js';

// A clock the test moves by hand, and tick() called as the timer would: nothing here waits.
function setUp(columns?: number) {
  let now = 1_000_000;
  const printed: string[] = [];
  const drawn: string[] = [];
  const terminal = { write: (text: string) => void drawn.push(text), columns: () => columns };
  return {
    printed,
    drawn,
    advance: (ms: number) => (now += ms),
    terminalProgress: new Progress(
      terminal,
      (text) => printed.push(text),
      () => now
    ),
    plainProgress: new Progress(
      undefined,
      (text) => printed.push(text),
      () => now
    )
  };
}

describe('live progress of the running step', () => {
  it('draws on a terminal what the step is doing and for how long, cleared before each log line', () => {
    const { drawn, printed, advance, terminalProgress: progress } = setUp();
    progress.start('Run build-image');
    progress.update('Step 6/11 : RUN python3 train.py');
    advance(12_000);
    progress.tick();
    expect(drawn.at(-1)).toBe(
      '\r\x1b[2K  ⋯ Run build-image: running for 12.0s · Step 6/11 : RUN python3 train.py (for 12.0s)'
    );
    progress.printLine('    Built it');
    expect(drawn.at(-2)).toBe('\r\x1b[2K');
    expect(printed).toEqual(['    Built it']);
    expect(drawn.at(-1)?.startsWith('\r\x1b[2K  ⋯ Run build-image: running for 12.0s')).toBe(true);
    progress.stop();
    expect(drawn.at(-1)).toBe('\r\x1b[2K');
    progress.tick();
    expect(drawn.at(-1)).toBe('\r\x1b[2K');
  });

  it('cuts the status line to the terminal width', () => {
    const { drawn, terminalProgress: progress } = setUp(30);
    progress.start('Run deploy-cfn-stack');
    progress.update('Endpoint diabetes-model-prod: Creating');
    progress.tick();
    const line = (drawn.at(-1) as string).replace('\r\x1b[2K', '');
    expect(line).toHaveLength(29);
    expect(line.endsWith('…')).toBe(true);
    progress.stop();
  });

  it('prints a plain line without a terminal only when the step has been quiet for a while', () => {
    const { printed, advance, plainProgress: progress } = setUp();
    progress.start('Run deploy-cfn-stack');
    progress.printLine('    Executing change set');
    progress.update('2026-12-02T16:33:21Z  Endpoint  AWS::SageMaker::Endpoint  UPDATE_IN_PROGRESS');
    advance(QUIET_MS - 1);
    progress.tick();
    expect(printed).toEqual(['    Executing change set']);
    advance(1);
    progress.tick();
    expect(printed.at(-1)).toBe(
      '    … Run deploy-cfn-stack: running for 30.0s · 2026-12-02T16:33:21Z  Endpoint  AWS::SageMaker::Endpoint  UPDATE_IN_PROGRESS (for 30.0s)'
    );
    expect(printed.join('')).not.toContain('\x1b');
    progress.stop();
  });
});

describe('the report with a terminal', () => {
  it("shows a folded group's latest line as the step's progress, and keeps the status line out of the log", () => {
    const drawn: string[] = [];
    const printed: string[] = [];
    const report = new Report((text) => printed.push(text), undefined, false, {
      write: (text) => void drawn.push(text),
      columns: () => undefined
    });
    const { sink, end } = report.step('Run build-image');
    sink.groupStart('docker build diabetes-model:abc');
    sink.line('Step 3/11 : RUN apt-get update');
    expect(drawn.at(-1)).toContain('Run build-image: running for');
    end('success');
    expect(drawn.some((text) => text.includes('Step 3/11'))).toBe(true);
    expect(printed.join('\n')).not.toContain('Step 3/11');
    expect(printed.join('\n')).not.toContain('⋯');
  });
});
