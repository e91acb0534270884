import type { Evidence } from '../../harness/evidence/types.ts';
import type { RunReport, ScenarioReport } from '../../harness/report/types.ts';

/**
 * Report shapes for every renderer, the gate and console progress: a
 * connection whose views disagree (the backend saw the balancer, the header
 * names someone else), in scenarios of each status.
 */
export const failingConnection: Evidence = {
  client: 'harness#2',
  origin: { address: '172.30.0.1', port: 46812 },
  balancer: { address: '172.31.0.4', subnet: '172.31.0.0/24', front: null },
  wire: {
    version: 1,
    command: 'PROXY',
    family: 'INET',
    protocol: 'STREAM',
    source: { address: '172.31.0.9', port: 5000 },
    destination: { address: '172.31.0.4', port: 3306 },
    tlvs: [],
    meaning: 'source: the client; destination: the balancer',
    raw: '',
    // Stacked: the backend applies each; the last names the client it reports.
    stack: [
      { source: { address: '172.31.0.9', port: 5000 }, destination: null },
      { source: { address: '10.9.9.9', port: 4444 }, destination: null },
    ],
  },
  wireError: null,
  captured: null,
  captureDropped: 0,
  backendTrust: { setting: 'proxy_protocol_networks', value: '172.31.0.0/24' },
  backend: { address: '172.31.0.4', port: 44920, instance: 'backend-1', user: 'app@172.31.0.4' },
  error: null,
  verdict: {
    ok: false,
    reasons: [
      'backend backend-1 saw the balancer (172.31.0.4:44920), not the client 172.30.0.1:46812',
      'header source 10.9.9.9:4444 differs from origin 172.30.0.1:46812',
    ],
  },
};

export const passingConnection: Evidence = {
  ...failingConnection,
  client: 'harness#1',
  verdict: { ok: true, reasons: [] },
};

const base = {
  target: 'local' as const,
  components: {
    balancer: { kind: 'classic-elb' },
    backends: { kind: 'mariadb', count: 2 },
    fronts: [],
    clients: [{ kind: 'harness', count: 2 }],
    checks: ['header v1', 'backend sees the client'],
  },
  connections: [],
  warnings: [],
  artifacts: [],
  timings: [],
  durationMillis: 1500,
};

export const scenario = (
  fields: Partial<ScenarioReport> & Pick<ScenarioReport, 'id' | 'status' | 'reason'>,
): ScenarioReport => ({ ...base, title: fields.id, ...fields });

/** A run report whose summary counts its scenarios. */
export function runReport(scenarios: ScenarioReport[]): RunReport {
  const summary = { passed: 0, failed: 0, skipped: 0, errored: 0 };
  for (const s of scenarios) summary[s.status] += 1;
  return {
    runId: '20261126-000000-ab12',
    startedAt: '2026-11-26T00:00:00.000Z',
    finishedAt: '2026-11-26T00:00:41.200Z',
    target: 'local+aws',
    summary,
    scenarios,
  };
}

export const mixedReport = runReport([
  scenario({ id: 'classic-elb-v1', status: 'passed', reason: 'every backend saw its client' }),
  scenario({
    id: 'classic-elb-policy-off',
    title: 'Classic ELB without the policy',
    status: 'failed',
    reason: '1 of 2 connections failed | see below\nsecond line <b>',
    connections: [passingConnection, failingConnection],
    durationMillis: 3210,
  }),
  scenario({
    id: 'aws-nlb-v2',
    target: 'aws',
    status: 'skipped',
    reason: 'needs AWS settings: PROXYPROOF_NLB_TARGET_GROUP_ARN is not set',
  }),
]);
