import { Type } from '@sinclair/typebox';

/** What `/healthz` and `/readyz` answer when all is well. */
export const healthSchema = Type.Object({ status: Type.Optional(Type.String()) });
