import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { TokenType } from '@actions/expressions/lexer';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import {
  isBasicExpression,
  isBoolean,
  isLiteral,
  isMapping,
  isNumber,
  isSequence,
  isString
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { ensureStatusFunction } from '@actions/workflow-parser/model/converter/if-condition';

/** The contexts an expression can read, as plain JSON (github, env, secrets, steps, needs, ...). */
export type Contexts = Record<string, unknown>;

/** What the status functions and hashFiles need from the job or step that evaluates an expression. */
export interface Functions {
  /** The job's status so far, or for a job's `if:` its needed jobs' ('skipped': success() and failure() are false). */
  status: () => 'success' | 'failure' | 'cancelled' | 'skipped';
  hashFiles: (patterns: string[]) => string;
}

/** An expression that could not be evaluated, with the file and line it came from. */
export class ExpressionFailure extends Error {}

const CONTEXT_NAMES = [
  'github',
  'env',
  'vars',
  'secrets',
  'inputs',
  'needs',
  'steps',
  'job',
  'jobs',
  'runner',
  'matrix',
  'strategy'
];

/** The text a token had in the file (an expression token's source, not its format() rewrite). */
export function sourceText(token: TemplateToken): string {
  if (isBasicExpression(token)) return token.source ?? `\${{ ${token.expression} }}`;
  // Every concrete token class defines toString; only the abstract TemplateToken type does not declare it.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return token.toString();
}

/** Where a token comes from, as `file:line:column`, for error messages. */
export function location(file: string, token: TemplateToken | undefined): string {
  const start = token?.range?.start;
  return start ? `${file}:${start.line}:${start.column}` : file;
}

function functionTable(functions: Functions): Map<string, FunctionDefinition> {
  const definitions: FunctionDefinition[] = [
    {
      name: 'success',
      minArgs: 0,
      maxArgs: 0,
      call: () => new data.BooleanData(functions.status() === 'success')
    },
    {
      name: 'failure',
      minArgs: 0,
      maxArgs: 0,
      call: () => new data.BooleanData(functions.status() === 'failure')
    },
    {
      name: 'cancelled',
      minArgs: 0,
      maxArgs: 0,
      call: () => new data.BooleanData(functions.status() === 'cancelled')
    },
    { name: 'always', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    {
      name: 'hashFiles',
      minArgs: 1,
      maxArgs: 255,
      call: (...patterns) =>
        new data.StringData(functions.hashFiles(patterns.map((pattern) => pattern.coerceString())))
    }
  ];
  return new Map(definitions.map((definition) => [definition.name.toLowerCase(), definition]));
}

/** Evaluates one expression (without `${{ }}`) to plain JSON. */
export function evaluateExpression(expression: string, contexts: Contexts, functions: Functions): unknown {
  const table = functionTable(functions);
  const lexed = new Lexer(expression).lex();
  // The lexer (0.3.61) unescapes only the first '' of a string literal; GitHub's runner unescapes them all.
  for (const token of lexed.tokens) {
    if (token.type === TokenType.STRING) token.value = token.lexeme.slice(1, -1).replaceAll("''", "'");
  }
  const tree = new Parser(lexed.tokens, CONTEXT_NAMES, [...table.values()]).parse();
  // Only the contexts the expression names are converted: converting all of them (the event payload, env,
  // steps) for every `if: success()` was a large share of the runner's own work on a step.
  const named = new Set(
    lexed.tokens
      .filter((token) => token.type === TokenType.IDENTIFIER)
      .map((token) => token.lexeme.toLowerCase())
  );
  const used = Object.fromEntries(Object.entries(contexts).filter(([name]) => named.has(name.toLowerCase())));
  const context = JSON.parse(JSON.stringify(used), data.reviver) as data.Dictionary;
  const result = new Evaluator(tree, context, table).evaluate();
  return JSON.parse(JSON.stringify(result, data.replacer) ?? 'null') as unknown;
}

/** The expression of an `if:` (bare or in `${{ }}`), with `success() &&` added when it has no status function. */
export function conditionOf(token: TemplateToken | undefined, fallback = 'success()'): string {
  if (token === undefined) return fallback;
  const condition = isBasicExpression(token)
    ? token.expression
    : isLiteral(token)
      ? String(token.toString()).trim()
      : fallback;
  return ensureStatusFunction(condition === '' ? fallback : condition, token.definitionInfo);
}

/** Evaluates a template token (a literal, an expression, or mappings and sequences of them) to plain JSON. */
export function evaluateToken(
  file: string,
  token: TemplateToken,
  contexts: Contexts,
  functions: Functions
): unknown {
  try {
    if (isBasicExpression(token)) return evaluateExpression(token.expression, contexts, functions);
    if (isString(token)) return token.value;
    if (isBoolean(token) || isNumber(token)) return token.value;
    if (isSequence(token)) {
      const items: unknown[] = [];
      for (const item of token) items.push(evaluateToken(file, item, contexts, functions));
      return items;
    }
    if (isMapping(token)) {
      const values: Record<string, unknown> = {};
      for (const pair of token) {
        values[String(evaluateToken(file, pair.key, contexts, functions))] = evaluateToken(
          file,
          pair.value,
          contexts,
          functions
        );
      }
      return values;
    }
    return null;
  } catch (error) {
    if (error instanceof ExpressionFailure) throw error;
    const expression = isBasicExpression(token) ? ` in \${{ ${originalText(token)} }}` : '';
    throw new ExpressionFailure(
      `${location(file, token)}: ${error instanceof Error ? error.message : String(error)}${expression}`
    );
  }
}

function originalText(token: TemplateToken): string {
  if (!isBasicExpression(token)) return '';
  const originals = token.originalExpressions;
  return originals && originals.length > 0
    ? originals.map((original) => original.expression).join(' }} … ${{ ')
    : token.expression;
}

/** A value as GitHub turns it into a string (inputs, env, outputs): null is empty, objects are JSON. */
export function asString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** Truthiness as the expression language defines it. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  return !(typeof value === 'number' && Number.isNaN(value));
}

/** Evaluates a mapping token to strings (env, with, outputs); absent token: empty. */
export function evaluateStrings(
  file: string,
  token: TemplateToken | undefined,
  contexts: Contexts,
  functions: Functions
): Record<string, string> {
  if (token === undefined) return {};
  const value = evaluateToken(file, token, contexts, functions);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ExpressionFailure(`${location(file, token)}: expected a mapping`);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asString(item)]));
}

/** Evaluates a condition expression (from `if:`) to a boolean, reporting failures with file and line. */
export function evaluateCondition(
  file: string,
  token: TemplateToken | undefined,
  contexts: Contexts,
  functions: Functions,
  fallback = 'success()'
): boolean {
  const condition = conditionOf(token, fallback);
  try {
    return isTruthy(evaluateExpression(condition, contexts, functions));
  } catch (error) {
    throw new ExpressionFailure(
      `${location(file, token)}: ${error instanceof Error ? error.message : String(error)} in if: ${condition}`
    );
  }
}
