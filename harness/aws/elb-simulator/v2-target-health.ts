// An ELBv2 target's health as DescribeTargetHealth words it: the state, and
// for any state but healthy the reason code and description the Network Load
// Balancers Guide lists (target-group-health-checks). Pure.
import type { BackendHealth } from './backend-health.ts';

export interface TargetHealthState {
  State: 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';
  Reason?: string;
  Description?: string;
}

const HEALTH = {
  serving: { State: 'healthy' },
  'failing-checks': {
    State: 'unhealthy',
    Reason: 'Target.FailedHealthChecks',
    Description: 'Health checks failed',
  },
  // An NLB keeps a target unhealthy until it passes HealthyThresholdCount checks.
  'not-yet-healthy': {
    State: 'unhealthy',
    Reason: 'Target.FailedHealthChecks',
    Description: 'Health checks failed',
  },
  unchecked: {
    State: 'initial',
    Reason: 'Elb.RegistrationInProgress',
    Description: 'Target registration is in progress',
  },
  stopped: {
    State: 'unused',
    Reason: 'Target.InvalidState',
    Description: 'Target is in the stopped state',
  },
  unknown: {
    State: 'unavailable',
    Reason: 'Elb.InternalError',
    Description: 'Health checks failed due to an internal error',
  },
  'not-registered': {
    State: 'unused',
    Reason: 'Target.NotRegistered',
    Description: 'Target is not registered to the target group',
  },
} as const satisfies Record<BackendHealth | 'not-registered', TargetHealthState>;

/** A target's health, registered (as its balancer sees it) or not. */
export const targetHealth = (health: BackendHealth | 'not-registered'): TargetHealthState => ({
  ...HEALTH[health],
});
