/**
 * Who may call the API without a key (CODERING_AUTH): `required`, nobody (only the probes and the
 * docs are open); `run-open`, anybody may run code and read the catalogue, as on a single-user
 * machine, while building and administration always need a key. The config schema, the API's
 * access checks and the CLI read this one list.
 */

export const AUTH_MODES = ['required', 'run-open'] as const;

export type AuthMode = (typeof AUTH_MODES)[number];
