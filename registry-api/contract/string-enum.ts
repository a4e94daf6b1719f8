import { Type, type TUnsafe } from '@sinclair/typebox';

/**
 * A string that is one of `values`, as a plain `enum` (TypeBox's own union of literals would publish
 * an `anyOf` of `const`s and make the response serializer try each one). TypeBox documents this form.
 */
export function stringEnum<T extends string>(values: readonly T[], options: { description?: string; default?: T } = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}
