export const id = 970;
export const ids = [970,464];
export const modules = {

/***/ 7970:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudformation/dist-cjs/index.js
var dist_cjs = __webpack_require__(3805);
// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(7268);
// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/failures.ts
var failures = __webpack_require__(4503);
// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/polling.ts
var polling = __webpack_require__(6185);
;// CONCATENATED MODULE: ./src/actions/deploy-cfn-stack/change-set.ts




/** The exact CreateChangeSet request for a deploy: a pure function, so the tests read it directly. */
function changeSetRequest(request, type, template) {
    return {
        StackName: request.stackName,
        ChangeSetName: request.changeSetName,
        ChangeSetType: type,
        Description: request.description,
        ...('body' in template ? { TemplateBody: template.body } : { TemplateURL: template.url }),
        Parameters: request.parameters,
        Capabilities: request.capabilities,
        Tags: request.tags,
        NotificationARNs: request.notificationArns,
        ...(request.roleArn !== undefined && { RoleARN: request.roleArn }),
        // What to do when creation fails is chosen here; for an update it is chosen at execution.
        ...(type === 'CREATE' && { OnStackFailure: request.onFailure })
    };
}
function executeRequest(request, type, changeSetId, token) {
    return {
        ChangeSetName: changeSetId,
        ClientRequestToken: token,
        ...(type === 'UPDATE' && request.onFailure === 'DO_NOTHING' && { DisableRollback: true })
    };
}
/** The two ways CloudFormation says a change set would change nothing. */
const NO_CHANGES = [/didn't contain changes/i, /No updates are to be performed/i];
function isNoChangesReason(reason) {
    return reason !== undefined && NO_CHANGES.some((pattern) => pattern.test(reason));
}
async function createChangeSet(client, input) {
    const response = await client.send(new dist_cjs/* CreateChangeSetCommand */.YDU(input));
    if (!response.Id || !response.StackId) {
        throw new errors/* ActionError */.lZ(`CreateChangeSet for stack ${input.StackName} returned no change set ID.`);
    }
    return { changeSetId: response.Id, stackId: response.StackId };
}
/**
 * Waits until CloudFormation has computed the change set, then returns every change (all pages), or
 * reports it empty. Any other failure is an error carrying CloudFormation's reason.
 */
async function waitForChangeSet(client, changeSetId, clock) {
    const backoff = new polling/* Backoff */.nO(clock);
    for (;;) {
        let first;
        try {
            first = await client.send(new dist_cjs/* DescribeChangeSetCommand */.TTT({ ChangeSetName: changeSetId }));
        }
        catch (error) {
            if (!(0,polling/* isThrottling */.E2)(error))
                throw error;
            backoff.throttled();
            await backoff.wait();
            continue;
        }
        const stackId = first.StackId ?? '';
        if (first.Status === 'CREATE_COMPLETE') {
            return { kind: 'ready', changeSetId, stackId, changes: await allChanges(client, changeSetId, first) };
        }
        if (first.Status === 'FAILED') {
            const reason = first.StatusReason ?? 'no reason given';
            if (isNoChangesReason(reason))
                return { kind: 'empty', changeSetId, stackId, reason };
            throw new errors/* ActionError */.lZ(`CloudFormation could not create change set ${first.ChangeSetName ?? changeSetId} for stack ${first.StackName ?? stackId}: ${(0,failures/* asSentence */.KG)(reason)}`, 'Check the template and parameters against that reason.');
        }
        if (first.Status?.startsWith('DELETE')) {
            throw new errors/* ActionError */.lZ(`Change set ${changeSetId} was deleted while this step waited for it (${first.Status}).`);
        }
        await backoff.wait();
    }
}
async function allChanges(client, changeSetId, first) {
    const changes = [...(first.Changes ?? [])];
    let nextToken = first.NextToken;
    while (nextToken) {
        const page = await client.send(new dist_cjs/* DescribeChangeSetCommand */.TTT({ ChangeSetName: changeSetId, NextToken: nextToken }));
        changes.push(...(page.Changes ?? []));
        nextToken = page.NextToken;
    }
    return changes;
}
async function deleteChangeSet(client, changeSetId) {
    await client.send(new dist_cjs/* DeleteChangeSetCommand */.$GE({ ChangeSetName: changeSetId }));
}
async function executeChangeSet(client, input) {
    await client.send(new dist_cjs/* ExecuteChangeSetCommand */.PB_(input));
}

// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/change-table.ts
var change_table = __webpack_require__(8685);
;// CONCATENATED MODULE: ./src/actions/deploy-cfn-stack/endpoints.ts


const ENDPOINT_TYPE = 'AWS::SageMaker::Endpoint';
/** Endpoint statuses that will still change on their own. */
const SETTLING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);
/** The endpoint's name from its physical ID, which CloudFormation reports as the endpoint's ARN. */
function endpointName(physicalId) {
    const match = /^arn:[^:]+:sagemaker:[^:]*:[^:]*:endpoint\/(.+)$/.exec(physicalId);
    return match?.[1] ?? physicalId;
}
function stackEndpoints(resources) {
    return resources
        .filter((resource) => resource.ResourceType === ENDPOINT_TYPE && resource.PhysicalResourceId)
        .map((resource) => endpointName(resource.PhysicalResourceId ?? ''));
}
/**
 * Waits until each endpoint is InService. CloudFormation reports an endpoint complete once SageMaker
 * accepted it; this makes "the step passed" mean "the endpoint answers".
 */
async function waitForEndpoints(sagemaker, names, clock, log, deadline) {
    const { DescribeEndpointCommand } = await __webpack_require__.e(/* import() */ 459).then(__webpack_require__.t.bind(__webpack_require__, 4459, 19));
    for (const name of names) {
        const backoff = new polling/* Backoff */.nO(clock);
        let lastStatus = '';
        for (;;) {
            let status;
            let reason;
            try {
                const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
                status = endpoint.EndpointStatus ?? 'Unknown';
                reason = endpoint.FailureReason;
            }
            catch (error) {
                if (!(0,polling/* isThrottling */.E2)(error))
                    throw error;
                backoff.throttled();
                await backoff.wait();
                continue;
            }
            if (status !== lastStatus) {
                log.info(`Endpoint ${name}: ${status}`);
                lastStatus = status;
                backoff.changed();
            }
            if (status === 'InService')
                break;
            if (!SETTLING.has(status)) {
                throw new errors/* ActionError */.lZ(`Endpoint ${name} is ${status}${reason ? `: ${reason}` : ''}.`, 'Check the container logs of the endpoint (CloudWatch log group /aws/sagemaker/Endpoints/' +
                    name +
                    ').');
            }
            if (deadline !== undefined && clock.now() >= deadline) {
                throw new errors/* ActionError */.lZ(`Endpoint ${name} was still ${status} when the step's timeout ran out.`, "Raise 'timeout-in-minutes', or look at why the endpoint takes so long in the SageMaker console.");
            }
            await backoff.wait();
        }
    }
}

// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/event-cursor.ts
var event_cursor = __webpack_require__(397);
// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/stack-state.ts
var stack_state = __webpack_require__(5018);
// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/stacks.ts
var stacks = __webpack_require__(9786);
// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/teardown.ts
var teardown = __webpack_require__(8464);
// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/template.ts
var deploy_cfn_stack_template = __webpack_require__(7434);
// EXTERNAL MODULE: ./src/actions/deploy-cfn-stack/wait-stack.ts
var wait_stack = __webpack_require__(8264);
;// CONCATENATED MODULE: ./src/actions/deploy-cfn-stack/deploy.ts












/**
 * Creates or updates the stack through a change set: decide from the stack's state, compute the change
 * set, show it, execute it, follow the events to the end, then report the stack's outputs.
 */
async function deploy(engine, request) {
    const { log } = engine;
    const deadline = (0,teardown/* deadlineFor */.A)(engine, request.timeoutMinutes);
    const template = await (0,deploy_cfn_stack_template/* placeTemplate */.k0)(request.template, request.stackName, request.templateBucket, {
        s3: engine.s3,
        region: engine.region
    });
    let { stack, type, created } = await startChangeSet(engine, request, template, deadline);
    for (let attempt = 1; created === undefined; attempt += 1) {
        if (attempt >= BUSY_ATTEMPTS) {
            throw new errors/* ActionError */.lZ(`Stack ${request.stackName} kept being changed by other operations while this step tried to deploy it.`, 'Make deploys of one stack wait for each other (a workflow `concurrency:` group), then run the step again.');
        }
        log.info(`Another operation started on stack ${request.stackName} in the meantime; waiting for it.`);
        ({ stack, type, created } = await startChangeSet(engine, request, template, deadline));
    }
    const outcome = await waitForChangeSet(engine.cloudformation, created.changeSetId, engine.clock).catch(async (error) => {
        await deleteChangeSet(engine.cloudformation, created.changeSetId).catch(() => undefined);
        throw error;
    });
    if (outcome.kind === 'empty') {
        log.info(`No changes: stack ${request.stackName} already matches the template and parameters (${outcome.reason}).`);
        await deleteChangeSet(engine.cloudformation, outcome.changeSetId);
        const current = stack ?? (await (0,stacks/* describeStack */.GO)(engine.cloudformation, outcome.stackId));
        return finish(engine, request, current, {
            changeSetId: outcome.changeSetId,
            noChanges: true,
            changes: []
        });
    }
    const rows = (0,change_table/* changeRows */.QP)(outcome.changes);
    log.info(`Changes to stack ${request.stackName}:\n${(0,change_table/* formatChangeTable */.Yc)(rows)}`);
    await engine.onChanges?.(request.stackName, rows);
    const cursor = await event_cursor/* StackEventCursor */.n.atLatest(engine.cloudformation, outcome.stackId);
    await executeChangeSet(engine.cloudformation, executeRequest(request, type, outcome.changeSetId, engine.token()));
    log.info(`Executing change set ${request.changeSetName}; stack events follow.`);
    const waitOptions = {
        client: engine.cloudformation,
        stackId: outcome.stackId,
        cursor,
        clock: engine.clock,
        log
    };
    const result = await (0,wait_stack/* waitForStackOperation */.a)({ ...waitOptions, ...(deadline !== undefined && { deadline }) });
    if (result.kind === 'timed-out') {
        throw await timedOut(engine, request, type, outcome.stackId, waitOptions);
    }
    if (!(0,stack_state/* succeeded */.gq)(result.status, 'deploy')) {
        throw (0,failures/* operationFailure */.yA)(request.stackName, result.status, result.events, (0,failures/* failureHint */.qQ)(request, type, result.status));
    }
    return finish(engine, request, result.stack, {
        changeSetId: outcome.changeSetId,
        noChanges: false,
        changes: rows
    });
}
const BUSY_ATTEMPTS = 3;
/**
 * Waits for the stack to be free, decides CREATE or UPDATE, and creates the change set. `created` is
 * undefined when another operation started on the stack between the look and the request (the caller
 * waits and tries again).
 */
async function startChangeSet(engine, request, template, deadline) {
    let stack = await (0,wait_stack/* idleStack */.L)(engine, request.stackName, deadline);
    const plan = (0,stack_state/* planFor */.bJ)(stack, request.recreateFailedStack);
    if (plan.kind === 'refuse')
        throw new errors/* ActionError */.lZ(plan.problem, plan.remedy);
    if (plan.kind === 'recreate' && stack) {
        engine.log.info(`Stack ${request.stackName} is ${stack.StackStatus} from a failed creation; deleting it to create it again.`);
        await (0,teardown/* deleteStack */.w)(engine, stack, request.roleArn, deadline);
        stack = undefined;
    }
    const type = plan.kind === 'update' ? 'UPDATE' : 'CREATE';
    engine.log.info(`Creating ${type} change set ${request.changeSetName} for stack ${request.stackName} from ${request.template.path}.`);
    try {
        const created = await createChangeSet(engine.cloudformation, changeSetRequest(request, type, template));
        return { stack, type, created };
    }
    catch (error) {
        if ((0,stacks/* isStackBusy */.M4)(error))
            return { stack, type };
        throw (0,failures/* rejectedChangeSet */.dG)(request, error);
    }
}
/** Termination protection, endpoints and outputs: the same after an update and after "no changes". */
async function finish(engine, request, stack, result) {
    if (!stack?.StackId) {
        throw new errors/* ActionError */.lZ(`Stack ${request.stackName} could not be read back after the deploy.`);
    }
    const protection = request.terminationProtection;
    if (protection !== undefined && (stack.EnableTerminationProtection ?? false) !== protection) {
        await engine.cloudformation.send(new dist_cjs/* UpdateTerminationProtectionCommand */.mP2({
            StackName: stack.StackId,
            EnableTerminationProtection: protection
        }));
        engine.log.info(`Termination protection of stack ${request.stackName} turned ${protection ? 'on' : 'off'}.`);
    }
    if (request.waitForEndpoints) {
        const endpoints = stackEndpoints(await (0,stacks/* listStackResources */.uq)(engine.cloudformation, stack.StackId));
        if (endpoints.length === 0)
            engine.log.info('The stack has no SageMaker endpoints to wait for.');
        await waitForEndpoints(await engine.sagemaker(), endpoints, engine.clock, engine.log, (0,teardown/* deadlineFor */.A)(engine, request.timeoutMinutes));
    }
    return {
        ...result,
        stackId: stack.StackId,
        stackStatus: stack.StackStatus ?? '',
        outputs: (0,stacks/* stackOutputs */.XC)(stack)
    };
}
/** The wait ran out: an update is cancelled (CloudFormation rolls it back); a creation goes on by itself. */
async function timedOut(engine, request, type, stackId, waitOptions) {
    const minutes = request.timeoutMinutes ?? 0;
    if (type === 'CREATE') {
        return new errors/* ActionError */.lZ(`Stack ${request.stackName} was not created within ${minutes} minutes.`, "CloudFormation goes on creating it; raise 'timeout-in-minutes' to wait longer.");
    }
    engine.log.warning(`Stack ${request.stackName} was not updated within ${minutes} minutes: cancelling the update.`);
    await engine.cloudformation.send(new dist_cjs/* CancelUpdateStackCommand */.v6j({ StackName: stackId, ClientRequestToken: engine.token() }));
    const rollback = await (0,wait_stack/* waitForStackOperation */.a)(waitOptions);
    return new errors/* ActionError */.lZ(`Stack ${request.stackName} was not updated within ${minutes} minutes; the update was cancelled and the stack is ${rollback.status}.`, "Raise 'timeout-in-minutes' if the update needs longer.");
}


/***/ }),

