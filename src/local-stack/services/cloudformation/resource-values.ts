import { templateFormatError, validationError } from './errors.js';
import type { StackExports } from './exports.js';
import type { StackRecord } from './model.js';
import type { StackIdentity, ResourceValues } from './template/scope.js';
import type { Template } from './template/types.js';

/** The pseudo parameters' values for a stack, and the exports it can import (recorded in `imported`). */
export const identityOf = (
  stack: StackRecord,
  exports: StackExports,
  imported?: Set<string>
): StackIdentity => ({
  stackName: stack.stackName,
  stackId: stack.stackId,
  region: stack.region,
  accountId: stack.accountId,
  notificationARNs: stack.notificationARNs,
  importValue: exports.resolver(stack, imported)
});

/** Ref and Fn::GetAtt over the stack's provisioned resources: Ref is the physical id, as for AWS's types. */
export function deployedValues(stack: StackRecord, template: Template): ResourceValues {
  const provisioned = (logicalId: string) => {
    const record = stack.resources[logicalId];
    if (record?.physicalId !== undefined && record.status !== 'DELETE_COMPLETE') return record;
    if (logicalId in template.Resources) {
      throw templateFormatError(
        `Unresolved resource dependencies [${logicalId}] in the Resources block of the template`
      );
    }
    throw validationError(`Template error: ${logicalId} is not a parameter or resource of the template`);
  };
  return {
    ref: (logicalId) => provisioned(logicalId).physicalId,
    getAtt(logicalId, attribute) {
      const value = provisioned(logicalId).attributes[attribute];
      if (value === undefined) {
        throw validationError(
          `Template error: resource ${logicalId} does not support attribute type ${attribute} in Fn::GetAtt`
        );
      }
      return value;
    }
  };
}
