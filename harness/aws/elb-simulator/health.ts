// A Classic ELB's health check and its instances' states, as AWS validates and
// words them. Pure.
import { AwsError, validationErrors, violation } from './aws-error.ts';
import type { BackendHealth } from './backend-health.ts';

export interface HealthCheck {
  /** TCP:port, SSL:port, HTTP:port/path or HTTPS:port/path. */
  Target: string;
  /** Seconds between checks, 5-300. */
  Interval: number;
  /** Seconds without an answer that fail a check, 2-60 and less than Interval. */
  Timeout: number;
  UnhealthyThreshold: number;
  HealthyThreshold: number;
}

/** What AWS shows for a load balancer whose health check was never configured. */
export const defaultHealthCheck = (instancePort: number): HealthCheck => ({
  Target: `TCP:${instancePort}`,
  Interval: 30,
  Timeout: 5,
  UnhealthyThreshold: 2,
  HealthyThreshold: 10,
});

export interface HealthCheckTarget {
  protocol: 'TCP' | 'SSL' | 'HTTP' | 'HTTPS';
  port: number;
  /** HTTP and HTTPS only: the ping path. */
  path?: string;
}

const invalid = (message: string) => new AwsError('ValidationError', message);

/** A target's parts; AWS's ValidationError when it is malformed. */
export function parseHealthCheckTarget(target: string): HealthCheckTarget {
  const [, protocol, rest = ''] = /^(TCP|SSL|HTTPS?):(.*)$/s.exec(target) ?? [];
  if (protocol === undefined)
    throw invalid('HealthCheck Target must begin with one of HTTP, TCP, HTTPS, SSL');
  const [, digits, path] = /^(\d{1,5})(\/.*)?$/s.exec(rest) ?? [];
  const port = Number(digits);
  const http = protocol === 'HTTP' || protocol === 'HTTPS';
  // AWS's words for "TCP:80/" too.
  if (digits === undefined || port < 1 || port > 65535 || (!http && path !== undefined))
    throw invalid('HealthCheck Target must specify a port number');
  if (http && path === undefined)
    throw invalid(`HealthCheck ${protocol} Target must specify a ping path`);
  // The path goes into an HTTP request line, so no whitespace.
  if (target.length > 1024 || /\s/.test(path ?? ''))
    throw invalid(`HealthCheck Target is not a valid ping target: ${target}`);
  return { protocol: protocol as HealthCheckTarget['protocol'], port, path };
}

/** The numeric fields' ranges, from the API reference. */
const RANGES = {
  Interval: [5, 300],
  Timeout: [2, 60],
  UnhealthyThreshold: [2, 10],
  HealthyThreshold: [2, 10],
} as const;

/** AWS's checks, in its words: the target, every field's range at once, then Timeout < Interval. */
export function validateHealthCheck(check: HealthCheck): void {
  parseHealthCheckTarget(check.Target);
  const problems = Object.entries(RANGES).flatMap(([field, [min, max]]) => {
    const value = check[field as keyof typeof RANGES];
    const member = `healthCheck.${field[0]!.toLowerCase()}${field.slice(1)}`;
    if (!Number.isInteger(value)) return [violation(value, member, 'be an integer')];
    if (value < min)
      return [violation(value, member, `have value greater than or equal to ${min}`)];
    if (value > max) return [violation(value, member, `have value less than or equal to ${max}`)];
    return [];
  });
  if (problems.length > 0) throw validationErrors(problems);
  if (check.Timeout >= check.Interval)
    throw invalid('Health check interval must be greater than the timeout.');
}

export interface InstanceState {
  InstanceId: string;
  State: 'InService' | 'OutOfService' | 'Unknown';
  ReasonCode: 'ELB' | 'Instance' | 'N/A';
  Description: string;
}

/**
 * What DescribeInstanceHealth says of an instance, worded as the API
 * reference's InstanceState words it: a registered instance as its balancer
 * sees it, or one that is not registered.
 */
const CONDITIONS = {
  serving: ['InService', 'N/A', 'N/A'],
  'not-registered': [
    'OutOfService',
    'ELB',
    'Instance is not currently registered with the LoadBalancer.',
  ],
  'failing-checks': [
    'OutOfService',
    'Instance',
    'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
  ],
  'not-yet-healthy': [
    'OutOfService',
    'Instance',
    'Instance has not passed the configured HealthyThreshold number of health checks consecutively.',
  ],
  unchecked: ['OutOfService', 'ELB', 'Instance registration is still in progress.'],
  stopped: ['OutOfService', 'Instance', 'Instance is in stopped state.'],
  unknown: ['Unknown', 'ELB', 'A transient error occurred. Please try again later.'],
} as const satisfies Record<
  BackendHealth | 'not-registered',
  readonly [InstanceState['State'], InstanceState['ReasonCode'], string]
>;
export type InstanceCondition = keyof typeof CONDITIONS;

export function instanceState(InstanceId: string, condition: InstanceCondition): InstanceState {
  const [State, ReasonCode, Description] = CONDITIONS[condition];
  return { InstanceId, State, ReasonCode, Description };
}