/***/ 397:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   n: () => (/* binding */ StackEventCursor)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3805);

/**
 * Reads a stack's events as they happen. CloudFormation lists events newest first, in pages; the cursor
 * remembers the newest event it has seen and returns, oldest first, only what came after it.
 */
class StackEventCursor {
    client;
    stackId;
    lastSeenId;
    constructor(client, stackId, lastSeenId) {
        this.client = client;
        this.stackId = stackId;
        this.lastSeenId = lastSeenId;
    }
    /** A cursor positioned after the stack's current newest event: only later events are returned. */
    static async atLatest(client, stackId) {
        const page = await client.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_0__/* .DescribeStackEventsCommand */ .Ie9({ StackName: stackId }));
        return new StackEventCursor(client, stackId, page.StackEvents?.[0]?.EventId);
    }
    async next() {
        const fresh = [];
        let nextToken;
        page: do {
            const response = await this.client.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_0__/* .DescribeStackEventsCommand */ .Ie9({
                StackName: this.stackId,
                ...(nextToken !== undefined && { NextToken: nextToken })
            }));
            for (const event of response.StackEvents ?? []) {
                if (event.EventId === this.lastSeenId)
                    break page;
                fresh.push(event);
            }
            nextToken = response.NextToken;
        } while (nextToken);
        if (fresh[0]?.EventId !== undefined)
            this.lastSeenId = fresh[0].EventId;
        return fresh.reverse();
    }
}


