/**
 * Docker image reference grammar (distribution/reference): an optional registry host[:port], then
 * lowercase path components. Tags are checked by lib/docker-tags.
 */
const HOST = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?)`;
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REPOSITORY = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*$`);

export function isValidRepository(name: string): boolean {
  return name.length <= 255 && REPOSITORY.test(name);
}

/** Turns a branch name into a valid tag: `feature/Add-CSV` → `feature-add-csv`. */
export function slugForTag(branch: string): string {
  return branch
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 128);
}
