import { evaluateLifecycle } from '../../../../../src/local-stack/services/ecr/lifecycle-evaluation.js';
import {
  parseLifecyclePolicy,
  type LifecycleRule
} from '../../../../../src/local-stack/services/ecr/lifecycle-policy.js';

const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

/** Images named by digest; pushed `age` days ago. */
const image = (digest: string, tags: string[], age: number) => ({ digest, tags, pushedAt: daysAgo(age) });

function rule(rulePriority: number, selection: Partial<LifecycleRule['selection']>): LifecycleRule {
  return {
    rulePriority,
    selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1, ...selection },
    action: { type: 'expire' }
  };
}

const expired = (rules: LifecycleRule[], images: ReturnType<typeof image>[], protect: string[] = []) =>
  evaluateLifecycle(rules, images, NOW, new Set(protect)).map(
    ({ image: { digest }, rule: { rulePriority } }) => [digest, rulePriority]
  );

describe("ECR lifecycle evaluation (AWS's documented rule semantics)", () => {
  it("expires what a rule's tag selection holds beyond its count, oldest first", () => {
    const images = [image('a', ['prod-1'], 5), image('b', ['prod-2'], 4), image('c', ['prod-3'], 3)];
    expect(
      expired([rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'], countNumber: 1 })], images)
    ).toEqual([
      ['a', 1],
      ['b', 1]
    ]);
  });

  // The two examples of "Lifecycle policy evaluation rules" in the ECR user guide.
  it('example A: a lower rule still counts an image a higher rule expired, but expires it only once', () => {
    const images = [
      image('A', ['alpha-1', 'beta-1'], 10),
      image('B', ['beta-2'], 9),
      image('C', ['alpha-2'], 8)
    ];
    const rules = [
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha'], countNumber: 1 }),
      rule(2, { tagStatus: 'tagged', tagPrefixList: ['beta'], countNumber: 1 })
    ];
    expect(expired(rules, images)).toEqual([['A', 1]]);
  });

  it('example B: images matched by a higher rule are never expired by a lower one', () => {
    const images = [
      image('A', ['alpha-1', 'beta-1', 'gamma-1'], 10),
      image('B', ['alpha-2', 'beta-2'], 9),
      image('C', ['alpha-3', 'beta-3', 'gamma-2'], 8)
    ];
    const rules = [
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha'], countNumber: 1 }),
      rule(2, { tagStatus: 'tagged', tagPrefixList: ['beta'], countNumber: 1 })
    ];
    expect(expired(rules, images)).toEqual([
      ['A', 1],
      ['B', 1]
    ]);
  });

  it("keeps what a higher rule's selection kept from an `any` rule, which still counts it", () => {
    const images = [
      image('old-dev', ['dev-1'], 6),
      image('old-prod', ['prod-1'], 5),
      image('dev', ['dev-2'], 2),
      image('prod', ['prod-2'], 1)
    ];
    const rules = [
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'], countNumber: 5 }),
      rule(2, { tagStatus: 'any', countNumber: 1 })
    ];
    expect(expired(rules, images)).toEqual([
      ['old-dev', 2],
      ['dev', 2]
    ]);
  });

  // "Filtering on all images", example B of the ECR user guide's lifecycle policy examples, verbatim.
  it('an `any` rule counts the images higher rules identified, yet expires only the others', () => {
    const images = [
      image('A', ['alpha-1', 'beta-1'], 4),
      image('B', [], 3),
      image('C', ['alpha-2'], 2),
      image('D', ['git hash'], 1),
      image('E', [], 0.9)
    ];
    const rules = [
      rule(1, { tagStatus: 'tagged', tagPatternList: ['alpha*'], countNumber: 1 }),
      rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
      rule(3, { tagStatus: 'any', countNumber: 1 })
    ];
    expect(expired(rules, images)).toEqual([
      ['A', 1],
      ['B', 2],
      ['D', 3]
    ]);
  });

  it('keeps what a higher transition rule selects out of lower expire rules, though it expires nothing', () => {
    const images = [
      image('archived', ['prod-1'], 30),
      image('dev', ['dev-1'], 20),
      image('new', ['dev-2'], 1)
    ];
    const rules: LifecycleRule[] = [
      {
        ...rule(1, { tagStatus: 'tagged', tagPrefixList: ['prod'], countNumber: 1 }),
        action: { type: 'transition', targetStorageClass: 'archive' }
      },
      rule(2, { tagStatus: 'any', countNumber: 1 })
    ];
    expect(expired(rules, images)).toEqual([['dev', 2]]);
  });

  it('selects, with several prefixes or patterns, only images that have a tag for each of them', () => {
    const images = [
      image('both', ['release-1', 'stable'], 9),
      image('release-only', ['release-2'], 8),
      image('newest-both', ['release-3', 'stable-x'], 1)
    ];
    const prefixes = rule(1, { tagStatus: 'tagged', tagPrefixList: ['release', 'stable'], countNumber: 1 });
    expect(expired([prefixes], images)).toEqual([['both', 1]]);
    const patterns = rule(1, { tagStatus: 'tagged', tagPatternList: ['rel*se-*', '*able*'], countNumber: 1 });
    expect(expired([patterns], images)).toEqual([['both', 1]]);
    const anchored = rule(1, { tagStatus: 'tagged', tagPatternList: ['release'], countNumber: 1 });
    expect(expired([anchored], images)).toEqual([]);
  });

  it('selects untagged images only with tagStatus untagged, and expires them by age with sinceImagePushed', () => {
    const images = [
      image('untagged-old', [], 20),
      image('untagged-new', [], 2),
      image('tagged-old', ['v1'], 30)
    ];
    const rules = [
      rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 })
    ];
    expect(expired(rules, images)).toEqual([['untagged-old', 1]]);
  });

  it('never expires an image a manifest list references', () => {
    const images = [image('child', [], 20), image('index', ['v1'], 20)];
    const rules = [
      rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })
    ];
    expect(expired(rules, images, ['child'])).toEqual([]);
  });

  it('orders rules by rulePriority, whatever their order in the document', () => {
    const rules = parseLifecyclePolicy(
      JSON.stringify({
        rules: [
          {
            rulePriority: 9,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
            action: { type: 'expire' }
          },
          {
            rulePriority: 2,
            selection: {
              tagStatus: 'tagged',
              tagPrefixList: ['v'],
              countType: 'imageCountMoreThan',
              countNumber: 5
            },
            action: { type: 'expire' }
          }
        ]
      })
    );
    expect(rules.map((parsed) => parsed.rulePriority)).toEqual([2, 9]);
    const images = [image('v-old', ['v1'], 3), image('x-old', ['x1'], 2), image('v-new', ['v2'], 1)];
    expect(expired(rules, images)).toEqual([['x-old', 9]]);
  });

  it.each([
    [
      'an `any` rule that is not the last',
      [
        { rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 } },
        {
          rulePriority: 2,
          selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }
        }
      ],
      /tagStatus 'any' \(rulePriority 1\) must have the highest rulePriority/
    ],
    [
      'two rules for untagged images',
      [
        {
          rulePriority: 1,
          selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }
        },
        {
          rulePriority: 2,
          selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 2 }
        }
      ],
      /only one rule may select untagged images/
    ],
    [
      'both prefixes and patterns',
      [
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['a'],
            tagPatternList: ['b*'],
            countType: 'imageCountMoreThan',
            countNumber: 1
          }
        }
      ],
      /tagPrefixList or tagPatternList, not both/
    ],
    [
      'one set of tag prefixes in two rules',
      [
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['a', 'b'],
            countType: 'imageCountMoreThan',
            countNumber: 1
          }
        },
        {
          rulePriority: 2,
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['b', 'a'],
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 1
          }
        }
      ],
      /tagPrefixList \["a","b"\] is used by two rules/
    ],
    [
      'more than four wildcards',
      [
        {
          rulePriority: 1,
          selection: {
            tagStatus: 'tagged',
            tagPatternList: ['*a*b*c*d*'],
            countType: 'imageCountMoreThan',
            countNumber: 1
          }
        }
      ],
      /more than 4 wildcards/
    ]
  ])('refuses a policy with %s', (_case, rules, message) => {
    const text = JSON.stringify({ rules: rules.map((entry) => ({ ...entry, action: { type: 'expire' } })) });
    expect(() => parseLifecyclePolicy(text.padEnd(100, ' '))).toThrow(message);
  });
});