/***/ }),

/***/ 6185:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E2: () => (/* binding */ isThrottling),
/* harmony export */   nO: () => (/* binding */ Backoff)
/* harmony export */ });
/* unused harmony export DEFAULT_BACKOFF */
/**
 * Polling that stays quick while things happen and slows down while nothing does: the next delay is a
 * fraction of the time since the last change, between a floor and a ceiling. A stack that changes every few
 * seconds (the local stack) is seen within a fraction of a second; one that is quiet for minutes (a real
 * endpoint being created) costs a call every few seconds, not several per second.
 */
class Backoff {
    clock;
    limits;
    lastChange;
    throttledMs = 0;
    constructor(clock, limits = DEFAULT_BACKOFF) {
        this.clock = clock;
        this.limits = limits;
        this.lastChange = clock.now();
    }
    /** Something changed: poll quickly again. */
    changed() {
        this.lastChange = this.clock.now();
        this.throttledMs = 0;
    }
    /** The service asked us to slow down (retries exhausted): double the delay until the next change. */
    throttled() {
        this.throttledMs = Math.min(this.limits.maxMs, Math.max(this.limits.minMs, this.throttledMs) * 2);
    }
    nextDelay() {
        const quietFor = this.clock.now() - this.lastChange;
        const proportional = Math.min(this.limits.maxMs, Math.max(this.limits.minMs, quietFor * this.limits.quietFraction));
        return Math.max(proportional, this.throttledMs);
    }
    wait() {
        return this.clock.sleep(this.nextDelay());
    }
}
const DEFAULT_BACKOFF = { minMs: 200, maxMs: 10_000, quietFraction: 0.125 };
/** True for the errors AWS returns when a caller polls too fast (after the SDK's own retries). */
function isThrottling(error) {
    const name = error?.name;
    return name === 'Throttling' || name === 'ThrottlingException' || name === 'TooManyRequestsException';
}


