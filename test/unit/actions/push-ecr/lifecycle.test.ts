import { retentionPolicy } from '../../../../src/actions/push-ecr/lifecycle.js';
import { evaluateLifecycle } from '../../../../src/local-stack/services/ecr/lifecycle-evaluation.js';
import { parseLifecyclePolicy } from '../../../../src/local-stack/services/ecr/lifecycle-policy.js';

const NOW = new Date('2026-06-30T12:00:00Z');
const image = (digest: string, tags: string[], ageDays: number) => ({
  digest,
  tags,
  pushedAt: new Date(NOW.getTime() - ageDays * 86_400_000)
});

/** What the policy expires, by digest, evaluated as ECR documents it (the local stack's evaluator). */
function expired(policy: string, images: ReturnType<typeof image>[]): string[] {
  return evaluateLifecycle(parseLifecyclePolicy(policy), images, NOW)
    .map((expiry) => expiry.image.digest)
    .sort();
}

describe('the default retention policy by tag prefix', () => {
  const policy = retentionPolicy({ keepImages: 3, previewRetentionDays: 14 });

  it('is a policy ECR accepts: release rule first, the count over every image last', () => {
    const rules = parseLifecyclePolicy(policy);
    expect(rules.map(({ rulePriority, selection }) => [rulePriority, selection])).toEqual([
      [
        1,
        {
          tagStatus: 'tagged',
          tagPrefixList: ['release-'],
          countType: 'imageCountMoreThan',
          countNumber: 9999
        }
      ],
      [
        2,
        {
          tagStatus: 'tagged',
          tagPrefixList: ['pr-'],
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 14
        }
      ],
      [3, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }],
      [4, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 3 }]
    ]);
  });

  it('never expires release images, expires old previews and untagged images, keeps the newest commits', () => {
    const images = [
      image('approved-long-ago', ['release-diabetes-model-1', 'a1b2c3d'], 400),
      image('approved-release-only', ['release-diabetes-model-2'], 300),
      image('old-commit', ['0f0f0f0'], 40),
      image('older-commit', ['1e1e1e1'], 30),
      image('old-preview', ['pr-7-aaaa'], 15),
      image('recent-preview', ['pr-8-bbbb'], 13),
      image('old-untagged', [], 2.5),
      image('commit-3', ['3c3c3c3'], 3),
      image('commit-2', ['2b2b2b2'], 2),
      image('fresh-untagged', [], 0.5),
      image('commit-1', ['1a1a1a1'], 1)
    ];
    // The five newest: fresh-untagged, commit-1, commit-2, old-untagged, commit-3.
    expect(expired(retentionPolicy({ keepImages: 5, previewRetentionDays: 14 }), images)).toEqual([
      'old-commit',
      'old-preview',
      'old-untagged',
      'older-commit'
    ]);
  });

  it('counts every image towards keep-images, but only commit images expire beyond it', () => {
    // ECR's rule: the last (any) rule still counts images that earlier rules selected. Two recent previews
    // take two of the three places, so of the commit images only the newest stays.
    const images = [
      image('commit-old', ['c0c0c0c'], 5),
      image('commit-mid', ['c1c1c1c'], 4),
      image('commit-new', ['c2c2c2c'], 3),
      image('preview-a', ['pr-1-a'], 2),
      image('preview-b', ['pr-1-b'], 1)
    ];
    expect(expired(policy, images)).toEqual(['commit-mid', 'commit-old']);
  });

  it('protects an image by any one of its tags: a commit image that is also a release stays', () => {
    const images = [image('released', ['9a9a9a9', 'release-m-4'], 50)];
    expect(
      expired(retentionPolicy({ keepImages: 1, previewRetentionDays: 1 }), [
        ...images,
        image('newer', ['8b8b8b8'], 1),
        image('newest', ['7c7c7c7'], 0)
      ])
    ).toEqual(['newer']);
  });
});
