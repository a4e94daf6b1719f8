/**
 * The registry API's own image as the builder makes it: its files read from the repository, and
 * what a build answers. The Dockerfile and the lists of what goes in are render-api-image.ts's.
 */
import { REPOSITORY_ROOT } from '../config';
import { readContextTree, type ContextFile } from '../engine';
import { API_CONTEXT_ENTRIES, API_CONTEXT_IGNORE } from '../templates';

/** `codering/api`, found, pulled or built. */
export interface ApiImage {
  /** `<registry>/codering/api:<version>-<hash>`: what is pushed, and what a cluster pulls. */
  reference: string;
  /** `codering/api:<version>-<hash>`: the same image by its engine-local name. */
  local: string;
  tag: string;
  /** The registry's digest, when pushed (or already there). */
  digest: string | null;
  imageId: string;
  /** True when nothing was built: the content tag was already there. */
  cached: boolean;
}

/** The API's files by their path in the repository: the entries, less what the ignore list names. */
export function readApiImageFiles(root: string = REPOSITORY_ROOT): ContextFile[] {
  return readContextTree(root, { entries: API_CONTEXT_ENTRIES, ignore: API_CONTEXT_IGNORE });
}