/***/ }),

/***/ 5018:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hd: () => (/* binding */ isTerminal),
/* harmony export */   LT: () => (/* binding */ isInProgress),
/* harmony export */   bJ: () => (/* binding */ planFor),
/* harmony export */   gq: () => (/* binding */ succeeded)
/* harmony export */ });
/** Statuses after which the stack can be updated. */
const UPDATABLE = new Set([
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE',
    'UPDATE_ROLLBACK_COMPLETE',
    'UPDATE_FAILED',
    'IMPORT_COMPLETE',
    'IMPORT_ROLLBACK_COMPLETE'
]);
/** A creation that failed: nothing but deletion is possible. */
const FAILED_CREATION = new Set(['ROLLBACK_COMPLETE', 'CREATE_FAILED']);
function isInProgress(status) {
    return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}
function planFor(stack, recreateFailedStack) {
    if (stack === undefined)
        return { kind: 'create' };
    const status = stack.StackStatus ?? '';
    const name = stack.StackName ?? '';
    // A stack whose first change set was never executed has no resources yet: it is still new.
    if (status === 'REVIEW_IN_PROGRESS')
        return { kind: 'create' };
    if (isInProgress(status))
        return { kind: 'wait' };
    if (UPDATABLE.has(status))
        return { kind: 'update' };
    if (FAILED_CREATION.has(status)) {
        if (recreateFailedStack)
            return { kind: 'recreate' };
        return {
            kind: 'refuse',
            problem: `Stack ${name} is in ${status}: its creation failed and CloudFormation cannot update it.`,
            remedy: "Fix the cause shown in the stack's events, then set 'recreate-failed-stack: true' to delete and create it again " +
                `(or delete it yourself: aws cloudformation delete-stack --stack-name ${name}).`
        };
    }
    if (status === 'UPDATE_ROLLBACK_FAILED' || status === 'IMPORT_ROLLBACK_FAILED') {
        return {
            kind: 'refuse',
            problem: `Stack ${name} is in ${status}: a rollback could not restore every resource, so the stack cannot be updated.`,
            remedy: 'Fix or skip the resources that failed to roll back, then continue the rollback: ' +
                `aws cloudformation continue-update-rollback --stack-name ${name} [--resources-to-skip <LogicalId> ...]; deploy again once it is UPDATE_ROLLBACK_COMPLETE.`
        };
    }
    if (status === 'ROLLBACK_FAILED' || status === 'DELETE_FAILED') {
        return {
            kind: 'refuse',
            problem: `Stack ${name} is in ${status}: some of its resources could not be deleted.`,
            remedy: `Delete those resources (see the stack's events), then delete the stack: aws cloudformation delete-stack --stack-name ${name} ` +
                '[--retain-resources <LogicalId> ...].'
        };
    }
    return {
        kind: 'refuse',
        problem: `Stack ${name} is in ${status}, which this action does not know how to deploy over.`,
        remedy: 'Bring the stack to a *_COMPLETE status in the CloudFormation console, then run the step again.'
    };
}
/** The statuses a stack operation ends in, and whether each means the operation succeeded. */
const SUCCEEDED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE', 'DELETE_COMPLETE']);
function isTerminal(status) {
    return !status.endsWith('_IN_PROGRESS');
}
function succeeded(status, operation) {
    if (operation === 'delete')
        return status === 'DELETE_COMPLETE';
    return SUCCEEDED.has(status) && status !== 'DELETE_COMPLETE';
}


