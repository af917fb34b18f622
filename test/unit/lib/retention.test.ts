import { releaseTag } from '../../../src/lib/retention.js';

/** ECR's rule for an image tag. */
const ECR_TAG = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}$/;

describe('release tags', () => {
  it('name the model and version as they are when a tag can hold them', () => {
    expect(releaseTag('diabetes-model', 12)).toBe('release-diabetes-model-12');
    expect(releaseTag('churn_v2.1', 3)).toBe('release-churn_v2.1-3');
  });

  it('replace what an ECR tag cannot hold, and keep the version when the name is too long', () => {
    expect(releaseTag('Churn model / EU', 4)).toBe('release-Churn-model-EU-4');
    const long = releaseTag('m'.repeat(300), 123456);
    expect(long).toHaveLength(128);
    expect(long.endsWith('m-123456')).toBe(true);
    expect(long).toMatch(ECR_TAG);
  });
});
