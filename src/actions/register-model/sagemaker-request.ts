import type {
  CreateModelPackageCommandInput,
  CreateModelPackageGroupCommandInput,
  ProductionVariantInstanceType
} from '@aws-sdk/client-sagemaker';
import { InputError } from '../../lib/errors.js';
import { lineageProperties } from './lineage.js';
import type { SageMakerRegistration } from './types.js';

/** SageMaker's CustomerMetadataKey/Value characters. */
const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const METADATA_LIMIT = 50;

export function modelPackageGroupRequest(
  registration: SageMakerRegistration
): CreateModelPackageGroupCommandInput {
  const tags = Object.entries(registration.groupTags).map(([Key, Value]) => ({ Key, Value }));
  return {
    ModelPackageGroupName: registration.group,
    ...(registration.groupDescription !== '' && {
      ModelPackageGroupDescription: registration.groupDescription
    }),
    ...(tags.length > 0 && { Tags: tags })
  };
}

/**
 * The CreateModelPackage request: the image (pinned by digest when it is) in the inference
 * specification, lineage and metric values as customer metadata, and ModelMetrics only when a metrics
 * report is in S3, the one place SageMaker reads metrics from.
 */
export function modelPackageRequest(registration: SageMakerRegistration): CreateModelPackageCommandInput {
  const metadata = customerMetadata(registration);
  return {
    ModelPackageGroupName: registration.group,
    ...(registration.description !== '' && { ModelPackageDescription: registration.description }),
    ModelApprovalStatus: registration.approvalStatus,
    InferenceSpecification: {
      Containers: [
        {
          Image: registration.imageUri,
          ...(registration.modelDataUrl !== undefined && { ModelDataUrl: registration.modelDataUrl })
        }
      ],
      SupportedContentTypes: registration.contentTypes,
      SupportedResponseMIMETypes: registration.responseTypes,
      ...(registration.instanceTypes.length > 0 && {
        // Instance type names are checked by SageMaker, which knows the current list.
        SupportedRealtimeInferenceInstanceTypes: registration.instanceTypes as ProductionVariantInstanceType[]
      })
    },
    ...(Object.keys(metadata).length > 0 && { CustomerMetadataProperties: metadata }),
    ...(registration.metricsS3Uri !== undefined && {
      ModelMetrics: {
        ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: registration.metricsS3Uri } }
      }
    })
  };
}

function customerMetadata(registration: SageMakerRegistration): Record<string, string> {
  const properties = lineageProperties(registration.lineage, registration.metrics);
  const count = Object.keys(properties).length;
  if (count > METADATA_LIMIT) {
    throw new InputError(
      'metrics-file',
      `lineage and metrics make ${count} metadata properties; SageMaker allows at most ${METADATA_LIMIT}`,
      'Keep fewer metrics in the file (put the full report in S3 and give metrics-s3-uri).'
    );
  }
  for (const [key, value] of Object.entries(properties)) {
    if (!METADATA_TEXT.test(key) || key.length > 128) {
      throw new InputError(
        'metrics-file',
        `metric name '${key}' cannot be a SageMaker metadata key`,
        'Use letters, digits, spaces and _.:/=+-@ only, at most 128 characters in all.'
      );
    }
    if (value.length > 256 || !METADATA_TEXT.test(value)) {
      throw new InputError(
        'metrics-file',
        `the value of '${key}' ('${value}') cannot be a SageMaker metadata value`,
        'Values may hold letters, digits, spaces and _.:/=+-@ only, at most 256 characters.'
      );
    }
  }
  return properties;
}
