// A hand-built RunReport for the HTML report's tests: a passing v1 scenario, a
// v2 one with TLVs, a failing one whose server error holds markup, a skipped
// one, and an AWS-style one whose wire could not be observed.
import { headersAtStart } from '../../harness/capture/proxy-headers.ts';
import { wireView } from '../../harness/evidence/correlate.ts';
import type { Evidence, WireView } from '../../harness/evidence/types.ts';
import type { Endpoint } from '../../harness/net/endpoint.ts';
import { encodeV1, encodeV2, tlv } from '../../harness/proxy-protocol/index.ts';
import type { RunReport } from '../../harness/report/types.ts';
import { runReport, scenario } from './failing-run.ts';

export const BALANCER = { address: '10.0.2.250', subnet: '10.0.2.0/24', front: null };
export const LISTENER = { address: '10.0.1.2', port: 3306 };
/** What the failing scenario's server said: markup the page must escape. */
export const HOSTILE = `ER_HOST_NOT_PRIVILEGED: Host '<script>alert("x")</script>' & <img src=x onerror=alert(1)>`;

const origin = (port: number): Endpoint => ({ address: '10.0.1.5', port });

/** The wire view the harness records for a connection that began with these bytes. */
export function wireOf(bytes: Buffer): WireView {
  const connection = { src: '10.0.2.250', sport: 50000, dst: '10.0.2.2', dport: 3306 };
  const view = wireView(headersAtStart({ connection, bytes, truncated: false }));
  if (!view) throw new Error('fixture bytes begin with no PROXY header');
  return view;
}

export const v1Header = (port: number) =>
  encodeV1({ family: 'INET', source: origin(port), destination: LISTENER });

export const v2Header = (port: number, authority = 'db.example.test') =>
  encodeV2({
    command: 'PROXY',
    family: 'INET',
    protocol: 'STREAM',
    source: origin(port),
    destination: LISTENER,
    tlvs: [tlv.authority(authority), tlv.uniqueId('conn-0001')],
    crc32c: true,
  });

/** A connection that passed through to `instance`; override what differs. */
function connection(
  client: string,
  port: number,
  instance: string,
  wire: WireView | null,
  rest: Partial<Evidence> = {},
): Evidence {
  return {
    client,
    origin: origin(port),
    balancer: BALANCER,
    wire,
    wireError: null,
    captured: {
      instance,
      connection: { src: BALANCER.address, sport: 50000 + port, dst: '10.0.2.2', dport: 3306 },
    },
    captureDropped: 0,
    backendTrust: { setting: 'proxy_protocol_networks', value: BALANCER.subnet },
    backend: { ...origin(port), instance, user: 'proxyproof@10.0.1.5' },
    error: null,
    verdict: { ok: true, reasons: [] },
    ...rest,
  };
}

const timings = [
  { step: 'starting backends', millis: 900 },
  { step: 'connecting', millis: 120 },
];

export const FAILED_REASON =
  'backend-1 saw 10.0.2.250:51234, the balancer itself: it does not trust the balancer <10.0.2.0/24>';

/** Five scenarios; run id, times and target set here, as the page's tests read them. */
export const fixtureReport: RunReport = {
  ...runReport([
    scenario({
      id: 'classic-v1',
      status: 'passed',
      reason: 'every backend saw its client',
      connections: [
        connection('harness#1', 40001, 'backend-1', wireOf(v1Header(40001))),
        connection('harness#2', 40002, 'backend-2', wireOf(v1Header(40002))),
      ],
      artifacts: ['classic-v1/haproxy.cfg', 'classic-v1/backend-1.pcap', 'odd dir/cap #1.pcap'],
      timings,
    }),
    scenario({
      id: 'nlb-v2',
      status: 'passed',
      reason: 'every backend saw its client; TLVs decoded',
      connections: [connection('harness#1', 40011, 'backend-2', wireOf(v2Header(40011)))],
      timings,
    }),
    scenario({
      id: 'untrusted',
      title: 'Backend does not trust the <b>balancer</b>',
      status: 'failed',
      reason: '1 of 2 connections failed',
      warnings: ['forgery works on a wider trust: "10.0.0.0/8" & more'],
      connections: [
        connection('harness#1', 40021, 'backend-1', wireOf(v1Header(40021))),
        connection('harness#2', 40022, 'backend-1', wireOf(v1Header(40022)), {
          backend: null,
          error: HOSTILE,
          verdict: { ok: false, reasons: [FAILED_REASON] },
        }),
      ],
      artifacts: ['untrusted/backend-1.pcap'],
      timings,
    }),
    scenario({
      id: 'oracle-mysql',
      status: 'skipped',
      reason: 'needs the image "mysql:8.0", which cannot be had here',
    }),
    scenario({
      id: 'aws-classic-elb-v1',
      target: 'aws',
      status: 'passed',
      reason: 'origin = backend; the wire was not observed',
      connections: [
        connection('harness#1', 40031, 'i-0abc', null, {
          balancer: { address: null, subnet: null, front: null },
          captured: null,
          backendTrust: null,
          unobservable: {
            wire: 'the PROXY header: the backends are not ours to capture on',
            originPort: "the origin's port: NAT may rewrite it",
          },
        }),
      ],
    }),
  ]),
  runId: '20261126-101500-abcd',
  startedAt: '2026-11-26T10:15:00.000Z',
  finishedAt: '2026-11-26T10:16:05.000Z',
  target: 'local+aws',
};
