/**
 * The shape of one runtime of the catalogue, as loaded from `runtimes/<language>/runtime.yaml` and
 * validated against its schema. Data, not code: adding a language is adding a folder.
 */

export type DebianSuite = 'bullseye' | 'bookworm' | 'trixie';

/** How an exercise's libraries are installed on top of a runtime image. */
export type LibraryInstaller = 'npm' | 'pip' | 'gem' | 'composer' | 'apt' | 'none';

export interface RuntimeVersion {
  /** Full semver, the version the Debian suite's package really provides (e.g. `3.11.2`). */
  version: string;
  /** The Debian suite whose packages provide this version. */
  suite: DebianSuite;
  /** apt packages that install the interpreter/compiler on the suite's root. */
  packages: string[];
  /** What a cluster that can pull from Docker Hub would start FROM instead (e.g. `python:3.11-slim`). */
  upstreamImage: string;
  /**
   * Shell commands the runtime image runs as root after installing `packages` (e.g. go warms a build
   * cache there so that a run does not compile the standard library). Absent for most runtimes.
   */
  prepare?: string[];
  /**
   * apt packages an exercise image needs only while installing libraries (`npm`, `python3-pip`,
   * `composer`): kept out of the runtime image so that plain runs stay small.
   */
  libraryPackages?: string[];
}

export interface SmokeFile {
  name: string;
  content: string;
}

/** A program with its expected output, run in every built image (like Replit's polygott tests). */
export interface SmokeTest {
  files: SmokeFile[];
  stdin: string;
  args: string[];
  expectedStdout: string;
}

export interface RuntimeDefinition {
  /** Canonical name, the folder's name: `python`, `node`, `cpp`. */
  language: string;
  displayName: string;
  /** Other names that resolve to this language: `py`, `python3`, `js`, `c++`. */
  aliases: string[];
  /** Default main file name (`main.py`). */
  main: string;
  /** True when runtime.sh has a `compile` step (c, cpp, go, java, rust). */
  compiled: boolean;
  /**
   * True when runtime.sh has a `prewarm` step: the worker starts the interpreter before a request
   * arrives and hands it the program on fd 3 (proxy/README.md). Interpreted languages only.
   */
  prewarm?: boolean;
  /** Library ecosystem for exercise images; `apt` is accepted by every runtime in addition. */
  libraries: LibraryInstaller;
  /** Newest first. */
  versions: RuntimeVersion[];
  smoke: SmokeTest;
  /** Contents of `runtimes/<language>/runtime.sh`. */
  runtimeScript: string;
  /** Folder the definition was loaded from (for error messages and build contexts). */
  directory: string;
}

/** A request such as `python@^3.10` resolved to one concrete version of the catalogue. */
export interface ResolvedRuntime {
  /** `python@3.11.2` */
  id: string;
  language: string;
  version: string;
  definition: RuntimeDefinition;
  entry: RuntimeVersion;
}

/** One library an exercise asks for, validated against its ecosystem's grammar. */
export interface LibrarySpec {
  installer: LibraryInstaller;
  name: string;
  /** The version or range as the ecosystem writes it (`4`, `^4.17`, `==2.31.0`), or '' for any. */
  version: string;
  /** pip only: the extras asked for (`uvicorn[standard]`), normalized and sorted; absent otherwise. */
  extras?: string[];
}