/***/ }),

/***/ 9786:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GO: () => (/* binding */ describeStack),
/* harmony export */   M4: () => (/* binding */ isStackBusy),
/* harmony export */   XC: () => (/* binding */ stackOutputs),
/* harmony export */   uq: () => (/* binding */ listStackResources)
/* harmony export */ });
/* unused harmony export isStackMissing */
/* harmony import */ var _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3805);

/** The stack by name or ID, or undefined when there is none (CloudFormation answers ValidationError). */
async function describeStack(client, stackName) {
    try {
        const response = await client.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_0__/* .DescribeStacksCommand */ .Y47({ StackName: stackName }));
        return response.Stacks?.[0];
    }
    catch (error) {
        if (isStackMissing(error))
            return undefined;
        throw error;
    }
}
function isStackMissing(error) {
    const { name, message } = (error ?? {});
    return name === 'ValidationError' && typeof message === 'string' && /does not exist/.test(message);
}
/** Every resource of the stack, through all pages. */
async function listStackResources(client, stackId) {
    const resources = [];
    let nextToken;
    do {
        const page = await client.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_0__/* .ListStackResourcesCommand */ .XnL({
            StackName: stackId,
            ...(nextToken !== undefined && { NextToken: nextToken })
        }));
        resources.push(...(page.StackResourceSummaries ?? []));
        nextToken = page.NextToken;
    } while (nextToken);
    return resources;
}
/** The stack's outputs as a plain map (OutputKey → OutputValue). */
function stackOutputs(stack) {
    const outputs = {};
    for (const output of stack.Outputs ?? []) {
        if (output.OutputKey !== undefined)
            outputs[output.OutputKey] = output.OutputValue ?? '';
    }
    return outputs;
}
/** CloudFormation's answer when another operation holds the stack: "Stack:arn... is in UPDATE_IN_PROGRESS state and can not be updated." */
function isStackBusy(error) {
    const { name, message } = (error ?? {});
    return (name === 'ValidationError' &&
        typeof message === 'string' &&
        /is in [A-Z_]+_IN_PROGRESS state/.test(message));
}


