/**
 * What a build job needs to know of a runtime request: the resolved runtime's id, the canonical
 * libraries and the key that makes submissions idempotent. Defined here, below `images/`, so that
 * jobs never import images: `images/RuntimeTarget` extends this, and `RunImages` submits to
 * `BuildJobs`, so the dependency goes one way, images → jobs.
 */
export interface BuildTarget {
  resolved: { id: string };
  /** Canonical, sorted. */
  libraries: string[];
  /** `python@3.13.5` or `node@20.19.0+lodash@4`: same key, same image (one active job per key). */
  key: string;
}
