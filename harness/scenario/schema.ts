import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

export const ExpectationSchema = z
  .object({
    /** What must be on the wire at the backend for each client connection. */
    header: z.enum(['v1', 'v2', 'none']),
    /** What health checks must have done to the backends: aborted handshakes, or none. */
    abortedConnects: z.enum(['some', 'none']).optional(),
    /** The address family every header must carry (INET6: the clients came over IPv6). */
    family: z.enum(['INET', 'INET6']).optional(),
    /** TLVs every header must carry, by name (CRC32C present means it verified). */
    tlvs: z.array(z.enum(['CRC32C', 'UNIQUE_ID', 'AUTHORITY'])).optional(),
    /** The headers name this forged address instead of the origin; the backend must never report it. */
    forgedSource: z.ipv4().optional(),
    /** Also try the forgery against a backend trusting the whole subnet, and warn if it works. */
    warnIfSubnetTrusted: z.boolean().optional(),
    /** The AUTHORITY TLV's value, when it is expected. */
    authority: z.string().optional(),
    /** Whose address the backend must report for the session; nobody: it must refuse it. */
    backendSees: z.enum(['client', 'balancer', 'nobody']),
    /** How many stacked headers each connection must carry (default 1). */
    stackedHeaders: z.number().int().min(1).max(4).optional(),
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
    /**
     * Where the balancer is: local containers (default), or a bring-your-own
     * balancer on AWS named by environment settings (skipped without them).
     */
    target: z.enum(['local', 'aws']).optional(),
    balancer: z
      .object({
        /**
         * The balancer being simulated; the provider decides how (local HAProxy
         * for now). A Classic ELB sends PROXY v1, an NLB PROXY v2.
         */
        kind: z.enum(['classic-elb', 'nlb']),
        listenerPort: port,
        instancePort: port,
        /** Classic ELB: ProxyProtocolPolicyType on the instance port. NLB: proxy_protocol_v2.enabled. */
        proxyProtocol: z.boolean(),
        /** NLB only: TLVs to add to each v2 header. */
        v2Tlvs: z.array(z.enum(['crc32c', 'unique-id', 'authority'])).optional(),
        /** The balancer itself sits behind a proxy and accepts PROXY headers from it. */
        acceptProxy: z.boolean().optional(),
        /**
         * Health checks on the instances every intervalMs, for runForMs before the
         * clients connect: a bare TCP connect (a plain TCP check), the same after
         * a PROXY header (check-send-proxy), or a MySQL login (mysql-check).
         */
        healthCheck: z
          .object({
            kind: z.enum(['tcp', 'tcp-send-proxy', 'mysql']),
            intervalMs: z.number().int().min(50).max(10_000),
            runForMs: z.number().int().min(0).max(30_000),
          })
          .strict()
          .optional(),
        /** Clients reach the balancer over IPv6 (a dual-stack "internet" network, bind :::port v4v6). */
        ipv6Clients: z.boolean().optional(),
        /** A second balancer in front, sending this one PROXY headers of the same version. */
        behindFrontBalancer: z.boolean().optional(),
      })
      .strict()
      .refine((b) => b.kind === 'nlb' || b.v2Tlvs === undefined, {
        message: 'v2Tlvs apply to an nlb only (a Classic ELB sends v1, which has no TLVs)',
        path: ['v2Tlvs'],
      }),
    backends: z.number().int().min(1).max(8),
    /**
     * The backend server: Debian's MariaDB (built here), or Oracle MySQL from
     * its official image (needs a registry; PROXYPROOF_MYSQL_IMAGE overrides).
     */
    backendServer: z.enum(['mariadb', 'oracle-mysql']).optional(),
    /** Whose PROXY headers the backends accept (proxy_protocol_networks); default the vpc subnet. */
    /** MariaDB's max_connect_errors on the backends (default 100). */
    backendMaxConnectErrors: z.number().int().min(1).optional(),
    backendTrust: z
      .enum(['vpc-subnet', 'balancer-address', 'another-network', 'nothing'])
      .optional(),
    clients: z
      .object({
        /** mysql2 connections opened from the harness, held open together. */
        harness: z.number().int().min(1).max(200),
        /**
         * The harness acts as another host on the vpc network: it skips the
         * balancer and sends the backend a PROXY v1 header claiming `claim`.
         */
        forgeDirect: z.object({ claim: z.ipv4() }).strict().optional(),
        /** One-shot containers running the real `mariadb` client, each from its own fixed address. */
        containers: z.number().int().min(1).max(50).optional(),
        /**
         * Each client speaks PROXY v2 to the balancer first, naming itself, as a
         * TLS-terminating front would (with the SNI as AUTHORITY).
         */
        viaFrontProxy: z
          .object({ authority: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict(),
    expect: ExpectationSchema,
  })
  .strict()
  .refine((s) => !s.clients.viaFrontProxy || s.balancer.acceptProxy === true, {
    message: 'clients.viaFrontProxy needs balancer.acceptProxy',
    path: ['clients', 'viaFrontProxy'],
  });

export type Scenario = z.infer<typeof ScenarioSchema>;
export type Expectation = z.infer<typeof ExpectationSchema>;

/** Whether a scenario's balancer is on AWS (bring-your-own); local containers otherwise, the default. */
export const onAws = (scenario: Scenario): boolean => scenario.target === 'aws';

/** Typed identity for scenario files: the editor checks the shape as you write. */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}
