import type {
  AddTagsCommandInput,
  AddTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  ListTagsCommandInput,
  ListTagsCommandOutput
} from '@aws-sdk/client-sagemaker';
import type { StateStore } from '../../state.js';
import { validationError } from '../../wire/errors.js';
import { defineOperations, wireText, type OperationTable, type RequestContext } from '../../wire/types.js';
import { optionalTags, requireString } from './registry/validation.js';
import type { Tag } from './registry/records.js';

const DOCUMENT = 'sagemaker-tags';
const MAX_TAGS = 50;

/**
 * The tags of every SageMaker resource, keyed by ARN: one store for what Create* calls tag and what
 * AddTags/ListTags/DeleteTags change, whichever module owns the resource.
 */
export class TagStore {
  constructor(private readonly state: StateStore) {}

  private get document(): Record<string, Tag[]> {
    return this.state.document<Record<string, Tag[]>>(DOCUMENT, () => ({}));
  }

  tags(arn: string): Tag[] {
    return this.document[arn] ?? [];
  }

  /** Replaces a resource's tags (none: forgets it) and persists them. */
  set(arn: string, tags: Tag[]): void {
    if (tags.length > 0) this.document[arn] = tags;
    else delete this.document[arn];
    this.state.save(DOCUMENT);
  }
}

type TagOperations = {
  AddTags: [AddTagsCommandInput, AddTagsCommandOutput];
  ListTags: [ListTagsCommandInput, ListTagsCommandOutput];
  DeleteTags: [DeleteTagsCommandInput, DeleteTagsCommandOutput];
};

/** Whether an ARN names an existing resource that can carry tags. */
export type TaggableCheck = (arn: string, context: RequestContext) => boolean;

/**
 * AddTags, ListTags and DeleteTags for every resource some `taggable` check knows (registry groups and
 * versions, models, endpoint configs, endpoints).
 */
export function tagOperations(taggable: TaggableCheck[]): OperationTable {
  const requireTaggable = (arn: string, context: RequestContext) => {
    if (!/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+$/.test(arn) || arn.length > 256) {
      throw validationError(
        `1 validation error detected: Value '${arn}' at 'resourceArn' failed to satisfy constraint: ` +
          `Member must satisfy regular expression pattern: arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+`
      );
    }
    if (!taggable.some((check) => check(arn, context))) {
      throw validationError(`Resource ${arn} does not exist or cannot be tagged.`);
    }
  };

  return defineOperations<TagOperations>({
    AddTags(input, context) {
      const store = new TagStore(context.state);
      const arn = requireString(input, 'ResourceArn');
      const tags = optionalTags(input, 'Tags');
      requireTaggable(arn, context);
      const merged = new Map(store.tags(arn).map((tag) => [tag.Key, tag.Value]));
      for (const tag of tags) merged.set(tag.Key, tag.Value);
      if (merged.size > MAX_TAGS) {
        throw validationError(
          `Resource ${arn} would have ${merged.size} tags; at most ${MAX_TAGS} are allowed.`
        );
      }
      const updated: Tag[] = [...merged].map(([Key, Value]) => ({ Key, Value }));
      store.set(arn, updated);
      return { Tags: updated };
    },

    ListTags(input, context) {
      const arn = requireString(input, 'ResourceArn');
      requireTaggable(arn, context);
      // ListTagsMaxResults has a minimum of 50 and a resource at most 50 tags, so one page holds them all.
      if (input.MaxResults !== undefined && Number(input.MaxResults) < 50) {
        throw validationError(
          `1 validation error detected: Value '${wireText(input.MaxResults)}' at 'maxResults' failed to satisfy constraint: ` +
            'Member must have value greater than or equal to 50'
        );
      }
      return { Tags: new TagStore(context.state).tags(arn) };
    },

    DeleteTags(input, context) {
      const store = new TagStore(context.state);
      const arn = requireString(input, 'ResourceArn');
      const keys = input.TagKeys;
      if (!Array.isArray(keys) || keys.length < 1 || keys.length > 50) {
        throw validationError(
          "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length between 1 and 50"
        );
      }
      requireTaggable(arn, context);
      store.set(
        arn,
        store.tags(arn).filter((tag) => !keys.includes(tag.Key))
      );
      return {};
    }
  });
}
