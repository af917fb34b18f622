import { combineOperations, type OperationTable, type ServiceDefinition } from '../../wire/types.js';

/**
 * SageMaker's control plane (JSON 1.1, target prefix "SageMaker"). Its operations come from separate
 * modules, one per concern: the Model Registry and hosting (models, endpoint configs, endpoints).
 */
export function createSageMakerService(operationSets: OperationTable[]): ServiceDefinition {
  return {
    protocol: 'json',
    signingName: 'sagemaker',
    targetPrefix: 'SageMaker',
    jsonVersion: '1.1',
    operations: combineOperations(...operationSets)
  };
}
