export const id = 187;
export const ids = [187];
export const modules = {

/***/ 9187:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  registerSageMaker: () => (/* binding */ registerSageMaker),
  resolveSageMaker: () => (/* binding */ resolveSageMaker)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sagemaker/dist-cjs/index.js
var dist_cjs = __webpack_require__(4459);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(7268);
// EXTERNAL MODULE: ./src/actions/register-model/image-uri.ts
var image_uri = __webpack_require__(5139);
// EXTERNAL MODULE: ./src/actions/register-model/lineage.ts
var lineage = __webpack_require__(3836);
;// CONCATENATED MODULE: ./src/actions/register-model/sagemaker-request.ts


/** SageMaker's CustomerMetadataKey/Value characters. */
const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const METADATA_LIMIT = 50;
function modelPackageGroupRequest(registration) {
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
function modelPackageRequest(registration) {
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
                SupportedRealtimeInferenceInstanceTypes: registration.instanceTypes
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
function customerMetadata(registration) {
    const properties = (0,lineage/* lineageProperties */.t)(registration.lineage, registration.metrics);
    const count = Object.keys(properties).length;
    if (count > METADATA_LIMIT) {
        throw new errors/* InputError */.dz('metrics-file', `lineage and metrics make ${count} metadata properties; SageMaker allows at most ${METADATA_LIMIT}`, 'Keep fewer metrics in the file (put the full report in S3 and give metrics-s3-uri).');
    }
    for (const [key, value] of Object.entries(properties)) {
        if (!METADATA_TEXT.test(key) || key.length > 128) {
            throw new errors/* InputError */.dz('metrics-file', `metric name '${key}' cannot be a SageMaker metadata key`, 'Use letters, digits, spaces and _.:/=+-@ only, at most 128 characters in all.');
        }
        if (value.length > 256 || !METADATA_TEXT.test(value)) {
            throw new errors/* InputError */.dz('metrics-file', `the value of '${key}' ('${value}') cannot be a SageMaker metadata value`, 'Values may hold letters, digits, spaces and _.:/=+-@ only, at most 256 characters.');
        }
    }
    return properties;
}

;// CONCATENATED MODULE: ./src/actions/register-model/sagemaker.ts




/**
 * Registers the image as a version of the model package group, creating the group when missing. A
 * version already holding the same image is returned instead (`created: false`). A group this call
 * created is deleted again when its first version cannot be created.
 */
async function registerSageMaker(client, registration, log) {
    const request = modelPackageRequest(registration);
    const groupExists = await findGroup(client, registration.group);
    if (groupExists) {
        const existing = await findVersionWithImage(client, registration.group, registration.imageUri);
        if (existing) {
            log.info(`${existing.ModelPackageArn} already holds ${registration.imageUri}: not registering again.`);
            return versionOf(existing, false);
        }
    }
    else {
        log.info(`Creating model package group ${registration.group}.`);
        await client.send(new dist_cjs.CreateModelPackageGroupCommand(modelPackageGroupRequest(registration)));
    }
    let arn;
    try {
        const created = await client.send(new dist_cjs.CreateModelPackageCommand(request));
        arn = created.ModelPackageArn ?? '';
    }
    catch (error) {
        if (!groupExists)
            await removeGroup(client, registration.group, log);
        throw error;
    }
    log.info(`Registered ${arn}.`);
    return versionOf(await client.send(new dist_cjs.DescribeModelPackageCommand({ ModelPackageName: arn })), true);
}
/** The newest version of the group with the approval status, e.g. the latest Approved one to deploy. */
async function resolveSageMaker(client, group, approvalStatus) {
    if (!(await findGroup(client, group))) {
        throw new errors/* ActionError */.lZ(`Model package group ${group} does not exist.`, "Check 'model-name', or register a version first.");
    }
    const listed = await client.send(new dist_cjs.ListModelPackagesCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: approvalStatus,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 1
    }));
    const latest = listed.ModelPackageSummaryList?.[0]?.ModelPackageArn;
    if (!latest) {
        throw new errors/* ActionError */.lZ(`Model package group ${group} has no version with approval status ${approvalStatus}.`, `Approve a version first (aws sagemaker update-model-package --model-package-arn <arn> --model-approval-status Approved).`);
    }
    return versionOf(await client.send(new dist_cjs.DescribeModelPackageCommand({ ModelPackageName: latest })), false);
}
async function findGroup(client, group) {
    try {
        await client.send(new dist_cjs.DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }));
        return true;
    }
    catch (error) {
        if (isMissing(error))
            return false;
        throw error;
    }
}
/** SageMaker answers a missing group with a ValidationException saying it does not exist. */
function isMissing(error) {
    return (error instanceof Error && error.name === 'ValidationException' && /does not exist/i.test(error.message));
}
/** Newest first, so a re-run for the latest image needs one Describe. */
async function findVersionWithImage(client, group, imageUri) {
    let nextToken;
    do {
        const page = await client.send(new dist_cjs.ListModelPackagesCommand({
            ModelPackageGroupName: group,
            SortBy: 'CreationTime',
            SortOrder: 'Descending',
            MaxResults: 100,
            ...(nextToken !== undefined && { NextToken: nextToken })
        }));
        for (const summary of page.ModelPackageSummaryList ?? []) {
            const described = await client.send(new dist_cjs.DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn }));
            const images = described.InferenceSpecification?.Containers?.map((container) => container.Image ?? '');
            if (images?.some((image) => (0,image_uri/* sameImage */.G)(image, imageUri)))
                return described;
        }
        nextToken = page.NextToken;
    } while (nextToken);
    return undefined;
}
async function removeGroup(client, group, log) {
    try {
        await client.send(new dist_cjs.DeleteModelPackageGroupCommand({ ModelPackageGroupName: group }));
        log.info(`Deleted model package group ${group} again: its first version could not be created.`);
    }
    catch (error) {
        log.warning(`Could not delete the model package group ${group} this run created: ${(0,errors/* describeError */.Uc)(error)}`);
    }
}
function versionOf(described, created) {
    return {
        id: described.ModelPackageArn ?? '',
        version: described.ModelPackageVersion ?? 0,
        approvalStatus: described.ModelApprovalStatus ?? '',
        imageUri: described.InferenceSpecification?.Containers?.[0]?.Image ?? '',
        created,
        properties: described.CustomerMetadataProperties ?? {}
    };
}


/***/ })

};
