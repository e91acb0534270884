// Bring-your-own AWS settings, read from the environment (CI secrets and
// variables). Pure: takes the environment as an argument. Credentials are not
// here: they come from the SDK's default chain.
import { parseHostPort, type Endpoint } from '../net/endpoint.ts';
import type { Credentials } from '../probes/mysql-probe.ts';
import type { AwsPlace } from './clients.ts';

export type AwsBalancerKind = 'classic-elb' | 'nlb';

interface Common {
  region: string;
  /** An endpoint override (proxyproof's simulator); absent means AWS itself. */
  endpoint: string | undefined;
  mysql: Credentials;
  /**
   * The runner's address as the balancer sees it (its public address behind
   * NAT); absent means the client socket's own address.
   */
  originAddress: string | undefined;
}

export interface ClassicElbSettings extends Common {
  kind: 'classic-elb';
  loadBalancerName: string;
  instancePort: number;
  /** Absent: the load balancer's DNS name and the listener that forwards to the instance port. */
  listener: Endpoint | undefined;
}

export interface NlbSettings extends Common {
  kind: 'nlb';
  targetGroupArn: string;
  listener: Endpoint;
}

export type AwsSettings = ClassicElbSettings | NlbSettings;

/** Every variable proxyproof reads, with what it is for (README and skip reasons name them). */
export const AWS_VARIABLES = {
  region: 'PROXYPROOF_AWS_REGION (or AWS_REGION)',
  endpoint: 'PROXYPROOF_AWS_ENDPOINT',
  user: 'PROXYPROOF_MYSQL_USER',
  password: 'PROXYPROOF_MYSQL_PASSWORD',
  origin: 'PROXYPROOF_ORIGIN_ADDRESS',
  classicName: 'PROXYPROOF_CLASSIC_ELB_NAME',
  classicPort: 'PROXYPROOF_CLASSIC_ELB_INSTANCE_PORT',
  classicListener: 'PROXYPROOF_CLASSIC_ELB_LISTENER',
  nlbTargetGroup: 'PROXYPROOF_NLB_TARGET_GROUP_ARN',
  nlbListener: 'PROXYPROOF_NLB_LISTENER',
} as const;

type Env = Record<string, string | undefined>;

/** Settings for one balancer kind, or every problem with them in words. */
export type SettingsResult =
  { ok: true; settings: AwsSettings } | { ok: false; problems: string[] };

/** A variable's value; empty counts as unset (CI gives "" for an unset repository variable). */
const valueIn = (env: Env, name: string) => {
  const v = env[name]?.trim();
  return v === '' ? undefined : v;
};

/** Region and endpoint override, or null without a region. */
export function awsPlaceFrom(env: Env = process.env): AwsPlace | null {
  const region = valueIn(env, 'PROXYPROOF_AWS_REGION') ?? valueIn(env, 'AWS_REGION');
  return region ? { region, endpoint: valueIn(env, AWS_VARIABLES.endpoint) } : null;
}

export function readAwsSettings(kind: AwsBalancerKind, env: Env = process.env): SettingsResult {
  const problems: string[] = [];
  const value = (name: string) => valueIn(env, name);
  const need = (name: string, what: string) => {
    const v = value(name);
    if (v === undefined) problems.push(`${name} is not set (${what})`);
    return v ?? '';
  };
  const hostPort = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const parsed = parseHostPort(v);
    if (!parsed) problems.push(`${name} must be host:port, not ${JSON.stringify(v)}`);
    return parsed ?? undefined;
  };

  if (kind === 'classic-elb') {
    need(AWS_VARIABLES.classicName, 'the Classic ELB to test');
  } else {
    need(AWS_VARIABLES.nlbTargetGroup, "the ARN of the NLB's target group");
    need(AWS_VARIABLES.nlbListener, "the NLB's DNS name and listener port, host:port");
  }
  const place = awsPlaceFrom(env);
  if (!place) problems.push(`${AWS_VARIABLES.region} is not set`);
  const common: Common = {
    region: place?.region ?? '',
    endpoint: place?.endpoint,
    mysql: {
      user: need(AWS_VARIABLES.user, 'a database user on the backends'),
      password: value(AWS_VARIABLES.password) ?? '',
    },
    originAddress: value(AWS_VARIABLES.origin),
  };
  if (kind === 'classic-elb') {
    const portText = value(AWS_VARIABLES.classicPort) ?? '3306';
    const instancePort = Number(portText);
    if (!Number.isInteger(instancePort) || instancePort < 1 || instancePort > 65535)
      problems.push(`${AWS_VARIABLES.classicPort} must be a port 1-65535, not ${portText}`);
    const listener = hostPort(AWS_VARIABLES.classicListener, value(AWS_VARIABLES.classicListener));
    if (problems.length > 0) return { ok: false, problems };
    return {
      ok: true,
      settings: {
        kind,
        ...common,
        loadBalancerName: value(AWS_VARIABLES.classicName)!,
        instancePort,
        listener,
      },
    };
  }
  const listener = hostPort(AWS_VARIABLES.nlbListener, value(AWS_VARIABLES.nlbListener));
  if (problems.length > 0 || !listener) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      kind,
      ...common,
      targetGroupArn: value(AWS_VARIABLES.nlbTargetGroup)!,
      listener,
    },
  };
}
