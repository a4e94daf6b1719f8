/**
 * What the registry API needs from the image factory: an image for a runtime (plus optional
 * libraries for one exercise), built once, cached by content, pushed to the registry.
 */

export interface ImageRequest {
  /** `python@3.11`, `node@^20`, `js`, `py@latest` */
  runtime: string;
  /** Ecosystem specs, e.g. `lodash@4` for node, `requests==2.31.0` for python, `apt:jq`. */
  libraries: string[];
}

export interface BuildProgress {
  /** Which image of the chain is building: `base`, `runtime`, `exercise`. */
  stage: string;
  /** Dockerfile step `n` of `total`, when known. */
  step: number;
  total: number;
  /** Last line of the build's own output. */
  message: string;
}

export interface BuiltImage {
  /** `python@3.11.2` */
  runtimeId: string;
  /** `127.0.0.1:5000/codering/python:3.11.2-<hash>` */
  reference: string;
  /** `sha256:…` from the registry, when pushed. */
  digest: string | null;
  /** True when nothing was built: the content tag was already there. */
  cached: boolean;
  /** Libraries as installed, canonical form. */
  libraries: string[];
  /** The engine's image id (`sha256:…`, the config digest: the same wherever it was pulled). */
  imageId?: string;
}

/** Options of one `ensureImage` call beyond the interface's (the CLI's `--no-push`, cancellation). */
export interface EnsureImageOptions {
  /** Push what is built (and what is present locally but missing from the registry). Default true. */
  push?: boolean;
  /** Abandons the call: an unfinished build is cancelled with the HTTP request that runs it. */
  signal?: AbortSignal;
}

export interface ImageBuilder {
  /**
   * Resolves, renders, builds (unless cached) and pushes. Two concurrent calls for the same spec
   * build once. Rejects with the error catalogue's errors (unknown runtime, bad library, build failed
   * with the failing step's output).
   */
  ensureImage(request: ImageRequest, onProgress?: (progress: BuildProgress) => void): Promise<BuiltImage>;
}

/** The fast path: the image of a request when it is already present, without building anything. */
export interface ImageLookup {
  /** The image for `request` if its content tag is present on the engine, else null. Never builds. */
  findImage(request: ImageRequest): Promise<BuiltImage | null>;
}
