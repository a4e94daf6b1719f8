/** Who may call the API: keys with scopes, stored hashed in the service's database. */
export { keyIdOf, newKeySecret, secretMatches } from './key-secret';
export { KeyStore, type ApiKey, type KeyCheck, type NewKey } from './key-store';
export { grants, isScope, SCOPES, type Scope } from './scopes';
