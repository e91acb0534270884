import { z } from 'zod';
import type { BalancerKind } from '../components/types.ts';
import {
  BackendOptions,
  BALANCERS,
  BalancerOptions,
  CheckOptions,
  CLIENTS,
  ClientOptions,
  FrontOptions,
  kindOf,
} from '../components/kinds.ts';

/**
 * A scenario: where it runs, a balancer, its backends, any proxies in front,
 * the clients, and what must be true (checks). Each part names its kind; the
 * kind's module validates its options.
 */
export const ScenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    /**
     * Where the balancer is: local containers (default), or a bring-your-own
     * balancer on AWS named by environment settings (skipped without them).
     */
    target: z.enum(['local', 'aws']).default('local'),
    balancer: BalancerOptions,
    backends: BackendOptions,
    /** What stands between the clients and the balancer, outermost first. */
    fronts: z.array(FrontOptions).max(2).default([]),
    clients: z.array(ClientOptions).min(1),
    checks: z.array(CheckOptions).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const instancePort = kindOf<BalancerKind>(BALANCERS, s.balancer.kind).ports(
      s.balancer,
    ).instance;
    if (s.backends.port !== instancePort)
      ctx.addIssue({
        code: 'custom',
        path: ['backends', 'port'],
        message: `the backends listen on ${s.backends.port}, but the balancer sends to instance port ${instancePort}`,
      });
    if (s.fronts.some((f) => f.kind === 'tls-front') && s.balancer.acceptProxy !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['balancer', 'acceptProxy'],
        message:
          'a tls-front speaks PROXY to the balancer, which must accept it (acceptProxy: true)',
      });
    if (s.target === 'aws') {
      s.clients.forEach((c, i) => {
        if (kindOf(CLIENTS, c.kind).localOnly)
          ctx.addIssue({
            code: 'custom',
            path: ['clients', i, 'kind'],
            message: `${c.kind} clients need local containers; on AWS only clients from the harness's own process run`,
          });
      });
      if (s.fronts.length > 0)
        ctx.addIssue({ code: 'custom', path: ['fronts'], message: 'fronts are local only' });
    }
  });

/** A scenario as validated: every default filled in. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** A scenario as a file writes it. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** Whether a scenario's balancer is on AWS (bring-your-own); local containers otherwise, the default. */
export const onAws = (scenario: Pick<Scenario, 'target'>): boolean => scenario.target === 'aws';
