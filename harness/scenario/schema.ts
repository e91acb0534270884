import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

export const ExpectationSchema = z
  .object({
    /** What must be on the wire at the backend for each client connection. */
    header: z.enum(['v1', 'none']),
    /** Whose address the backend must report for the session; nobody: it must refuse it. */
    backendSees: z.enum(['client', 'balancer', 'nobody']),
    /** With backendSees nobody: the server error code the refusal must carry. */
    refusal: z.enum(['ER_HOST_NOT_PRIVILEGED']).optional(),
    /** Every backend must serve at least one connection (round-robin really spreads). */
    allBackendsServe: z.boolean().optional(),
  })
  .strict()
  .refine((e) => (e.backendSees === 'nobody') === (e.refusal !== undefined), {
    message: 'refusal names the expected server error exactly when backendSees is "nobody"',
    path: ['refusal'],
  });

export const ScenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    balancer: z
      .object({
        /** The balancer being simulated; the provider decides how (local HAProxy for now). */
        kind: z.literal('classic-elb'),
        listenerPort: port,
        instancePort: port,
        /** The ELB ProxyProtocolPolicyType policy on the instance port. */
        proxyProtocol: z.boolean(),
      })
      .strict(),
    backends: z.number().int().min(1).max(8),
    /** Whose PROXY headers the backends accept (proxy_protocol_networks); default the vpc subnet. */
    backendTrust: z
      .enum(['vpc-subnet', 'balancer-address', 'another-network', 'nothing'])
      .optional(),
    clients: z
      .object({
        /** mysql2 connections opened from the harness, held open together. */
        harness: z.number().int().min(1).max(200),
      })
      .strict(),
    expect: ExpectationSchema,
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type Expectation = z.infer<typeof ExpectationSchema>;

/** Typed identity for scenario files: the editor checks the shape as you write. */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}
