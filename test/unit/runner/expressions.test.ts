import { evaluateExpression, type Functions } from '../../../src/runner/expressions.js';

// Only the contexts an expression names are handed to the evaluator: every way of naming one must still
// reach it.
const contexts = {
  github: { ref_name: 'main', event: { steps: 'not the steps context' } },
  env: { NAME: 'model' },
  steps: { build: { outputs: { tag: 'v1' } } },
  needs: { test: { result: 'success' } }
};
const functions: Functions = { status: () => 'success', hashFiles: () => '' };

describe('evaluateExpression', () => {
  it.each([
    ['GitHub.Ref_Name', 'main'],
    ["format('{0}-{1}', steps.build.outputs.tag, ENV.NAME)", 'v1-model'],
    ["github.event.steps == 'not the steps context'", true],
    ["success() && contains(toJSON(needs), 'success')", true],
    ["steps['build'].outputs.tag", 'v1'],
    ['always()', true]
  ])('%s', (expression, expected) => {
    expect(evaluateExpression(expression, contexts, functions)).toEqual(expected);
  });
});
