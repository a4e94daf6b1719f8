import { Type } from '@sinclair/typebox';

/** Fields a run and an image request share, so that both accept the same runtimes and libraries. */
export const runtimeSpecSchema = Type.String({ minLength: 1, maxLength: 64, description: '`python@3.11`, `node@^20`, `py`' });

export const librariesSchema = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
  maxItems: 64,
  description: "Library specs of the runtime's ecosystem (`lodash@4`, `requests==2.31.0`) or `apt:<package>`",
});
