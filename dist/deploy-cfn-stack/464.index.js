export const id = 464;
export const ids = [464];
export const modules = {

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
