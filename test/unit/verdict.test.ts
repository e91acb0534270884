import { judgeScenario } from '../../harness/evidence/scenario-verdict.ts';
import type { Evidence, Observation } from '../../harness/evidence/types.ts';
import { judgeConnection } from '../../harness/evidence/verdict.ts';
import type { Expectation, Scenario } from '../../harness/scenario/schema.ts';

const HEADER_EXPECTED = { header: 'v1', backendSees: 'client' } as const;
const POLICY_OFF = { header: 'none', backendSees: 'balancer' } as const;

/** A connection where every view agrees that the client is 172.20.0.1:50222. */
const agreeing: Observation = {
  client: 'harness#1',
  origin: { address: '172.20.0.1', port: 50222 },
  balancer: { address: '172.21.0.4', subnet: '172.21.0.0/16', front: null },
  backendTrusts: '172.21.0.0/16',
  wire: {
    version: 1,
    command: 'PROXY',
    family: 'INET',
    protocol: 'STREAM',
    tlvs: [],
    meaning: 'source 172.20.0.1:50222 is the client; destination 172.20.0.2:3306 is the listener',
    source: { address: '172.20.0.1', port: 50222 },
    destination: { address: '172.20.0.2', port: 3306 },
    raw: '50524f5859...',
    stack: [
      {
        source: { address: '172.20.0.1', port: 50222 },
        destination: { address: '172.20.0.2', port: 3306 },
      },
    ],
  },
  captured: {
    instance: 'backend-2',
    connection: { src: '172.21.0.4', sport: 53660, dst: '172.21.0.2', dport: 3306 },
  },
  backend: {
    address: '172.20.0.1',
    port: 50222,
    instance: 'backend-2',
    user: 'proxyproof@172.20.0.1',
  },
  captureDropped: 0,
  wireError: null,
  error: null,
};

/** The same session when the balancer sends no header. */
const headerless: Observation = {
  ...agreeing,
  wire: null,
  backend: {
    address: '172.21.0.4',
    port: 53660,
    instance: 'backend-2',
    user: 'proxyproof@172.21.0.4',
  },
};