/***/ }),

/***/ 8464:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A: () => (/* binding */ deadlineFor),
/* harmony export */   teardown: () => (/* binding */ teardown),
/* harmony export */   w: () => (/* binding */ deleteStack)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3805);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7268);
/* harmony import */ var _event_cursor_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(397);
/* harmony import */ var _failures_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4503);
/* harmony import */ var _wait_stack_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8264);





/** Deletes the stack and waits for DELETE_COMPLETE; a stack that does not exist is already torn down. */
async function teardown(engine, request) {
    const deadline = deadlineFor(engine, request.timeoutMinutes);
    const stack = await (0,_wait_stack_js__WEBPACK_IMPORTED_MODULE_2__/* .idleStack */ .L)(engine, request.stackName, deadline);
    if (!stack?.StackId) {
        engine.log.info(`Stack ${request.stackName} does not exist: nothing to delete.`);
        return { existed: false, stackStatus: 'DELETE_COMPLETE' };
    }
    if (stack.EnableTerminationProtection) {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`Stack ${request.stackName} has termination protection enabled, so it cannot be deleted.`, `If it really should go, turn protection off first: aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${request.stackName}`);
    }
    await deleteStack(engine, stack, request.roleArn, deadline);
    return { existed: true, stackId: stack.StackId, stackStatus: 'DELETE_COMPLETE' };
}
/** DeleteStack, then the events until the stack is gone; any other end is an error naming the resource. */
async function deleteStack(engine, stack, roleArn, deadline) {
    const { cloudformation: client, clock, log } = engine;
    const stackId = stack.StackId ?? '';
    const name = stack.StackName ?? stackId;
    log.info(`Deleting stack ${name} (${stack.StackStatus}).`);
    const cursor = await _event_cursor_js__WEBPACK_IMPORTED_MODULE_3__/* .StackEventCursor */ .n.atLatest(client, stackId);
    await client.send(new _aws_sdk_client_cloudformation__WEBPACK_IMPORTED_MODULE_4__/* .DeleteStackCommand */ .fAr({
        StackName: stackId,
        ClientRequestToken: engine.token(),
        ...(roleArn !== undefined && { RoleARN: roleArn })
    }));
    const result = await (0,_wait_stack_js__WEBPACK_IMPORTED_MODULE_2__/* .waitForStackOperation */ .a)({
        client,
        stackId,
        cursor,
        clock,
        log,
        ...(deadline !== undefined && { deadline })
    });
    if (result.kind === 'timed-out') {
        throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`Stack ${name} was still being deleted (${result.status}) when the step's timeout ran out.`, "CloudFormation goes on deleting it; raise 'timeout-in-minutes' to wait longer.");
    }
    if (result.status !== 'DELETE_COMPLETE') {
        throw (0,_failures_js__WEBPACK_IMPORTED_MODULE_1__/* .operationFailure */ .yA)(name, result.status, result.events, `Delete or retain the resources that could not be deleted, then delete the stack again.`);
    }
    log.info(`Stack ${name} deleted.`);
}
function deadlineFor(engine, minutes) {
    return minutes === undefined ? undefined : engine.clock.now() + minutes * 60_000;
}


