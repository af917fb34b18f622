import { AwsServiceError } from '../../wire/errors.js';

/**
 * CloudWatch's errors (botocore data/cloudwatch/2010-08-01) by their Query codes, which every protocol
 * reports: the JSON protocol sends the shape named here with the code in `x-amzn-query-error`.
 */
export const QUERY_ERRORS: Readonly<Record<string, string>> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidNextToken: 'InvalidNextToken',
  ResourceNotFound: 'ResourceNotFound',
  ResourceNotFoundException: 'ResourceNotFoundException',
  InvalidFormat: 'InvalidFormatFault',
  LimitExceeded: 'LimitExceededFault'
};

export const invalidParameterValue = (message: string) =>
  new AwsServiceError('InvalidParameterValue', message);

export const invalidParameterCombination = (message: string) =>
  new AwsServiceError('InvalidParameterCombination', message);

export const missingParameter = (member: string) =>
  new AwsServiceError('MissingParameter', `The parameter ${member} is required.`);

export const invalidNextToken = () =>
  new AwsServiceError(
    'InvalidNextToken',
    'The service returned an invalid NextToken: pass the NextToken of the previous page.'
  );

export const alarmNotFound = (name: string) =>
  new AwsServiceError('ResourceNotFound', `Alarm ${name} not found`, 404);

export const resourceNotFound = (arn: string) =>
  new AwsServiceError(
    'ResourceNotFoundException',
    `The specified resource does not exist: ${arn}. Tags apply to alarms: pass an alarm's AlarmArn.`,
    404
  );

export const invalidFormat = (message: string) => new AwsServiceError('InvalidFormat', message);
