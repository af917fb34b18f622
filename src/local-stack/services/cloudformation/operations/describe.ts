import type { Operation } from '../../../wire/types.js';
import { validationError } from '../errors.js';
import { parseTemplate } from '../template/parse.js';
import type { Template } from '../template/types.js';
import { loadTemplate } from '../template/load.js';
import { defaultText, isNoEcho } from '../template/parameters.js';
import {
  listInput,
  optionalString,
  requiredString,
  requiredCapability,
  templateBodyInput
} from './inputs.js';
import type { CloudFormationRuntime } from './runtime.js';
import { resourceSummaryView, resourceView, stackSummaryView, stackView } from './views.js';

const EVENTS_PAGE = 100;

/** The read operations: stacks, events, resources, templates, and ValidateTemplate. */
export function describeOperations(runtime: CloudFormationRuntime): Record<string, Operation> {
  const { store } = runtime;

  const DescribeStacks: Operation = (input, context) => {
    const name = optionalString(input, 'StackName');
    const stacks =
      name === undefined
        ? store.stacks.filter(
            (stack) => stack.region === context.region && stack.status !== 'DELETE_COMPLETE'
          )
        : [store.requireStack(context.region, name)];
    return { Stacks: stacks.map(stackView) };
  };

  /** Every stack of the region, deleted ones included (AWS keeps them listed for 90 days). */
  const ListStacks: Operation = (input, context) => {
    const filter = listInput<string>(input, 'StackStatusFilter');
    const stacks = store.stacks.filter(
      (stack) => stack.region === context.region && (filter.length === 0 || filter.includes(stack.status))
    );
    return { StackSummaries: stacks.map(stackSummaryView) };
  };

  const DescribeStackEvents: Operation = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    const start = Number(optionalString(input, 'NextToken') ?? '0');
    const page = stack.events.slice(start, start + EVENTS_PAGE);
    const next = start + EVENTS_PAGE < stack.events.length ? String(start + EVENTS_PAGE) : undefined;
    return { StackEvents: page, NextToken: next };
  };

  const DescribeStackResources: Operation = (input, context) => {
    const name = optionalString(input, 'StackName');
    const physicalId = optionalString(input, 'PhysicalResourceId');
    const logicalId = optionalString(input, 'LogicalResourceId');
    let stack;
    if (name !== undefined) {
      stack = store.requireStack(context.region, name);
    } else if (physicalId !== undefined) {
      stack = store.stacks.find(
        (candidate) =>
          candidate.status !== 'DELETE_COMPLETE' &&
          Object.values(candidate.resources).some((resource) => resource.physicalId === physicalId)
      );
      if (!stack) throw validationError(`Stack for ${physicalId} does not exist`);
    } else {
      throw validationError('Either StackName or PhysicalResourceId must be specified.');
    }
    const resources = Object.values(stack.resources).filter(
      (resource) =>
        (logicalId === undefined || resource.logicalId === logicalId) &&
        (physicalId === undefined || name !== undefined || resource.physicalId === physicalId)
    );
    return { StackResources: resources.map((resource) => resourceView(stack, resource)) };
  };

  const ListStackResources: Operation = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    return { StackResourceSummaries: Object.values(stack.resources).map(resourceSummaryView) };
  };

  const DescribeStackResource: Operation = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    const logicalId = requiredString(input, 'LogicalResourceId');
    const resource = stack.resources[logicalId];
    if (!resource) throw validationError(`Resource ${logicalId} does not exist for stack ${stack.stackName}`);
    const { Timestamp, ...view } = resourceView(stack, resource);
    const metadata = metadataOf(stack.templateBody, logicalId);
    return { StackResourceDetail: { ...view, LastUpdatedTimestamp: Timestamp, Metadata: metadata } };
  };

  const GetTemplate: Operation = (input, context) => {
    const changeSetName = optionalString(input, 'ChangeSetName');
    const stackName = optionalString(input, 'StackName');
    let body: string;
    if (changeSetName !== undefined) {
      body = store.requireChangeSet(context.region, changeSetName, stackName).templateBody;
    } else if (stackName !== undefined) {
      body = store.requireStack(context.region, stackName).templateBody;
    } else {
      throw validationError('Either StackName or ChangeSetName must be specified.');
    }
    return { TemplateBody: body, StagesAvailable: ['Original', 'Processed'] };
  };

  const ValidateTemplate: Operation = (input) => {
    const body = templateBodyInput(input);
    if (body === undefined) throw validationError('Either Template URL or Template Body must be specified.');
    const { template } = loadTemplate(body);
    return {
      ...capabilitiesOf(template),
      Parameters: Object.entries(template.Parameters).map(([key, declaration]) => ({
        ParameterKey: key,
        DefaultValue: defaultText(declaration),
        NoEcho: isNoEcho(declaration),
        Description: declaration.Description
      })),
      Description: template.Description,
      DeclaredTransforms: []
    };
  };

  /** What `aws cloudformation deploy` reads to learn a stack's parameters before it creates a change set. */
  const GetTemplateSummary: Operation = (input, context) => {
    const stackName = optionalString(input, 'StackName');
    const body =
      stackName === undefined
        ? templateBodyInput(input)
        : store.requireStack(context.region, stackName).templateBody;
    if (body === undefined) throw validationError('Either Template URL or Template Body must be specified.');
    const { template } = loadTemplate(body);
    const resourceTypes = [...new Set(Object.values(template.Resources).map((resource) => resource.Type))];
    return {
      ...capabilitiesOf(template),
      Parameters: Object.entries(template.Parameters).map(([key, declaration]) => ({
        ParameterKey: key,
        DefaultValue: defaultText(declaration),
        ParameterType: declaration.Type,
        NoEcho: isNoEcho(declaration),
        Description: declaration.Description,
        ParameterConstraints: { AllowedValues: declaration.AllowedValues?.map(String) }
      })),
      Description: template.Description,
      ResourceTypes: resourceTypes,
      Version: template.AWSTemplateFormatVersion,
      DeclaredTransforms: [],
      Warnings: { UnrecognizedResourceTypes: resourceTypes.filter((type) => !(type in runtime.providers)) }
    };
  };

  return {
    DescribeStacks,
    ListStacks,
    DescribeStackEvents,
    DescribeStackResources,
    ListStackResources,
    DescribeStackResource,
    GetTemplate,
    GetTemplateSummary,
    ValidateTemplate
  };
}

function capabilitiesOf(template: Template) {
  const { capability, types } = requiredCapability(template);
  return {
    Capabilities: capability === undefined ? [] : [capability],
    CapabilitiesReason:
      capability === undefined
        ? undefined
        : `The following resource(s) require capabilities: [${types.join(', ')}]`
  };
}

function metadataOf(templateBody: string, logicalId: string): string | undefined {
  try {
    const metadata = parseTemplate(templateBody).Resources[logicalId]?.Metadata;
    return metadata === undefined ? undefined : JSON.stringify(metadata);
  } catch {
    return undefined;
  }
}
