import type { StackConfiguration, StackRecord } from '../model.js';

export function configurationOf(stack: StackConfiguration): StackConfiguration {
  return {
    templateBody: stack.templateBody,
    parameters: stack.parameters,
    capabilities: stack.capabilities,
    tags: stack.tags,
    notificationARNs: stack.notificationARNs,
    ...(stack.roleARN !== undefined && { roleARN: stack.roleARN })
  };
}

/** Sets what the stack is deployed from; `configuration` may be a change set, so only its configuration is read. */
export function applyConfiguration(stack: StackRecord, configuration: StackConfiguration): void {
  delete stack.roleARN;
  Object.assign(stack, configurationOf(configuration));
}
