/** Reading and writing a field of the configuration by its JSON pointer (`/hedge/floorMs`). */

export function setPointer(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const keys = pointer.split('/').slice(1);
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

export function getPointer(source: object, pointer: string): unknown {
  let node: unknown = source;
  for (const key of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[key];
  return node;
}