/***/ }),

/***/ 8264:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ idleStack),
/* harmony export */   a: () => (/* binding */ waitForStackOperation)
/* harmony export */ });
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7268);
/* harmony import */ var _event_cursor_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(397);
/* harmony import */ var _events_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3885);
/* harmony import */ var _polling_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6185);
/* harmony import */ var _stack_state_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5018);
/* harmony import */ var _stacks_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9786);






/**
 * Streams the stack's new events into the log until the operation ends. The end is seen in the events
 * themselves (the stack's own terminal event), then confirmed with DescribeStacks, so a quiet stack costs
 * one call per poll. Polls are quick after the stack's status moved and slow down while it stays.
 */
async function waitForStackOperation(wait) {
    const { client, stackId, cursor, clock, log } = wait;
    const backoff = new _polling_js__WEBPACK_IMPORTED_MODULE_1__/* .Backoff */ .nO(clock);
    const events = [];
    let lastStatus = '';
    for (;;) {
        let fresh = [];
        try {
            fresh = await cursor.next();
        }
        catch (error) {
            if (!(0,_polling_js__WEBPACK_IMPORTED_MODULE_1__/* .isThrottling */ .E2)(error))
                throw error;
            backoff.throttled();
        }
        for (const event of fresh)
            log.info((0,_events_js__WEBPACK_IMPORTED_MODULE_3__/* .formatEvent */ .qF)(event));
        events.push(...fresh);
        const stackEvent = fresh.filter(_events_js__WEBPACK_IMPORTED_MODULE_3__/* .isStackEvent */ .lQ).at(-1);
        // Only a move of the stack's own status makes polling quick again: resource events alone (a stream
        // during any update) would keep it at the floor, a call every 200 ms, without the end being any nearer.
        if (stackEvent?.ResourceStatus && stackEvent.ResourceStatus !== lastStatus)
            backoff.changed();
        if (stackEvent?.ResourceStatus)
            lastStatus = stackEvent.ResourceStatus;
        if (stackEvent && (0,_stack_state_js__WEBPACK_IMPORTED_MODULE_2__/* .isTerminal */ .Hd)(lastStatus)) {
            const stack = await (0,_stacks_js__WEBPACK_IMPORTED_MODULE_4__/* .describeStack */ .GO)(client, stackId);
            const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
            if ((0,_stack_state_js__WEBPACK_IMPORTED_MODULE_2__/* .isTerminal */ .Hd)(status))
                return { kind: 'done', status, stack, events };
        }
        if (wait.deadline !== undefined && clock.now() >= wait.deadline) {
            return { kind: 'timed-out', status: lastStatus, events };
        }
        await backoff.wait();
    }
}
/**
 * The stack as it is once no other operation is running on it (undefined when there is none): a stack
 * busy with another run's deploy is waited for, its events streamed, rather than failing this run.
 */
