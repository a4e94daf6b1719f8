/**
 * Pulumi mocks that record every resource the program registers, and answer the outputs it awaits:
 * an image's `repoDigest`, a release's `status`. Call `installMocks` before importing the program.
 */

import * as pulumi from '@pulumi/pulumi';

export interface RecordedResource {
  type: string;
  name: string;
  // Inputs as the engine would receive them, plain JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: any;
}

export const PROJECT = 'codering-x';

export function installMocks(config: Record<string, string>, secretKeys: string[]): RecordedResource[] {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, value])),
    secretKeys.map((key) => `${PROJECT}:${key}`),
  );
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === 'docker:index/image:Image') {
          const name = String(args.inputs.imageName);
          state.repoDigest = `${name.slice(0, name.lastIndexOf(':'))}@sha256:${'0'.repeat(64)}`;
        }
        if (args.type === 'kubernetes:helm.sh/v3:Release') state.status = { status: 'deployed' };
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        return args.inputs;
      },
    },
    PROJECT,
    'test',
    false,
  );
  return resources;
}

/** Resolves when no resource has been registered for a while (outputs resolve asynchronously). */
export async function settled(resources: RecordedResource[]): Promise<void> {
  let count = -1;
  let quiet = 0;
  while (quiet < 5) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    quiet = resources.length === count ? quiet + 1 : 0;
    count = resources.length;
  }
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Pulumi's marker of a secret value in serialized inputs. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

export function isSecretValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && SECRET_SIG in value;
}

/** The inputs with every secret value removed: what would be stored and shown in plain text. */
export function plainParts(value: unknown): unknown {
  if (isSecretValue(value)) return '[secret]';
  if (Array.isArray(value)) return value.map(plainParts);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainParts(inner)]));
  }
  return value;
}

/** Unwraps secret markers, for checks on the values themselves. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return unwrapSecrets((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}
