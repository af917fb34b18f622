import { AwsServiceError } from '../../wire/errors.js';

/** CloudFormation's exceptions (botocore data/cloudformation/2010-05-15), with the codes its wire uses. */
export const validationError = (message: string) => new AwsServiceError('ValidationError', message);

/** A template problem, worded as CloudFormation words it. */
export const templateFormatError = (problem: string) =>
  new AwsServiceError('ValidationError', `Template format error: ${problem}`);

export const stackNotFound = (nameOrId: string) =>
  validationError(`Stack with id ${nameOrId} does not exist`);

export const alreadyExists = (message: string) => new AwsServiceError('AlreadyExistsException', message);

export const changeSetNotFound = (name: string) =>
  new AwsServiceError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);

export const invalidChangeSetStatus = (message: string) =>
  new AwsServiceError('InvalidChangeSetStatus', message);

export const insufficientCapabilities = (capabilities: string[]) =>
  new AwsServiceError(
    'InsufficientCapabilitiesException',
    `Requires capabilities : [${capabilities.join(',')}]`
  );
