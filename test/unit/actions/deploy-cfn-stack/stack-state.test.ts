import { planFor, succeeded } from '../../../../src/actions/deploy-cfn-stack/stack-state.js';
import { stack } from './fixtures.js';

describe('planFor', () => {
  it('creates a stack that does not exist', () => {
    expect(planFor(undefined, false)).toEqual({ kind: 'create' });
  });

  it.each([
    ['REVIEW_IN_PROGRESS', false, 'create'],
    ['CREATE_COMPLETE', false, 'update'],
    ['UPDATE_COMPLETE', false, 'update'],
    ['UPDATE_ROLLBACK_COMPLETE', false, 'update'],
    ['UPDATE_FAILED', false, 'update'],
    ['IMPORT_COMPLETE', false, 'update'],
    ['CREATE_IN_PROGRESS', false, 'wait'],
    ['UPDATE_IN_PROGRESS', false, 'wait'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', false, 'wait'],
    ['UPDATE_ROLLBACK_IN_PROGRESS', false, 'wait'],
    ['DELETE_IN_PROGRESS', false, 'wait'],
    ['ROLLBACK_COMPLETE', false, 'refuse'],
    ['ROLLBACK_COMPLETE', true, 'recreate'],
    ['CREATE_FAILED', true, 'recreate'],
    ['UPDATE_ROLLBACK_FAILED', true, 'refuse'],
    ['ROLLBACK_FAILED', true, 'refuse'],
    ['DELETE_FAILED', false, 'refuse']
  ])('%s (recreate-failed-stack %s) → %s', (status, recreate, kind) => {
    expect(planFor(stack(status), recreate).kind).toBe(kind);
  });

  it.each([
    ['ROLLBACK_COMPLETE', /recreate-failed-stack: true/],
    ['UPDATE_ROLLBACK_FAILED', /continue-update-rollback/],
    ['DELETE_FAILED', /--retain-resources/]
  ])('says how to get %s going again', (status, remedy) => {
    const plan = planFor(stack(status), false);
    expect(plan.kind === 'refuse' && plan.remedy).toMatch(remedy);
  });
});

describe('succeeded', () => {
  it.each([
    ['CREATE_COMPLETE', 'deploy', true],
    ['UPDATE_COMPLETE', 'deploy', true],
    ['UPDATE_ROLLBACK_COMPLETE', 'deploy', false],
    ['ROLLBACK_COMPLETE', 'deploy', false],
    ['DELETE_COMPLETE', 'deploy', false],
    ['DELETE_COMPLETE', 'delete', true],
    ['DELETE_FAILED', 'delete', false]
  ] as const)('%s after a %s → %s', (status, operation, expected) => {
    expect(succeeded(status, operation)).toBe(expected);
  });
});
