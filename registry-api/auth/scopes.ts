/**
 * What a key may do. `run`: what a learning platform's UI needs (run code, read the catalogue).
 * `build`: what exercise authors need (image builds and their jobs). `admin`: everything, keys,
 * capacity and metrics included. Scopes are independent but for `admin`: an author who also tries
 * their images gets a key with `run` and `build`.
 */

export const SCOPES = ['run', 'build', 'admin'] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Whether a key with these scopes may do what `needed` allows. */
export function grants(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(needed);
}
