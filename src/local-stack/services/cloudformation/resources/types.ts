import type { CallerContext } from '../../../wire/invoke.js';

/** One resource operation, as CloudFormation hands it to a resource handler. */
export interface ResourceRequest {
  logicalId: string;
  type: string;
  /** Evaluated properties: intrinsics resolved, AWS::NoValue members removed. */
  properties: Record<string, unknown>;
  stackName: string;
  stackId: string;
  caller: CallerContext;
  /** Aborted when the stack's TimeoutInMinutes runs out; handlers that wait stop waiting. */
  signal: AbortSignal;
}

/** What a handler reports back: the physical id (also what Ref gives) and the Fn::GetAtt attributes. */
export interface ProvisionedResource {
  physicalId: string;
  attributes: Record<string, unknown>;
}

/** A create: the handler claims what it is about to make before the service call that makes it. */
export interface CreateRequest extends ResourceRequest {
  /**
   * Saves the resource's identity with the stack at once. Handlers whose service call can leave a
   * resource behind call it first, so a local stack killed during the call still knows what to delete.
   */
  claim(resource: ProvisionedResource): void;
}

export interface ExistingResourceRequest extends ResourceRequest, ProvisionedResource {
  previousProperties: Record<string, unknown>;
}

export interface ResourceProvider {
  /** Whether changing this top-level property needs a new physical resource (createOnly in the schema). */
  requiresReplacement(property: string): boolean;
  /** The property that names the resource, when it has one (a template that sets it pins the name). */
  nameProperty?: string;
  /** The attributes Fn::GetAtt can read. */
  attributes: readonly string[];
  create(request: CreateRequest): Promise<ProvisionedResource>;
  update(request: ExistingResourceRequest): Promise<ProvisionedResource>;
  /** Deleting something already gone succeeds, as CloudFormation's handlers do. */
  delete(request: ExistingResourceRequest): Promise<void>;
}

/**
 * A resource handler's failure; the message becomes the resource's ResourceStatusReason. `provisioned` is
 * what exists despite the failure (an endpoint that was created but never became healthy), so the
 * rollback deletes it.
 */
export class ResourceFailure extends Error {
  constructor(
    message: string,
    readonly provisioned?: ProvisionedResource
  ) {
    super(message);
    this.name = 'ResourceFailure';
  }
}
