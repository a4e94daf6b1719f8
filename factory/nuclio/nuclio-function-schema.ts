/**
 * A closed JSON schema of the NuclioFunction and NuclioProject bodies we produce. Nuclio's CRDs
 * preserve unknown fields and its controller decodes leniently, so `numWorker` or `eventTimout` would
 * deploy without a word and without effect: every object here has `additionalProperties: false`.
 */

import Ajv, { type ErrorObject, type JSONSchemaType } from 'ajv';
import { CoderingError } from '../../errors';
import type { NuclioFunctionResource, NuclioProjectResource } from './nuclio-function-types';

const dnsLabel = { type: 'string', pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;
const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$' } as const;
const labelValue = { type: 'string', pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$', maxLength: 63 } as const;
const labels = {
  type: 'object',
  required: [],
  propertyNames: { pattern: '^([a-z0-9.-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$' },
  additionalProperties: labelValue,
} as const;

const quantities = {
  type: 'object',
  additionalProperties: false,
  required: ['cpu', 'memory'],
  properties: { cpu: quantity, memory: quantity },
} as const;

export const nuclioFunctionSchema: JSONSchemaType<NuclioFunctionResource> = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  properties: {
    apiVersion: { type: 'string', const: 'nuclio.io/v1beta1' },
    kind: { type: 'string', const: 'NuclioFunction' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'namespace', 'labels', 'annotations'],
      properties: {
        // `nuclio-<name>` must itself be a DNS label.
        name: { ...dnsLabel, maxLength: 56 },
        namespace: dnsLabel,
        labels: { ...labels, required: ['nuclio.io/project-name', 'app.kubernetes.io/part-of'] },
        annotations: { type: 'object', required: [], additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: [
        'description', 'runtime', 'handler', 'image', 'imagePullPolicy', 'build', 'runtimeAttributes', 'env',
        'resources', 'minReplicas', 'maxReplicas', 'triggers', 'eventTimeout', 'readinessTimeoutSeconds',
        'serviceType', 'securityContext', 'volumes',
      ],
      properties: {
        description: { type: 'string' },
        runtime: { type: 'string', const: 'shell' },
        handler: { type: 'string', pattern: '^[A-Za-z0-9_.-]+:[A-Za-z0-9_]+$' },
        image: { type: 'string', minLength: 1 },
        imagePullPolicy: { type: 'string', enum: ['IfNotPresent', 'Always'] },
        imagePullSecrets: { type: 'string', nullable: true, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
        build: {
          type: 'object',
          additionalProperties: false,
          required: ['codeEntryType', 'image', 'noBaseImagesPull'],
          properties: {
            codeEntryType: { type: 'string', const: 'image' },
            image: { type: 'string', minLength: 1 },
            noBaseImagesPull: { type: 'boolean', const: true },
          },
        },
        runtimeAttributes: {
          type: 'object',
          additionalProperties: false,
          required: ['arguments', 'responseHeaders'],
          properties: {
            arguments: { type: 'string' },
            responseHeaders: { type: 'object', required: [], additionalProperties: { type: 'string' } },
          },
        },
        env: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'value'],
            properties: { name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, value: { type: 'string' } },
          },
        },
        resources: {
          type: 'object',
          additionalProperties: false,
          required: ['requests', 'limits'],
          properties: { requests: quantities, limits: quantities },
        },
        minReplicas: { type: 'integer', minimum: 1 },
        maxReplicas: { type: 'integer', minimum: 1 },
        triggers: {
          type: 'object',
          additionalProperties: false,
          required: ['http'],
          properties: {
            http: {
              type: 'object',
              additionalProperties: false,
              required: ['kind', 'name', 'numWorkers', 'workerAvailabilityTimeoutMilliseconds', 'attributes'],
              properties: {
                kind: { type: 'string', const: 'http' },
                name: { type: 'string', const: 'http' },
                numWorkers: { type: 'integer', minimum: 1, maximum: 64 },
                workerAvailabilityTimeoutMilliseconds: { type: 'integer', minimum: 0 },
                attributes: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['maxRequestBodySize', 'serviceType'],
                  properties: {
                    maxRequestBodySize: { type: 'integer', minimum: 1024 },
                    serviceType: { type: 'string', const: 'ClusterIP' },
                  },
                },
              },
            },
          },
        },
        eventTimeout: { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' },
        readinessTimeoutSeconds: { type: 'integer', minimum: 1 },
        serviceType: { type: 'string', const: 'ClusterIP' },
        securityContext: {
          type: 'object',
          additionalProperties: false,
          required: ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seccompProfile'],
          properties: {
            // Never root: the processor and the program run as the image's sandbox user.
            runAsUser: { type: 'integer', minimum: 1 },
            runAsGroup: { type: 'integer', minimum: 1 },
            runAsNonRoot: { type: 'boolean', const: true },
            seccompProfile: {
              type: 'object',
              additionalProperties: false,
              required: ['type'],
              properties: { type: { type: 'string', const: 'RuntimeDefault' } },
            },
          },
        },
        serviceAccount: { ...dnsLabel, nullable: true },
        volumes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['volume', 'volumeMount'],
            properties: {
              volume: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'emptyDir'],
                properties: {
                  name: dnsLabel,
                  emptyDir: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['medium', 'sizeLimit'],
                    properties: { medium: { type: 'string', const: 'Memory' }, sizeLimit: quantity },
                  },
                },
              },
              volumeMount: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'mountPath'],
                properties: { name: dnsLabel, mountPath: { type: 'string', pattern: '^/' } },
              },
            },
          },
        },
      },
    },
    status: {
      type: 'object',
      additionalProperties: false,
      required: ['state'],
      properties: { state: { type: 'string', const: 'waitingForResourceConfiguration' } },
    },
  },
};

export const nuclioProjectSchema: JSONSchemaType<NuclioProjectResource> = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { type: 'string', const: 'nuclio.io/v1beta1' },
    kind: { type: 'string', const: 'NuclioProject' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'namespace', 'labels'],
      properties: { name: dnsLabel, namespace: dnsLabel, labels },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['description'],
      properties: { description: { type: 'string' } },
    },
  },
};

const ajv = new Ajv({ allErrors: true });
const functionValidator = ajv.compile(nuclioFunctionSchema);
const projectValidator = ajv.compile(nuclioProjectSchema);

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const extra =
      error.keyword === 'additionalProperties'
        ? ` (unknown key "${String((error.params as { additionalProperty: string }).additionalProperty)}")`
        : '';
    return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${extra}`;
  });
}

/**
 * Throws `internal` (a body we built is our bug, not the user's input) listing every violation, or
 * returns the body typed.
 */
export function validateNuclioFunction(body: unknown): NuclioFunctionResource {
  if (!functionValidator(body)) {
    const problems = describe(functionValidator.errors);
    throw new CoderingError('internal', `invalid NuclioFunction: ${problems.join('; ')}`, { problems });
  }
  return body;
}

export function validateNuclioProject(body: unknown): NuclioProjectResource {
  if (!projectValidator(body)) {
    const problems = describe(projectValidator.errors);
    throw new CoderingError('internal', `invalid NuclioProject: ${problems.join('; ')}`, { problems });
  }
  return body;
}