describe('connection verdict: origin = header source = backend, and not the balancer', () => {
  test('passes when all views agree', () => {
    expect(judgeConnection(HEADER_EXPECTED, agreeing)).toEqual({ ok: true, reasons: [] });
  });

  test('names the backend seeing the balancer when the header is missing', () => {
    const v = judgeConnection(HEADER_EXPECTED, headerless);
    expect(v.ok).toBe(false);
    expect(v.reasons).toEqual([
      'no PROXY header on the wire: the connection 172.21.0.4:53660 → backend-2 began without one',
      'backend backend-2 saw the balancer (172.21.0.4:53660), not the client 172.20.0.1:50222',
    ]);
  });

  test('names the header when its source is not the origin', () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      wire: {
        ...agreeing.wire!,
        source: { address: '203.0.113.9', port: 50222 },
        stack: [
          {
            source: { address: '203.0.113.9', port: 50222 },
            destination: agreeing.wire!.destination,
          },
        ],
      },
    });
    expect(v.reasons).toEqual([
      'header source 203.0.113.9:50222 differs from origin 172.20.0.1:50222',
    ]);
  });

  test('names a backend that saw a third address', () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      backend: { ...agreeing.backend!, address: '10.9.9.9' },
    });
    expect(v.reasons).toEqual([
      'backend backend-2 saw 10.9.9.9:50222, not the client 172.20.0.1:50222',
    ]);
  });

  test('flags a header of the wrong version', () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      wire: { ...agreeing.wire!, version: 2 },
    });
    expect(v.reasons).toEqual(['a PROXY v2 header where v1 was expected']);
  });

  test('names an invalid header on the wire by its decoder code', () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      wire: null,
      wireError: { code: 'V2_CRC_MISMATCH', message: 'CRC32C is 0x1, the header computes to 0x2' },
    });
    expect(v.reasons[0]).toBe(
      'the PROXY header on the wire is invalid (V2_CRC_MISMATCH): CRC32C is 0x1, the header computes to 0x2',
    );
  });

  test('names each expected TLV that is missing, and a wrong AUTHORITY', () => {
    const nlb: Expectation = {
      header: 'v1',
      backendSees: 'client',
      tlvs: ['CRC32C', 'UNIQUE_ID'],
      authority: 'db.example.test',
    };
    const v = judgeConnection(nlb, {
      ...agreeing,
      wire: {
        ...agreeing.wire!,
        tlvs: [{ type: 2, name: 'AUTHORITY', value: 'other.example', hex: '' }],
      },
    });
    expect(v.reasons).toEqual([
      'the header lacks the CRC32C TLV',
      'the header lacks the UNIQUE_ID TLV',
      'AUTHORITY TLV is "other.example", expected "db.example.test"',
    ]);
  });

  test('an expected stack passes, flagged, naming the header the backend took', () => {
    const front = { address: '172.20.0.3', port: 41000 };
    const v = judgeConnection(
      { header: 'v1', backendSees: 'client', stackedHeaders: 2 },
      {
        ...agreeing,
        wire: {
          ...agreeing.wire!,
          source: front,
          stack: [{ source: front, destination: null }, ...agreeing.wire!.stack],
        },
      },
    );
    expect(v).toEqual({
      ok: true,
      reasons: [
        'duplicate PROXY header: 2 stacked headers (sources 172.20.0.3:41000, then 172.20.0.1:50222); the backend took header 2 of 2 and saw 172.20.0.1:50222; a balancer behind another proxy should accept its header (accept-proxy) rather than add its own',
      ],
    });
  });

  test('names a header of the wrong address family', () => {
    const v = judgeConnection({ header: 'v1', family: 'INET6', backendSees: 'client' }, agreeing);
    expect(v.reasons).toEqual(["the header's address family is INET, expected INET6"]);
  });

  test('flags stacked headers', () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      wire: { ...agreeing.wire!, stack: [...agreeing.wire!.stack, ...agreeing.wire!.stack] },
    });
    expect(v.reasons).toEqual([
      '2 stacked PROXY headers on one connection; exactly one was expected',
    ]);
  });

  test('refuses to pass when the origin is the balancer itself', () => {
    const same = { address: '172.21.0.4', port: 50222 };
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      origin: same,
      wire: { ...agreeing.wire!, source: same },
      backend: { ...agreeing.backend!, ...same },
    });
    expect(v.ok).toBe(false);
    expect(v.reasons[0]).toMatch(/equals the balancer's vpc address/);
  });

  test('reports a session that failed at the backend', () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      backend: null,
      error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
    });
    expect(v.ok).toBe(false);
    expect(v.reasons).toContain(
      "the client's session failed: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4",
    );
  });

  test('reports a client that never connected', () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...agreeing,
      origin: null,
      wire: null,
      backend: null,
      error: 'ECONNREFUSED',
    });
    expect(v).toEqual({
      ok: false,
      reasons: ['the client never reached the balancer: ECONNREFUSED'],
    });
  });
});

describe('connection verdict: policy off, the backend sees the balancer', () => {
  test('passes when no header is on the captured connection and the backend saw the balancer', () => {
    expect(judgeConnection(POLICY_OFF, headerless)).toEqual({ ok: true, reasons: [] });
  });

  test('fails when a header is on the wire', () => {
    const v = judgeConnection(POLICY_OFF, { ...headerless, wire: agreeing.wire });
    expect(v.reasons).toEqual([
      'a PROXY v1 header was on the wire although none was expected: 50524f5859...',
    ]);
  });

  test("says when a missing packet may be the capture's own loss", () => {
    const v = judgeConnection(HEADER_EXPECTED, {
      ...headerless,
      captured: null,
      captureDropped: 2,
    });
    expect(v.reasons[0]).toBe(
      'no PROXY header for origin 172.20.0.1:50222 in any backend capture (the captures dropped 2 packet(s), so this may be capture loss)',
    );
  });

  test('does not take an empty capture as proof that no header was sent', () => {
    const v = judgeConnection(POLICY_OFF, { ...headerless, captured: null });
    expect(v.reasons).toEqual([
      'the backend captures hold no connection for this session, so the absence of a header is unproven',
    ]);
  });

  test('fails when the backend saw the client after all', () => {
    const v = judgeConnection(POLICY_OFF, { ...headerless, backend: agreeing.backend });
    expect(v.reasons).toEqual([
      "backend backend-2 saw 172.20.0.1:50222, expected the balancer's vpc address 172.21.0.4",
    ]);
  });
});

