import { analyzeTemplate, type AttributeReferences, type DependencyGraph } from './analysis.js';
import { checkParameterDeclarations } from './parameters.js';
import { parseTemplate } from './parse.js';
import type { Template } from './types.js';

/** A template that parsed and passed CloudFormation's static checks, with its resource creation order. */
export interface LoadedTemplate {
  body: string;
  template: Template;
  graph: DependencyGraph;
  order: string[];
  attributes: AttributeReferences;
}

export function loadTemplate(body: string): LoadedTemplate {
  const template = parseTemplate(body);
  checkParameterDeclarations(template.Parameters);
  const { graph, order, attributes } = analyzeTemplate(template);
  return { body, template, graph, order, attributes };
}
