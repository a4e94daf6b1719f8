/**
 * What the local platform needs from a container engine: worker containers and their stdio. The
 * image side is ImageEngine (image-engine.ts); both are parts of one DockerClient (docker-client.ts).
 */
import type { Readable, Writable } from 'node:stream';

/** The streams of a running worker: requests go in on stdin, framed results come out on stdout. */
export interface WorkerStreams {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Ends both directions; stdout/stderr end too. */
  destroy(): void;
}

export interface ManagedContainer {
  id: string;
  labels: Record<string, string>;
  state: string;
}

/**
 * The few engine operations the local platform needs, so the pool's logic is testable without
 * Docker. The real implementation is the Docker client's ContainerClient; every call has a deadline.
 */
export interface ContainerEngine {
  ping(): Promise<void>;
  /** Creates the container, attaches to its stdio, starts it. */
  startAttached(spec: Record<string, unknown>): Promise<{ id: string; streams: WorkerStreams }>;
  /** Kills and removes, ignoring a container that is already gone. */
  destroy(id: string): Promise<void>;
  /** Containers carrying all the given labels. */
  list(labels: Record<string, string>): Promise<ManagedContainer[]>;
  imageExists(reference: string): Promise<boolean>;
}
