import { readFileSync } from 'node:fs';
import {
  convertWorkflowTemplate,
  isMapping,
  NoOperationTraceWriter,
  parseWorkflow
} from '@actions/workflow-parser';
import type { WorkflowTemplate } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import type { TemplateParseResult } from '@actions/workflow-parser/templates/template-parse-result';

/** A workflow file parsed and validated by GitHub's parser: its model and its token tree. */
export interface WorkflowFile {
  /** The path shown in messages. */
  file: string;
  template: WorkflowTemplate;
  root: MappingToken;
}

/** Reads a file for the runner, with an error that names it when it cannot be read. */
export function readWorkflowText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`
    );
  }
}

function validated(file: string, result: TemplateParseResult): MappingToken {
  const errors = result.context.errors.getErrors();
  if (errors.length > 0 || result.value === undefined || !isMapping(result.value)) {
    const lines = errors.map((error) => {
      const start = error.range?.start;
      return `  ${file}${start ? `:${start.line}:${start.column}` : ''}: ${error.rawMessage}`;
    });
    throw new Error(`${file} is not a valid workflow:\n${lines.join('\n') || '  (empty document)'}`);
  }
  return result.value;
}

export async function loadWorkflow(path: string, displayName = path): Promise<WorkflowFile> {
  const content = readWorkflowText(path, 'workflow');
  const result = parseWorkflow({ name: displayName, content }, new NoOperationTraceWriter());
  const root = validated(displayName, result);
  const template = await convertWorkflowTemplate(result.context, root);
  if (template.errors && template.errors.length > 0)
    throw new Error(
      `${displayName} is not a valid workflow:\n${template.errors.map((error) => `  ${error.Message}`).join('\n')}`
    );
  return { file: displayName, template, root };
}

const manifests = new Map<string, MappingToken>();

/** An action.yml parsed and validated by GitHub's parser, as its token tree (once per run and path). */
export function loadActionManifest(path: string): MappingToken {
  const known = manifests.get(path);
  if (known) return known;
  const result = parseAction(
    { name: path, content: readWorkflowText(path, 'action manifest') },
    new NoOperationTraceWriter()
  );
  const manifest = validated(path, result);
  manifests.set(path, manifest);
  return manifest;
}

/** The value under `key` of a mapping token, if any. */
export function member(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token !== undefined && isMapping(token) ? token.find(key) : undefined;
}

/** The literal string under `key`, if it is one. */
export function literal(token: TemplateToken | undefined, key: string): string | undefined {
  const value = member(token, key);
  if (value === undefined || !value.isLiteral) return undefined;
  // Literal tokens define toString (their text); the TemplateToken type does not declare it.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return value.toString();
}
