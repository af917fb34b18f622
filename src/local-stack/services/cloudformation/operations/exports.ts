import type {
  ListExportsCommandInput,
  ListExportsCommandOutput,
  ListImportsCommandInput,
  ListImportsCommandOutput
} from '@aws-sdk/client-cloudformation';
import { defineOperations, type OperationTable } from '../../../wire/types.js';
import { validationError } from '../errors.js';
import { optionalString } from './inputs.js';
import type { CloudFormationRuntime } from './runtime.js';

type ExportOperations = {
  ListExports: [ListExportsCommandInput, ListExportsCommandOutput];
  ListImports: [ListImportsCommandInput, ListImportsCommandOutput];
};

/** ListExports and ListImports: the region's cross-stack references. */
export function exportOperations(runtime: CloudFormationRuntime): OperationTable {
  const { exports } = runtime;
  return defineOperations<ExportOperations>({
    ListExports: (_input, context) => ({
      Exports: exports.all(context.region, context.accountId).map((entry) => ({
        ExportingStackId: entry.stack.stackId,
        Name: entry.name,
        Value: entry.value
      }))
    }),

    ListImports: (input, context) => {
      const name = optionalString(input, 'ExportName');
      if (name === undefined) {
        throw validationError(
          "1 validation error detected: Value null at 'exportName' failed to satisfy constraint: Member must not be null"
        );
      }
      const importers = exports.importers(context.region, context.accountId, name);
      if (importers.length === 0) throw validationError(`Export '${name}' is not imported by any stack.`);
      return { Imports: importers };
    }
  });
}
