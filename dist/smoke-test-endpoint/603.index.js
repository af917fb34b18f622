export const id = 603;
export const ids = [603];
export const modules = {

/***/ 2603:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SchemaError: () => (/* binding */ SchemaError),
/* harmony export */   compileSchema: () => (/* binding */ compileSchema)
/* harmony export */ });
/* harmony import */ var ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2210);
/* harmony import */ var ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _json_path_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6756);


/** A schema that cannot be used, with the field of the case at fault (e.g. `expect.schema.items.anyOf`). */
class SchemaError extends Error {
    field;
    constructor(field, message) {
        super(message);
        this.field = field;
        this.name = 'SchemaError';
    }
}
const ajv = new ajv_dist_2020_js__WEBPACK_IMPORTED_MODULE_0__.Ajv2020({ allErrors: true, verbose: true, validateFormats: false });
/** Checks a schema against the draft's meta-schema and compiles it; throws SchemaError naming the field. */
function compileSchema(schema, at) {
    if (typeof schema !== 'boolean' &&
        (schema === null || typeof schema !== 'object' || Array.isArray(schema))) {
        throw new SchemaError(at, 'must be a JSON Schema (an object or a boolean)');
    }
    if (!ajv.validateSchema(schema)) {
        const [first] = ajv.errors ?? [];
        throw new SchemaError(fieldOf(at, first?.instancePath ?? ''), first?.message ?? 'is not a valid schema');
    }
    let validate;
    try {
        validate = ajv.compile(schema);
    }
    catch (error) {
        throw new SchemaError(at, error.message);
    }
    return (value) => (validate(value) ? [] : (validate.errors ?? []).map(violationOf));
}
function violationOf(error) {
    const at = jsonPathOf(error.instancePath);
    const params = error.params;
    switch (error.keyword) {
        case 'type':
            return { at, message: `${error.message}, got ${(0,_json_path_js__WEBPACK_IMPORTED_MODULE_1__/* .describeType */ .MF)(error.data)}` };
        case 'additionalProperties':
        case 'unevaluatedProperties': {
            const name = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
            return { at: jsonPathOf(`${error.instancePath}/${name}`), message: 'is not an allowed property' };
        }
        case 'enum':
            return {
                at,
                message: `must be one of ${JSON.stringify(params['allowedValues'])}, got ${JSON.stringify(error.data)}`
            };
        case 'const':
            return {
                at,
                message: `must be ${JSON.stringify(params['allowedValue'])}, got ${JSON.stringify(error.data)}`
            };
        default: {
            const data = error.data;
            const shown = data !== null && typeof data === 'object' ? '' : `, got ${JSON.stringify(data)}`;
            return { at, message: `${error.message ?? error.keyword}${shown}` };
        }
    }
}
/** `/predictions/1/a b` → `$.predictions[1]['a b']`, the path style the rest of the report uses. */
function jsonPathOf(pointer) {
    let path = '$';
    for (const segment of segmentsOf(pointer)) {
        if (/^\d+$/.test(segment))
            path += `[${segment}]`;
        else if (/^[A-Za-z_$][\w$-]*$/.test(segment))
            path += `.${segment}`;
        else
            path += `['${segment}']`;
    }
    return path;
}
function fieldOf(at, pointer) {
    return [at, ...segmentsOf(pointer)].join('.');
}
function segmentsOf(pointer) {
    return pointer === ''
        ? []
        : pointer
            .slice(1)
            .split('/')
            .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}


/***/ })

};
