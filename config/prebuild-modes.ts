/**
 * What is built before students need it (CODERING_PREBUILD): `default` the default runtimes, by
 * `npm run up` before serving and warmed by the API; `all` those, then every version of the
 * catalogue in the API's background; `none` nothing, every runtime built on a run's demand. The
 * config schema, the API and `scripts/up.sh` (through `codering config get`) read this one list.
 */

export const PREBUILD_MODES = ['all', 'default', 'none'] as const;

export type PrebuildMode = (typeof PREBUILD_MODES)[number];
