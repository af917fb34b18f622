export const id = 641;
export const ids = [641];
export const modules = {

/***/ 2641:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ensureRepository: () => (/* binding */ ensureRepository),
/* harmony export */   j: () => (/* binding */ registryLogin),
/* harmony export */   u: () => (/* binding */ remoteTags)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8249);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7268);
/* harmony import */ var _failures_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7872);
/* harmony import */ var _manifest_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4970);
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8711);





/**
 * Finds the repository, or creates it with the given settings. An existing repository's settings are
 * left as they are: the action pushes into it, it does not manage it.
 */
async function ensureRepository(ecr, repositoryName, registryId, create, log) {
    const ids = registryId !== undefined ? { registryId } : {};
    try {
        const found = await ecr.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__.DescribeRepositoriesCommand({ ...ids, repositoryNames: [repositoryName] }));
        return described(found.repositories?.[0], repositoryName, false);
    }
    catch (error) {
        if (!(error instanceof _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__.RepositoryNotFoundException))
            throw error;
    }
    if (!create) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`The ECR repository '${repositoryName}' does not exist${registryId ? ` in registry ${registryId}` : ''}.`, "Create it (e.g. with your infrastructure code), or set 'create-repository: true' to let push-ecr create it.");
    }
    const created = await ecr.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__.CreateRepositoryCommand({
        ...ids,
        repositoryName,
        imageTagMutability: create.imageTagMutability,
        imageScanningConfiguration: { scanOnPush: create.scanOnPush }
    }));
    if (create.lifecyclePolicy !== undefined) {
        await ecr.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__.PutLifecyclePolicyCommand({ ...ids, repositoryName, lifecyclePolicyText: create.lifecyclePolicy }));
    }
    log.info(`Created the ECR repository ${repositoryName} (${create.imageTagMutability}, scan on push ${create.scanOnPush ? 'on' : 'off'}${create.lifecyclePolicy !== undefined ? ', lifecycle policy' : ''}).`);
    return described(created.repository, repositoryName, true);
}
function described(repository, name, created) {
    if (!repository?.repositoryUri || !repository.registryId) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`ECR described the repository '${name}' without its URI or registry ID.`);
    }
    return {
        repositoryUri: repository.repositoryUri,
        registryId: repository.registryId,
        mutability: {
            mode: repository.imageTagMutability ?? 'MUTABLE',
            exclusionFilters: repository.imageTagMutabilityExclusionFilters ?? []
        },
        created
    };
}
/**
 * What each tag points at, in one BatchGetImage call. Tags ECR reports as not found are absent from the
 * map; any other per-image failure is an error.
 */
async function remoteTags(ecr, repositoryName, registryId, tags) {
    const answer = await ecr
        .send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__.BatchGetImageCommand({
        registryId,
        repositoryName,
        imageIds: tags.map((imageTag) => ({ imageTag })),
        acceptedMediaTypes: [..._manifest_js__WEBPACK_IMPORTED_MODULE_2__/* .ACCEPTED_MEDIA_TYPES */ .FG]
    }))
        .catch((error) => {
        if (!(error instanceof _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__.ServerException))
            throw error;
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`ECR could not read the tags of ${repositoryName}, even after the SDK's retries: ${error.message}`, _failures_js__WEBPACK_IMPORTED_MODULE_1__/* .RETRY_ADVICE */ .a7);
    });
    const failure = answer.failures?.find((item) => item.failureCode !== 'ImageNotFound');
    if (failure) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`ECR could not look up tag '${failure.imageId?.imageTag ?? '?'}' in ${repositoryName}: ${failure.failureCode}: ${failure.failureReason}.`);
    }
    const byTag = new Map();
    for (const image of answer.images ?? []) {
        const tag = image.imageId?.imageTag;
        const digest = image.imageId?.imageDigest;
        if (!tag || !digest)
            continue;
        const configDigest = image.imageManifest ? (0,_manifest_js__WEBPACK_IMPORTED_MODULE_2__/* .configDigestOf */ .e$)(image.imageManifest) : undefined;
        byTag.set(tag, {
            digest,
            mediaType: image.imageManifestMediaType ?? 'unknown',
            ...(configDigest !== undefined && { configDigest })
        });
    }
    return byTag;
}
/** A registry login from GetAuthorizationToken; the token and password are masked before anything else. */
async function registryLogin(ecr, registryId, log) {
    const answer = await ecr.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_3__.GetAuthorizationTokenCommand({ registryIds: [registryId] }));
    const data = answer.authorizationData?.[0];
    if (!data?.authorizationToken || !data.proxyEndpoint) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('ECR GetAuthorizationToken returned no token.');
    }
    log.setSecret(data.authorizationToken);
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const password = decoded.slice(separator + 1);
    log.setSecret(password);
    if (separator <= 0 || password === '') {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ('ECR GetAuthorizationToken returned a token that is not user:password.');
    }
    return { registry: (0,_names_js__WEBPACK_IMPORTED_MODULE_4__/* .registryHost */ .U$)(data.proxyEndpoint), username: decoded.slice(0, separator), password };
}


/***/ })

};
