import {
  latencyChart,
  nextState,
  renderComment,
  versionLabel
} from '../../../../src/actions/preview-comment/render.js';
import { MARKER, decodeState, isPreviewComment } from '../../../../src/actions/preview-comment/state.js';
import type { Deployment } from '../../../../src/actions/preview-comment/types.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function deployment(version: number, p95 = 40): Deployment {
  return {
    outcome: 'deployed',
    endpointName: 'diabetes-model-pr-7',
    stackName: 'diabetes-model-pr-7',
    region: 'us-east-1',
    commit: 'f00dfeed1234567',
    imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/diabetes-model@${DIGEST}`,
    modelPackageArn: `arn:aws:sagemaker:us-east-1:123456789012:model-package/diabetes-model-previews/${version}`,
    smoke: {
      passed: 1,
      failed: 1,
      cases: [
        { name: 'predict json', passed: true, status: 200, latencyMs: 12.34 },
        { name: 'bad | payload', passed: false, status: 500, latencyMs: 250 }
      ],
      latency: { p50: 10, p95, p99: p95 + 5, max: p95 + 10, requests: 100 }
    },
    changes: [
      {
        action: 'Modify',
        logicalId: 'EndpointConfig',
        type: 'AWS::SageMaker::EndpointConfig',
        replacement: 'True'
      },
      { action: 'Modify', logicalId: 'Endpoint', type: 'AWS::SageMaker::Endpoint', replacement: 'False' }
    ]
  };
}

describe('the preview comment', () => {
  it('starts with the marker and carries its state, which decodes back', () => {
    const state = nextState({}, { kind: 'deployment', deployment: deployment(1) });
    const body = renderComment(state);
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(isPreviewComment(body)).toBe(true);
    expect(isPreviewComment(`quoted: ${MARKER}`)).toBe(false);
    expect(decodeState(body)).toEqual(state);
  });

  it('shows endpoint, digest, model version, the smoke table with escaped cells and flagged replacements', () => {
    const body = renderComment(nextState({}, { kind: 'deployment', deployment: deployment(3) }));
    expect(body).toContain('## Preview endpoint `diabetes-model-pr-7`: ✅ deployed');
    expect(body).toContain(`| Image | \`${DIGEST}\` |`);
    expect(body).toContain('| Model version | `diabetes-model-previews/3` |');
    expect(body).toContain('### Smoke test: 1 passed, 1 failed');
    expect(body).toContain('| predict json | ✅ pass | 200 | 12.3 |');
    expect(body).toContain('| bad \\| payload | ❌ fail | 500 | 250 |');
    expect(body).toContain(
      '| Modify | `EndpointConfig` | AWS::SageMaker::EndpointConfig | **⚠️ replaced** |'
    );
    expect(body).toContain('| Modify | `Endpoint` | AWS::SageMaker::Endpoint | False |');
    expect(body).toContain('1 resource(s) replaced');
    expect(body).toContain('aws sagemaker-runtime invoke-endpoint --region us-east-1');
    expect(body).toContain('no previous version to compare with yet');
  });

  it("compares a new version's latency with the previous version's, and keeps it on a re-run", () => {
    const first = nextState({}, { kind: 'deployment', deployment: deployment(1, 40) });
    const second = nextState(first, { kind: 'deployment', deployment: deployment(2, 80) });
    expect(second.previous).toEqual({
      label: 'diabetes-model-previews/1',
      latency: { p50: 10, p95: 40, p99: 45, max: 50, requests: 100 }
    });
    const rerun = nextState(second, { kind: 'deployment', deployment: deployment(2, 81) });
    expect(rerun.previous?.label).toBe('diabetes-model-previews/1');
    const body = renderComment(second);
    expect(body).toContain('previous version `diabetes-model-previews/1`: p50 10.0 ms · p95 40.0 ms');
    expect(body).toContain('  bar [10, 80, 85, 90]');
    expect(body).toContain('  line [10, 40, 45, 50]');
  });

  it('draws a Mermaid xychart scaled to the larger series', () => {
    const chart = latencyChart({ p50: 1, p95: 2, p99: 3, max: 100, requests: 4 }, 'g/2', {
      label: 'g/"1"',
      latency: { p50: 1, p95: 2, p99: 3, max: 4, requests: 4 }
    });
    expect(chart.split('\n')).toEqual([
      '```mermaid',
      'xychart-beta',
      `  title "Latency (ms): g/2 (bars) vs g/'1' (line)"`,
      '  x-axis ["p50", "p95", "p99", "max"]',
      '  y-axis "ms" 0 --> 110',
      '  bar [1, 2, 3, 100]',
      '  line [1, 2, 3, 4]',
      '```'
    ]);
  });

  it('says a failed run failed and a run without smoke test or deploy that they did not run', () => {
    const failed: Deployment = { ...deployment(1), outcome: 'failed' };
    delete failed.smoke;
    delete failed.changes;
    const body = renderComment(nextState({}, { kind: 'deployment', deployment: failed }));
    expect(body).toContain(': ❌ deploy or smoke test failed');
    expect(body).toContain('The smoke test did not run');
    expect(body).toContain('No change set was made');
    expect(body).not.toContain('### Invoke it');
  });

  it('on teardown says it was torn down and keeps the last deployment', () => {
    const deployed = nextState({}, { kind: 'deployment', deployment: deployment(1) });
    const closed = nextState(deployed, { kind: 'teardown', at: '2026-12-02T17:00:00.000Z' });
    const body = renderComment(closed);
    expect(body).toContain('## Preview endpoint `diabetes-model-pr-7`: torn down');
    expect(body).toContain('torn down at 2026-12-02T17:00:00.000Z');
    expect(body).not.toContain('### Invoke it');
    expect(decodeState(body).deployment).toEqual(deployment(1));
  });

  it('names a version by digest when it was not registered', () => {
    const unregistered = { ...deployment(1) };
    delete unregistered.modelPackageArn;
    expect(versionLabel(unregistered)).toBe(`sha256:${'ab'.repeat(6)}`);
  });
});
