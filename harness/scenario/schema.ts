import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

export const ExpectationSchema = z
  .object({
    /** What must be on the wire at the backend for each client connection. */
    header: z.enum(['v1', 'none']),
    /** Whose address the backend must report for the session. */
    backendSees: z.enum(['client', 'balancer']),
    /** Every backend must serve at least one connection (round-robin really spreads). */
    allBackendsServe: z.boolean().optional(),
  })
  .strict();

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