async function idleStack(engine, stackName, deadline) {
    const { cloudformation: client, clock, log } = engine;
    for (;;) {
        const stack = await (0,_stacks_js__WEBPACK_IMPORTED_MODULE_4__/* .describeStack */ .GO)(client, stackName);
        if (!stack?.StackId || !(0,_stack_state_js__WEBPACK_IMPORTED_MODULE_2__/* .isInProgress */ .LT)(stack.StackStatus ?? ''))
            return stack;
        log.info(`Stack ${stackName} is ${stack.StackStatus}: another operation is running; waiting for it to finish.`);
        const cursor = await _event_cursor_js__WEBPACK_IMPORTED_MODULE_5__/* .StackEventCursor */ .n.atLatest(client, stack.StackId);
        // The operation may have ended between the two calls; then its terminal event is already behind the cursor.
        const current = await (0,_stacks_js__WEBPACK_IMPORTED_MODULE_4__/* .describeStack */ .GO)(client, stack.StackId);
        if (!current || !(0,_stack_state_js__WEBPACK_IMPORTED_MODULE_2__/* .isInProgress */ .LT)(current.StackStatus ?? ''))
            continue;
        const result = await waitForStackOperation({
            client,
            stackId: stack.StackId,
            cursor,
            clock,
            log,
            ...(deadline !== undefined && { deadline })
        });
        if (result.kind === 'timed-out') {
            throw new _lib_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ(`Stack ${stackName} was still ${result.status || current.StackStatus} from another operation when the step's timeout ran out.`, "Raise 'timeout-in-minutes', or wait for the other operation to finish and run the step again.");
        }
    }
}


/***/ })

};
