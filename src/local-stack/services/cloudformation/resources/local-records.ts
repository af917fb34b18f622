import { randomUUID } from 'node:crypto';
import { requireProperties } from './coerce.js';
import { generatePhysicalName } from './names.js';
import type { ProvisionedResource, ResourceProvider, ResourceRequest } from './types.js';
import { wireText } from '../../../wire/types.js';

/**
 * A resource type the local stack keeps as a record only: it has no local service behind it
 * (Application Auto Scaling, SSM), so creating one validates the properties CloudFormation's schema
 * requires and returns the Ref and Fn::GetAtt values AWS would give, and nothing else happens.
 */
interface LocalRecordSpec {
  required: readonly string[];
  /** Properties whose change replaces the resource (the schema's createOnlyProperties). */
  createOnly: readonly string[];
  /** The property naming the resource, and how long a generated name may be. */
  name?: { property: string; maxLength: number };
  /** The Fn::GetAtt attributes; `stable` ones are fixed at creation (generated identifiers). */
  attributes: readonly string[];
  stable?: readonly string[];
  describe(request: ResourceRequest, name: string): ProvisionedResource;
}

function localRecord(spec: LocalRecordSpec): ResourceProvider {
  const provision = (request: ResourceRequest, name: string) => {
    requireProperties(request.properties, spec.required, request.logicalId);
    return spec.describe(request, name);
  };
  return {
    requiresReplacement: (property) => spec.createOnly.includes(property),
    attributes: spec.attributes,
    ...(spec.name && { nameProperty: spec.name.property }),
    // Local records exist only in the stack's state: nothing to wait for.
    create: (request) => {
      const given = spec.name && request.properties[spec.name.property];
      const name =
        typeof given === 'string'
          ? given
          : generatePhysicalName(request.stackName, request.logicalId, spec.name?.maxLength ?? 128);
      return Promise.resolve(provision(request, name));
    },
    update: (request) => {
      const updated = provision(request, request.physicalId);
      const stable = (spec.stable ?? []).map((attribute): [string, unknown] => [
        attribute,
        request.attributes[attribute]
      ]);
      return Promise.resolve({
        physicalId: request.physicalId,
        attributes: { ...updated.attributes, ...Object.fromEntries(stable) }
      });
    },
    delete: () => Promise.resolve()
  };
}

const arn = (request: ResourceRequest, service: string, resource: string, region = request.caller.region) =>
  `arn:aws:${service}:${region}:${request.caller.accountId}:${resource}`;

export function createLocalRecordProviders(): Record<string, ResourceProvider> {
  return {
    'AWS::ApplicationAutoScaling::ScalableTarget': localRecord({
      attributes: ['Id'],
      required: ['MaxCapacity', 'MinCapacity', 'ResourceId', 'ScalableDimension', 'ServiceNamespace'],
      createOnly: ['ResourceId', 'ScalableDimension', 'ServiceNamespace'],
      describe: (request) => {
        const { ResourceId, ScalableDimension, ServiceNamespace } = request.properties;
        const id = `${String(ResourceId)}|${String(ScalableDimension)}|${String(ServiceNamespace)}`;
        return { physicalId: id, attributes: { Id: id } };
      }
    }),
    'AWS::ApplicationAutoScaling::ScalingPolicy': localRecord({
      attributes: ['Arn'],
      required: ['PolicyName', 'PolicyType'],
      createOnly: ['PolicyName', 'ResourceId', 'ScalableDimension', 'ServiceNamespace', 'ScalingTargetId'],
      stable: ['Arn'],
      describe: (request) => {
        const [targetResource, , targetNamespace] = wireText(
          request.properties['ScalingTargetId'] ?? ''
        ).split('|');
        const namespace = wireText(request.properties['ServiceNamespace'] ?? targetNamespace);
        const resourceId = wireText(request.properties['ResourceId'] ?? targetResource);
        const policyArn = arn(
          request,
          'autoscaling',
          `scalingPolicy:${randomUUID()}:resource/${namespace}/${resourceId}:policyName/${String(request.properties['PolicyName'])}`
        );
        return { physicalId: policyArn, attributes: { Arn: policyArn } };
      }
    }),
    'AWS::SSM::Parameter': localRecord({
      attributes: ['Type', 'Value'],
      required: ['Type', 'Value'],
      createOnly: ['Name'],
      name: { property: 'Name', maxLength: 2048 },
      describe: (request, name) => ({
        physicalId: name,
        attributes: { Type: request.properties['Type'], Value: request.properties['Value'] }
      })
    }),
    'AWS::CloudFormation::WaitConditionHandle': localRecord({
      attributes: [],
      required: [],
      createOnly: [],
      describe: (request) => ({
        physicalId: `https://cloudformation-waitcondition-${request.caller.region}.s3.amazonaws.com/${encodeURIComponent(
          request.stackId
        )}/${request.logicalId}`,
        attributes: {}
      })
    })
  };
}
