/**
 * Jest globalSetup of the integration tier. These tests drive the real Docker engine and the real
 * image registry; without them every test would fail on its own, slowly and with a confusing
 * timeout. One check up front fails the whole tier at once with a message that says what to run.
 * The registry settings are the factory's own (factoryConfig: CODERING_REGISTRY, …_USERNAME,
 * …_PASSWORD, else the password file prepare-engine.sh writes under CODERING_DATA_DIR).
 */
import { createDockerClient } from '../../factory/engine';
import { factoryConfig } from '../../factory/config';

const CHECK_TIMEOUT_MS = 5000;
const HOW_TO_FIX =
  'Run `bash scripts/prepare-engine.sh` as root (or `npm run up -- --no-serve`), ' +
  'or point DOCKER_HOST and CODERING_REGISTRY (+ _USERNAME, _PASSWORD) at an engine and a registry of yours.';

async function checkEngine(): Promise<string | null> {
  const where = process.env.DOCKER_HOST ?? 'the local socket';
  try {
    // The project's own client, with a short deadline: a check, not a build.
    await createDockerClient({ engineTimeoutMs: CHECK_TIMEOUT_MS, buildTimeoutMs: CHECK_TIMEOUT_MS }).images.ping();
    return null;
  } catch (error) {
    return `the Docker engine at ${where} does not answer (${(error as Error).message})`;
  }
}

async function checkRegistry(): Promise<string | null> {
  const { registry, registryScheme: scheme, registryUsername: username, registryPassword: password } = factoryConfig();
  const headers: Record<string, string> = {};
  if (password) headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  try {
    const response = await fetch(`${scheme}://${registry}/v2/`, {
      headers,
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    if (response.status === 200) return null;
    if (response.status === 401) {
      return password
        ? `the registry at ${registry} refuses user ${username} with the configured password`
        : `the registry at ${registry} wants credentials and none are configured`;
    }
    return `the registry at ${registry} answers HTTP ${response.status} on /v2/`;
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    return `the registry at ${registry} does not answer (${cause})`;
  }
}

export default async function globalSetup(): Promise<void> {
  const problems = (await Promise.all([checkEngine(), checkRegistry()])).filter((p): p is string => p !== null);
  if (problems.length > 0) {
    const error = new Error(`Integration tests need a Docker engine and the image registry: ${problems.join('; ')}.\n${HOW_TO_FIX}`);
    error.stack = error.message; // jest prints the stack: ours would only hide the message
    throw error;
  }
}
