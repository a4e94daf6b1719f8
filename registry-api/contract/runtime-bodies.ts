import { Type, type Static } from '@sinclair/typebox';

/** One language of the catalogue, as `GET /v1/runtimes` lists it. */
export const runtimeSchema = Type.Object({
  language: Type.String(),
  displayName: Type.String(),
  aliases: Type.Array(Type.String()),
  main: Type.String({ description: 'Default main file name' }),
  compiled: Type.Boolean(),
  libraries: Type.String({ description: 'Library ecosystem: npm, pip, gem, composer, apt or none' }),
  versions: Type.Array(Type.Object({ version: Type.String(), suite: Type.String(), upstreamImage: Type.String() })),
});

export type RuntimeBody = Static<typeof runtimeSchema>;

export const runtimeListSchema = Type.Object({ runtimes: Type.Array(runtimeSchema) });

/** A runtime request resolved to one version, as `GET /v1/runtimes/:spec` answers it. */
export const resolvedRuntimeSchema = Type.Object({
  id: Type.String(),
  language: Type.String(),
  version: Type.String(),
  displayName: Type.String(),
  suite: Type.String(),
  upstreamImage: Type.String(),
  main: Type.String(),
  compiled: Type.Boolean(),
  libraries: Type.String(),
  image: Type.Union(
    [Type.Object({ reference: Type.String(), digest: Type.Union([Type.String(), Type.Null()]) }), Type.Null()],
    { description: 'The built image, or null when not built yet' },
  ),
});

export type ResolvedRuntimeBody = Static<typeof resolvedRuntimeSchema>;
