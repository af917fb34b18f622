import type {
  Capability,
  DescribeStackEventsCommandInput,
  DescribeStackEventsCommandOutput,
  DescribeStackResourceCommandInput,
  DescribeStackResourceCommandOutput,
  DescribeStackResourcesCommandInput,
  DescribeStackResourcesCommandOutput,
  DescribeStacksCommandInput,
  DescribeStacksCommandOutput,
  GetTemplateCommandInput,
  GetTemplateCommandOutput,
  GetTemplateSummaryCommandInput,
  GetTemplateSummaryCommandOutput,
  ListStackResourcesCommandInput,
  ListStackResourcesCommandOutput,
  ListStacksCommandInput,
  ListStacksCommandOutput,
  ValidateTemplateCommandInput,
  ValidateTemplateCommandOutput
} from '@aws-sdk/client-cloudformation';
import { paginate } from '../../../wire/pagination.js';
import { defineOperations, type OperationTable, type TypedOperations } from '../../../wire/types.js';
import { validationError } from '../errors.js';
import { parseTemplate } from '../template/parse.js';
import type { Template } from '../template/types.js';
import { loadTemplate } from '../template/load.js';
import { defaultText, isNoEcho } from '../template/parameters.js';
import {
  stringListInput,
  optionalString,
  requiredString,
  requiredCapability,
  templateBodyInput
} from './inputs.js';
import type { CloudFormationRuntime } from './runtime.js';
import { eventView, resourceSummaryView, resourceView, stackSummaryView, stackView } from './views.js';

const EVENTS_PAGE = 100;

type Ops = TypedOperations<{
  DescribeStacks: [DescribeStacksCommandInput, DescribeStacksCommandOutput];
  ListStacks: [ListStacksCommandInput, ListStacksCommandOutput];
  DescribeStackEvents: [DescribeStackEventsCommandInput, DescribeStackEventsCommandOutput];
  DescribeStackResources: [DescribeStackResourcesCommandInput, DescribeStackResourcesCommandOutput];
  ListStackResources: [ListStackResourcesCommandInput, ListStackResourcesCommandOutput];
  DescribeStackResource: [DescribeStackResourceCommandInput, DescribeStackResourceCommandOutput];
  GetTemplate: [GetTemplateCommandInput, GetTemplateCommandOutput];
  GetTemplateSummary: [GetTemplateSummaryCommandInput, GetTemplateSummaryCommandOutput];
  ValidateTemplate: [ValidateTemplateCommandInput, ValidateTemplateCommandOutput];
}>;

/** The read operations: stacks, events, resources, templates, and ValidateTemplate. */
export function describeOperations(runtime: CloudFormationRuntime): OperationTable {
  const { store } = runtime;

  const DescribeStacks: Ops['DescribeStacks'] = (input, context) => {
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
  const ListStacks: Ops['ListStacks'] = (input, context) => {
    const filter = stringListInput(input, 'StackStatusFilter');
    const stacks = store.stacks.filter(
      (stack) => stack.region === context.region && (filter.length === 0 || filter.includes(stack.status))
    );
    return { StackSummaries: stacks.map(stackSummaryView) };
  };

  const DescribeStackEvents: Ops['DescribeStackEvents'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    const { items, nextToken } = paginate(stack.events, {
      token: input.NextToken,
      pageSize: EVENTS_PAGE,
      invalidToken: () => validationError('Invalid NextToken: give a token a previous call returned.')
    });
    return { StackEvents: items.map(eventView), NextToken: nextToken };
  };

  const DescribeStackResources: Ops['DescribeStackResources'] = (input, context) => {
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

  const ListStackResources: Ops['ListStackResources'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    return { StackResourceSummaries: Object.values(stack.resources).map(resourceSummaryView) };
  };

  const DescribeStackResource: Ops['DescribeStackResource'] = (input, context) => {
    const stack = store.requireStack(context.region, requiredString(input, 'StackName'));
    const logicalId = requiredString(input, 'LogicalResourceId');
    const resource = stack.resources[logicalId];
    if (!resource) throw validationError(`Resource ${logicalId} does not exist for stack ${stack.stackName}`);
    const { Timestamp, ...view } = resourceView(stack, resource);
    const metadata = metadataOf(stack.templateBody, logicalId);
    return { StackResourceDetail: { ...view, LastUpdatedTimestamp: Timestamp, Metadata: metadata } };
  };

  const GetTemplate: Ops['GetTemplate'] = (input, context) => {
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

  const ValidateTemplate: Ops['ValidateTemplate'] = (input) => {
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
  const GetTemplateSummary: Ops['GetTemplateSummary'] = (input, context) => {
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

  return defineOperations({
    DescribeStacks,
    ListStacks,
    DescribeStackEvents,
    DescribeStackResources,
    ListStackResources,
    DescribeStackResource,
    GetTemplate,
    GetTemplateSummary,
    ValidateTemplate
  });
}

function capabilitiesOf(template: Template): { Capabilities: Capability[]; CapabilitiesReason?: string } {
  const { capability, types } = requiredCapability(template);
  if (capability === undefined) return { Capabilities: [] };
  return {
    Capabilities: [capability as Capability],
    CapabilitiesReason: `The following resource(s) require capabilities: [${types.join(', ')}]`
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