describe('connection verdict: the backend must refuse', () => {
  const REFUSE = {
    header: 'v1',
    backendSees: 'nobody',
    refusal: 'ER_HOST_NOT_PRIVILEGED',
  } as const;
  const refused: Observation = {
    ...agreeing,
    backend: null,
    backendTrusts: '192.0.2.0/24',
    error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
  };

  test('passes with a diagnosis naming the balancer and the subnet to trust', () => {
    expect(judgeConnection(REFUSE, refused)).toEqual({
      ok: true,
      reasons: [
        'backend does not trust PROXY headers from 172.21.0.4; add 172.21.0.0/16 to proxy_protocol_networks (backend-2 has "192.0.2.0/24"); the server said: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
      ],
    });
  });
  test('a backend that trusts nothing gets a different diagnosis', () => {
    const v = judgeConnection(REFUSE, { ...refused, backendTrusts: '' });
    expect(v.ok).toBe(true);
    expect(v.reasons[0]).toMatch(
      /^backend-2 does not accept PROXY headers at all \(proxy_protocol_networks is empty\)/,
    );
  });
  test('fails when the backend accepted the session after all', () => {
    const v = judgeConnection(REFUSE, { ...agreeing, backendTrusts: '192.0.2.0/24' });
    expect(v).toEqual({
      ok: false,
      reasons: [
        'backend backend-2 accepted the session as 172.20.0.1:50222 although it should have refused it',
      ],
    });
  });
  test('fails when the session failed for another reason', () => {
    const v = judgeConnection(REFUSE, { ...refused, error: 'ETIMEDOUT: connect timed out' });
    expect(v.reasons).toEqual([
      'expected the backend to refuse with ER_HOST_NOT_PRIVILEGED, but the session failed otherwise: ETIMEDOUT: connect timed out',
    ]);
  });
  test('fails when no header reached the backend (the refusal must be about the header)', () => {
    const v = judgeConnection(REFUSE, { ...refused, wire: null });
    expect(v.ok).toBe(false);
  });
});

describe('scenario verdict', () => {
  const scenario: Scenario = {
    id: 'x',
    title: 'x',
    balancer: { kind: 'classic-elb', listenerPort: 3306, instancePort: 3306, proxyProtocol: true },
    backends: 1,
    clients: { harness: 2 },
    expect: HEADER_EXPECTED,
  };
  const ok: Evidence = { ...agreeing, verdict: { ok: true, reasons: [] } };
  const bad: Evidence = {
    ...headerless,
    verdict: { ok: false, reasons: ['backend backend-2 saw the balancer'] },
  };

  test('fails with the count and the reasons when a connection fails', () => {
    expect(judgeScenario(scenario, [ok, bad])).toEqual({
      status: 'failed',
      reason: '1 of 2 connections failed; harness#1: backend backend-2 saw the balancer',
    });
  });
  test('fails when evidence is missing for a client', () => {
    expect(judgeScenario(scenario, [ok])).toEqual({
      status: 'failed',
      reason: 'expected evidence for 2 connections, have 1',
    });
  });
  test('fails when a backend served nothing although all should', () => {
    const spread = {
      ...scenario,
      backends: 2,
      expect: { ...HEADER_EXPECTED, allBackendsServe: true },
    };
    expect(judgeScenario(spread, [ok, ok])).toEqual({
      status: 'failed',
      reason: 'every backend should serve, but backend-1 received none of the 2 connections',
    });
  });

  test('health checks: aborted handshakes where none are expected fail, with the counts', () => {
    const checked: Scenario = {
      ...scenario,
      balancer: {
        ...scenario.balancer,
        healthCheck: { kind: 'mysql', intervalMs: 100, runForMs: 2000 },
      },
      expect: { ...HEADER_EXPECTED, abortedConnects: 'none' },
    };
    expect(
      judgeScenario(checked, [ok, ok], [{ instance: 'backend-1', abortedConnects: 3 }]),
    ).toEqual({
      status: 'failed',
      reason:
        'mysql checks every 100 ms for 2 s left aborted handshakes on the backends (Aborted_connects: backend-1 3); expected none',
    });
    expect(
      judgeScenario(checked, [ok, ok], [{ instance: 'backend-1', abortedConnects: 0 }]).status,
    ).toBe('passed');
  });

  test('passes and says what the header destination is', () => {
    const r = judgeScenario(scenario, [ok, ok]);
    expect(r.status).toBe('passed');
    expect(r.reason).toMatch(/destination \(172\.20\.0\.2:3306\) is the balancer's listener/);
  });
});
