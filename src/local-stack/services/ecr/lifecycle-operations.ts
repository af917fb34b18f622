import type {
  DeleteLifecyclePolicyCommandInput,
  DeleteLifecyclePolicyCommandOutput,
  GetLifecyclePolicyCommandInput,
  GetLifecyclePolicyCommandOutput,
  GetLifecyclePolicyPreviewCommandInput,
  GetLifecyclePolicyPreviewCommandOutput,
  ImageIdentifier as SdkImageIdentifier,
  LifecyclePolicyPreviewFilter,
  PutLifecyclePolicyCommandInput,
  PutLifecyclePolicyCommandOutput,
  StartLifecyclePolicyPreviewCommandInput,
  StartLifecyclePolicyPreviewCommandOutput
} from '@aws-sdk/client-ecr';
import { AwsServiceError } from '../../wire/errors.js';
import {
  defineOperations,
  wireMembers,
  wireText,
  type OperationTable,
  type RequestContext,
  type WireInput
} from '../../wire/types.js';
import { paginate } from '../../wire/pagination.js';
import type { LocalRegistry } from '../../registry/index.js';
import { invalidParameter, lifecyclePolicyNotFound } from './errors.js';
import { evaluateLifecycle, type Expiry } from './lifecycle-evaluation.js';
import { parseLifecyclePolicy, validateLifecyclePolicy } from './lifecycle-policy.js';
import { findImage, imagesOf, isFailure, type ImageEntry } from './images.js';
import type { RepositoryRecord, RepositoryStore } from './repositories.js';
import { existingRepository } from './validation.js';

interface Preview {
  lifecyclePolicyText: string;
  expiries: Expiry<ImageEntry>[];
}

const TAG_STATUSES = ['TAGGED', 'UNTAGGED', 'ANY'] as const;

type LifecycleOperations = {
  PutLifecyclePolicy: [PutLifecyclePolicyCommandInput, PutLifecyclePolicyCommandOutput];
  GetLifecyclePolicy: [GetLifecyclePolicyCommandInput, GetLifecyclePolicyCommandOutput];
  DeleteLifecyclePolicy: [DeleteLifecyclePolicyCommandInput, DeleteLifecyclePolicyCommandOutput];
  StartLifecyclePolicyPreview: [
    StartLifecyclePolicyPreviewCommandInput,
    StartLifecyclePolicyPreviewCommandOutput
  ];
  GetLifecyclePolicyPreview: [GetLifecyclePolicyPreviewCommandInput, GetLifecyclePolicyPreviewCommandOutput];
};

/**
 * Applies repositories' lifecycle policies for real: expired images are deleted from the registry.
 * ECR evaluates policies in the background some time after a push; the local stack does it right after
 * each push and each PutLifecyclePolicy, one evaluation at a time, and ECR's operations wait for
 * pending evaluations (idle()) so a read after a push sees the policy applied.
 */
export class LifecycleRunner {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: RepositoryStore,
    private readonly registry: LocalRegistry,
    private readonly now: () => Date = () => new Date()
  ) {}

  /** After a push through the registry: applies the repository's policy in the background. */
  schedule(name: string): void {
    void this.enqueue(() => this.apply(name)).catch((error: unknown) => {
      process.stderr.write(
        `Applying the lifecycle policy of ECR repository ${name} failed: ${String(error)}\n`
      );
    });
  }

  /** Applies the repository's policy now (after earlier evaluations) and resolves when done. */
  applyNow(name: string): Promise<void> {
    return this.enqueue(() => this.apply(name));
  }

  /** Resolves once no evaluation is pending. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The images `policyText` would expire in the repository now, oldest first. */
  async expiries(record: RepositoryRecord, policyText: string): Promise<Expiry<ImageEntry>[]> {
    const images = await imagesOf(this.registry, record);
    return evaluateLifecycle(
      parseLifecyclePolicy(policyText),
      images,
      this.now(),
      await this.referencedByIndexes(record.repositoryName, images)
    );
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(name: string): Promise<void> {
    const record = this.store.get(name);
    if (record?.lifecyclePolicyText === undefined) return;
    for (const { image } of await this.expiries(record, record.lifecyclePolicyText)) {
      await this.registry.client.deleteManifest(name, image.digest);
      this.store.forgetPush(name, image.digest);
    }
    record.lifecycleEvaluatedAt = this.now();
    this.store.save();
  }

  /** Digests of images a manifest list (index) of the repository lists: ECR never expires those. */
  private async referencedByIndexes(name: string, images: ImageEntry[]): Promise<Set<string>> {
    const referenced = new Set<string>();
    for (const image of images) {
      const manifest = await this.registry.client.manifest(name, image.digest);
      const listed = manifest
        ? (JSON.parse(manifest.body.toString('utf8')) as { manifests?: { digest?: unknown }[] }).manifests
        : undefined;
      for (const child of listed ?? []) if (typeof child.digest === 'string') referenced.add(child.digest);
    }
    return referenced;
  }
}

/** PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy and the lifecycle policy preview. */
export function lifecycleOperations(store: RepositoryStore, runner: LifecycleRunner): OperationTable {
  const previews = new WeakMap<RepositoryRecord, Preview>();
  const answer = (record: RepositoryRecord, context: RequestContext) => ({
    registryId: context.accountId,
    repositoryName: record.repositoryName
  });

  return defineOperations<LifecycleOperations>({
    PutLifecyclePolicy: async (input, context) => {
      const record = existingRepository(input, context, store);
      record.lifecyclePolicyText = validateLifecyclePolicy(input.lifecyclePolicyText);
      store.save();
      await runner.applyNow(record.repositoryName);
      return { ...answer(record, context), lifecyclePolicyText: record.lifecyclePolicyText };
    },

    GetLifecyclePolicy: (input, context) => {
      const record = existingRepository(input, context, store);
      if (record.lifecyclePolicyText === undefined) {
        throw lifecyclePolicyNotFound(record.repositoryName, context.accountId);
      }
      return {
        ...answer(record, context),
        lifecyclePolicyText: record.lifecyclePolicyText,
        lastEvaluatedAt: record.lifecycleEvaluatedAt
      };
    },

    DeleteLifecyclePolicy: (input, context) => {
      const record = existingRepository(input, context, store);
      const text = record.lifecyclePolicyText;
      if (text === undefined) throw lifecyclePolicyNotFound(record.repositoryName, context.accountId);
      const lastEvaluatedAt = record.lifecycleEvaluatedAt;
      delete record.lifecyclePolicyText;
      delete record.lifecycleEvaluatedAt;
      store.save();
      return { ...answer(record, context), lifecyclePolicyText: text, lastEvaluatedAt };
    },

    StartLifecyclePolicyPreview: async (input, context) => {
      const record = existingRepository(input, context, store);
      const given: unknown = input.lifecyclePolicyText;
      const text = given !== undefined ? validateLifecyclePolicy(given) : record.lifecyclePolicyText;
      if (text === undefined) throw lifecyclePolicyNotFound(record.repositoryName, context.accountId);
      // Computed before answering, so the first GetLifecyclePolicyPreview is already COMPLETE.
      previews.set(record, { lifecyclePolicyText: text, expiries: await runner.expiries(record, text) });
      return { ...answer(record, context), lifecyclePolicyText: text, status: 'IN_PROGRESS' };
    },

    GetLifecyclePolicyPreview: (input, context) => {
      const record = existingRepository(input, context, store);
      const preview = previews.get(record);
      if (!preview) {
        throw new AwsServiceError(
          'LifecyclePolicyPreviewNotFoundException',
          `There is no lifecycle policy preview for the repository with name '${record.repositoryName}' ` +
            `in the registry with id '${context.accountId}'`
        );
      }
      const selected = previewSelection(preview.expiries, input);
      const { items: page, nextToken } = paginate(selected, {
        token: input.nextToken,
        pageSize: previewMaxResults(input.maxResults) ?? 100,
        invalidToken: () => invalidParameter('nextToken', 'must be a token returned by a previous call')
      });
      return {
        ...answer(record, context),
        lifecyclePolicyText: preview.lifecyclePolicyText,
        status: 'COMPLETE',
        nextToken,
        previewResults: page.map(({ image, rule }) => ({
          imageTags: image.tags.length > 0 ? image.tags : undefined,
          imageDigest: image.digest,
          imagePushedAt: image.pushedAt,
          action: { type: 'EXPIRE' },
          appliedRulePriority: rule.rulePriority
        })),
        summary: { expiringImageTotalCount: preview.expiries.length }
      };
    }
  });
}

function previewSelection(
  expiries: Expiry<ImageEntry>[],
  input: WireInput<GetLifecyclePolicyPreviewCommandInput>
): Expiry<ImageEntry>[] {
  const ids = input.imageIds;
  if (ids !== undefined) {
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) {
      throw invalidParameter('imageIds', 'must be a list of 1 to 100 image identifiers');
    }
    const images = expiries.map((expiry) => expiry.image);
    const wanted = new Set(
      ids
        .map((id: unknown) => {
          const { imageDigest, imageTag } = wireMembers<SdkImageIdentifier>(id);
          return findImage(images, {
            ...(imageDigest !== undefined && { imageDigest: wireText(imageDigest) }),
            ...(imageTag !== undefined && { imageTag: wireText(imageTag) })
          });
        })
        .filter((found) => !isFailure(found))
    );
    return expiries.filter((expiry) => wanted.has(expiry.image));
  }
  const { tagStatus } = wireMembers<LifecyclePolicyPreviewFilter>(input.filter);
  if (tagStatus === undefined || tagStatus === 'ANY') return expiries;
  if (!TAG_STATUSES.includes(tagStatus as (typeof TAG_STATUSES)[number])) {
    throw invalidParameter('filter.tagStatus', `must be one of ${TAG_STATUSES.join(', ')}`);
  }
  return expiries.filter((expiry) => (tagStatus === 'TAGGED') === expiry.image.tags.length > 0);
}

function previewMaxResults(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
    throw invalidParameter('maxResults', 'must be an integer from 1 to 100');
  }
  return value;
}
