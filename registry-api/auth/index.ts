/**
 * Who may call the API: keys with scopes, stored hashed in the service's database; the per-route
 * access table; the hooks that check keys, limit rates and runs in flight and answer CORS; the
 * access policy in the OpenAPI document; and the start-up notice with a first admin key.
 */
export { bearerToken, decideAccess, REALM, type Caller, type Credential, type Decision } from './access-decision';
export { corsDelegator, registerAccessControl, type AccessControlOptions } from './access-control';
export { InFlightRuns } from './in-flight-runs';
export { keyIdOf, newKeySecret, secretMatches } from './key-secret';
export { KeyStore, type ApiKey, type KeyCheck, type NewKey } from './key-store';
export { documentAccess, openApiSecuritySchemes, SECURITY_SCHEME } from './openapi-access';
export { routeAccess, type Access, type RouteAccess } from './route-access';
export { grants, isScope, SCOPES, type Scope } from './scopes';
export { announceAccess } from './start-up-access';
export { KEY_PROTOCOL_PREFIX, webSocketKey } from './websocket-key';
