import { abortedConnects } from '../../harness/checks/aborted-connects.ts';
import { allBackendsServe } from '../../harness/checks/all-backends-serve.ts';
import { backendSees } from '../../harness/checks/backend-sees.ts';
import type { Check, Finding, ScenarioFacts } from '../../harness/checks/check.ts';
import { header } from '../../harness/checks/header.ts';
import { healthCheckHeader } from '../../harness/checks/health-check-header.ts';
import { decodeProxyHeader } from '../../harness/proxy-protocol/index.ts';
import { balancerConnections, type BackendCapture } from '../../harness/evidence/correlate.ts';
import type { BalancerConnection } from '../../harness/evidence/types.ts';
import { judgeConnection, judgeScenario } from '../../harness/checks/judge.ts';
import { refused } from '../../harness/checks/refused.ts';
import { tcpPeer } from '../../harness/checks/tcp-peer.ts';
import { stalled } from '../../harness/checks/stalled.ts';
import type { Evidence, Observation } from '../../harness/evidence/types.ts';
import type { z } from 'zod';

// Checks as scenario files write them, parsed by each kind's own options.
const headerCheck = (o: Omit<z.input<typeof header.options>, 'kind'>) =>
  header.create(header.options.parse({ kind: 'header', ...o }));
const sees = (who: 'client' | 'balancer') =>
  backendSees.create(backendSees.options.parse({ kind: 'backend-sees', who }));
const refusedWith = (codes: string | string[]) =>
  refused.create(refused.options.parse({ kind: 'refused', with: codes }));
const everyBackendServes = () =>
  allBackendsServe.create(allBackendsServe.options.parse({ kind: 'all-backends-serve' }));
const aborted = (want: 'some' | 'none') =>
  abortedConnects.create(abortedConnects.options.parse({ kind: 'aborted-connects', expect: want }));

/** The old `{ header: 'v1', backendSees: 'client' }`. */
const HEADER_EXPECTED = (): Check[] => [headerCheck({ version: 'v1' }), sees('client')];
/** The old `{ header: 'none', backendSees: 'balancer' }`. */
const POLICY_OFF = (): Check[] => [headerCheck({ version: 'none' }), sees('balancer')];
/** The old `{ header: 'v1', backendSees: 'nobody', refusal: 'ER_HOST_NOT_PRIVILEGED' }`. */
const REFUSE = (): Check[] => [
  headerCheck({ version: 'v1' }),
  refusedWith('ER_HOST_NOT_PRIVILEGED'),
];

const onConnection = (check: Check, o: Observation): Finding => {
  if (!check.connection) throw new Error(`${check.name} judges no connection`);
  return check.connection(o);
};
const onScenario = (check: Check, evidence: Evidence[], facts: ScenarioFacts): Finding => {
  if (!check.scenario) throw new Error(`${check.name} judges no scenario`);
  return check.scenario(evidence, facts);
};
const PASS: Finding = { problems: [], notes: [] };

/** What the judge adds to a failed session whose header reached the backend: whom to trust. */
const AFTER_HEADER =
  "; the backend ended it after a PROXY header from 172.21.0.4: if it does not trust that sender, trust the balancer's own address (172.21.0.4) in proxy_protocol_networks, or only a subnet that holds nothing but balancers: every host in a trusted range can forge its origin";

/** A connection where every view agrees that the client is 172.20.0.1:50222. */
const agreeing: Observation = {
  client: 'harness#1',
  origin: { address: '172.20.0.1', port: 50222 },
  balancer: { address: '172.21.0.4', subnet: '172.21.0.0/16', front: null },
  backendTrust: { setting: 'proxy_protocol_networks', value: '172.21.0.0/16' },
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

/** The session a backend refused: it trusts another network only. */
const refusedSession: Observation = {
  ...agreeing,
  backend: null,
  backendTrust: { setting: 'proxy_protocol_networks', value: '192.0.2.0/24' },
  error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
};

/**
 * Another vpc host (172.21.0.1) dials backend-1 directly with a header forged
 * to claim 203.0.113.66; backend-1 trusts the balancer's own address only.
 */
const forged: Observation = {
  client: 'forger#1',
  origin: { address: '172.21.0.1', port: 40000 },
  claimed: { address: '203.0.113.66', port: 40000 },
  balancer: { address: '172.21.0.4', subnet: '172.21.0.0/16', front: null },
  backendTrust: { setting: 'proxy_protocol_networks', value: '172.21.0.4' },
  wire: {
    version: 1,
    command: 'PROXY',
    family: 'INET',
    protocol: 'STREAM',
    tlvs: [],
    meaning: 'source 203.0.113.66:40000 is the client; destination 172.21.0.2:3306 is the listener',
    source: { address: '203.0.113.66', port: 40000 },
    destination: { address: '172.21.0.2', port: 3306 },
    raw: '50524f585920...',
    stack: [
      {
        source: { address: '203.0.113.66', port: 40000 },
        destination: { address: '172.21.0.2', port: 3306 },
      },
    ],
  },
  captured: {
    instance: 'backend-1',
    connection: { src: '172.21.0.1', sport: 40000, dst: '172.21.0.2', dport: 3306 },
  },
  backend: null,
  captureDropped: 0,
  wireError: null,
  error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.1',
};

/** The same forgery, taken: the backend reports the claimed address as its client. */
const forgeryTaken: Observation = {
  ...forged,
  error: null,
  backend: {
    address: '203.0.113.66',
    port: 40000,
    instance: 'backend-1',
    user: 'proxyproof@203.0.113.66',
  },
};

const NO_CAPTURE =
  "the PROXY header itself: the backends are not proxyproof's, so nothing captures at them (the backend's view stands for it)";
const NO_BALANCER_ADDRESS =
  "that the backend's view is not the balancer's own address: AWS does not name an ELB's node addresses";
const NAT_PORT =
  "the origin's port: the origin address is PROXYPROOF_ORIGIN_ADDRESS, and NAT may rewrite ports on the way";

/** A session through a bring-your-own AWS ELB: no balancer address, no capture, NAT on the port. */
const onAws: Observation = {
  client: 'harness#1',
  origin: { address: '198.51.100.7', port: 61000 },
  balancer: { address: null, subnet: null, front: null },
  wire: null,
  wireError: null,
  captured: null,
  captureDropped: 0,
  backendTrust: null,
  backend: {
    address: '198.51.100.7',
    port: 1029,
    instance: 'i-0abc',
    user: 'proxyproof@198.51.100.7',
  },
  error: null,
  unobservable: { wire: NO_CAPTURE, balancer: NO_BALANCER_ADDRESS, originPort: NAT_PORT },
};

const facts: ScenarioFacts = {
  instances: ['backend-1', 'backend-2'],
  counters: [],
  healthChecks: null,
  maxConnectErrors: 100,
  balancerConnections: null,
  balancerAddress: null,
};

describe('connection verdict: origin = header source = backend, and not the balancer', () => {
  test('passes when all views agree', () => {
    expect(judgeConnection(HEADER_EXPECTED(), agreeing)).toEqual({ ok: true, reasons: [] });
  });

  test('names the backend seeing the balancer when the header is missing', () => {
    const v = judgeConnection(HEADER_EXPECTED(), headerless);
    expect(v.ok).toBe(false);
    expect(v.reasons).toEqual([
      'no PROXY header on the wire: the connection 172.21.0.4:53660 → backend-2 began without one',
      'backend backend-2 saw the balancer (172.21.0.4:53660), not the client 172.20.0.1:50222',
    ]);
  });

  test('names the header when its source is not the origin', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
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
    expect(v).toEqual({
      ok: false,
      reasons: ['header source 203.0.113.9:50222 differs from origin 172.20.0.1:50222'],
    });
  });

  test('names a backend that saw a third address', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      backend: { ...agreeing.backend!, address: '10.9.9.9' },
    });
    expect(v).toEqual({
      ok: false,
      reasons: ['backend backend-2 saw 10.9.9.9:50222, not the client 172.20.0.1:50222'],
    });
  });

  test('flags a header of the wrong version', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      wire: { ...agreeing.wire!, version: 2 },
    });
    expect(v).toEqual({ ok: false, reasons: ['a PROXY v2 header where v1 was expected'] });
  });

  test('names an invalid header on the wire by its decoder code', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      wire: null,
      wireError: { code: 'V2_CRC_MISMATCH', message: 'CRC32C is 0x1, the header computes to 0x2' },
    });
    expect(v).toEqual({
      ok: false,
      reasons: [
        'the PROXY header on the wire is invalid (V2_CRC_MISMATCH): CRC32C is 0x1, the header computes to 0x2',
      ],
    });
  });

  test('names each expected TLV that is missing, and a wrong AUTHORITY', () => {
    const nlb = [
      headerCheck({
        version: 'v1',
        tlvs: ['CRC32C', 'UNIQUE_ID'],
        authority: 'db.example.test',
      }),
      sees('client'),
    ];
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

  test('a missing AUTHORITY TLV is named as null', () => {
    const v = judgeConnection(
      [headerCheck({ version: 'v1', authority: 'db.example.test' })],
      agreeing,
    );
    expect(v.reasons).toEqual(['AUTHORITY TLV is null, expected "db.example.test"']);
  });

  test('an expected stack passes, flagged, naming the header the backend took', () => {
    const front = { address: '172.20.0.3', port: 41000 };
    const v = judgeConnection([headerCheck({ version: 'v1', stacked: 2 }), sees('client')], {
      ...agreeing,
      wire: {
        ...agreeing.wire!,
        source: front,
        stack: [{ source: front, destination: null }, ...agreeing.wire!.stack],
      },
    });
    expect(v).toEqual({
      ok: true,
      reasons: [
        'duplicate PROXY header: 2 stacked headers (sources 172.20.0.3:41000, then 172.20.0.1:50222); the backend took header 2 of 2 and saw 172.20.0.1:50222; a balancer behind another proxy should accept its header (accept-proxy) rather than add its own',
      ],
    });
  });

  test('an expected stack that is not there is named with both counts', () => {
    const v = judgeConnection([headerCheck({ version: 'v1', stacked: 2 })], agreeing);
    expect(v).toEqual({
      ok: false,
      reasons: ['1 stacked PROXY headers on one connection; 2 were expected'],
    });
  });

  test('names a header of the wrong address family', () => {
    const v = judgeConnection(
      [headerCheck({ version: 'v1', family: 'INET6' }), sees('client')],
      agreeing,
    );
    expect(v.reasons).toEqual(["the header's address family is INET, expected INET6"]);
  });

  test('flags stacked headers', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      wire: { ...agreeing.wire!, stack: [...agreeing.wire!.stack, ...agreeing.wire!.stack] },
    });
    expect(v.reasons).toEqual([
      '2 stacked PROXY headers on one connection; exactly one was expected',
    ]);
  });

  test('a header naming no source is a problem of its own', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      wire: {
        ...agreeing.wire!,
        family: 'UNSPEC',
        source: null,
        destination: null,
        stack: [{ source: null, destination: null }],
      },
    });
    expect(v.reasons).toEqual(['the header carries no source address (UNSPEC)']);
  });

  test('refuses to pass when the origin is the balancer itself', () => {
    const same = { address: '172.21.0.4', port: 50222 };
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      origin: same,
      wire: { ...agreeing.wire!, source: same },
      backend: { ...agreeing.backend!, ...same },
    });
    expect(v.ok).toBe(false);
    // The header check still reads the stack (whose source is the old client), so it disagrees too.
    expect(v.reasons).toEqual([
      "origin 172.21.0.4 equals the balancer's vpc address, so the views cannot tell client from balancer",
      'header source 172.20.0.1:50222 differs from origin 172.21.0.4:50222',
    ]);
  });

  test('reports a session that failed at the backend', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      backend: null,
      error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
    });
    expect(v).toEqual({
      ok: false,
      reasons: [
        `the client's session failed: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4${AFTER_HEADER}`,
      ],
    });
  });

  test('reports a client that never connected', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
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

  test('a client that never connected and said nothing: "no socket"', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...agreeing,
      origin: null,
      wire: null,
      backend: null,
    });
    expect(v).toEqual({
      ok: false,
      reasons: ['the client never reached the balancer: no socket'],
    });
  });
});

describe('connection verdict: policy off, the backend sees the balancer', () => {
  test('passes when no header is on the captured connection and the backend saw the balancer', () => {
    expect(judgeConnection(POLICY_OFF(), headerless)).toEqual({ ok: true, reasons: [] });
  });

  test('fails when a header is on the wire', () => {
    const v = judgeConnection(POLICY_OFF(), { ...headerless, wire: agreeing.wire });
    expect(v.reasons).toEqual([
      'a PROXY v1 header was on the wire although none was expected: 50524f5859...',
    ]);
  });

  test("says when a missing packet may be the capture's own loss", () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...headerless,
      captured: null,
      captureDropped: 2,
    });
    expect(v.reasons).toEqual([
      'no PROXY header for origin 172.20.0.1:50222 in any backend capture (the captures dropped 2 packet(s), so this may be capture loss)',
      'backend backend-2 saw the balancer (172.21.0.4:53660), not the client 172.20.0.1:50222',
    ]);
  });

  test('does not take an empty capture as proof that no header was sent', () => {
    const v = judgeConnection(POLICY_OFF(), { ...headerless, captured: null });
    expect(v.reasons).toEqual([
      'the backend captures hold no connection for this session, so the absence of a header is unproven',
    ]);
  });

  test('an empty capture with dropped packets says it may be capture loss', () => {
    const v = judgeConnection(POLICY_OFF(), {
      ...headerless,
      captured: null,
      captureDropped: 5,
    });
    expect(v.reasons).toEqual([
      'the backend captures hold no connection for this session, so the absence of a header is unproven (the captures dropped 5 packet(s), so this may be capture loss)',
    ]);
  });

  test('fails when the backend saw the client after all', () => {
    const v = judgeConnection(POLICY_OFF(), { ...headerless, backend: agreeing.backend });
    expect(v.reasons).toEqual([
      "backend backend-2 saw 172.20.0.1:50222, expected the balancer's vpc address 172.21.0.4",
    ]);
  });
});

describe('connection verdict: the backend must refuse', () => {
  test('passes with a diagnosis naming the balancer, the setting, and to trust only the balancer', () => {
    const v = judgeConnection(REFUSE(), refusedSession);
    expect(v.ok).toBe(true);
    expect(v.reasons).toHaveLength(1);
    const [diagnosis] = v.reasons as [string];
    expect(diagnosis.startsWith('backend-2 does not trust PROXY headers from 172.21.0.4')).toBe(
      true,
    );
    expect(diagnosis).toContain('proxy_protocol_networks="192.0.2.0/24"');
    expect(diagnosis).toContain(
      "trust the balancer's own address (172.21.0.4) in proxy_protocol_networks",
    );
    expect(diagnosis).toContain('a subnet that holds nothing but balancers');
    expect(diagnosis).toContain('every host in a trusted range can forge its origin');
    expect(
      diagnosis.endsWith(
        'the server said: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
      ),
    ).toBe(true);
    // The old advice (trust the balancer's whole vpc subnet) is gone on purpose.
    expect(diagnosis).not.toContain('172.21.0.0/16');
  });

  test('a backend that trusts nothing gets a different diagnosis', () => {
    const v = judgeConnection(REFUSE(), {
      ...refusedSession,
      backendTrust: { setting: 'proxy_protocol_networks', value: '' },
    });
    expect(v.ok).toBe(true);
    expect(v.reasons[0]).toMatch(
      /^backend-2 does not accept PROXY headers at all \(proxy_protocol_networks is empty\)/,
    );
    expect(v.reasons[0]).toContain(
      "trust the balancer's own address (172.21.0.4) in proxy_protocol_networks",
    );
    expect(v.reasons[0]).toContain("turn the balancer's PROXY protocol off");
    expect(v.reasons[0]).not.toContain('172.21.0.0/16');
  });

  test('a backend that does not speak PROXY at all is told apart', () => {
    const v = judgeConnection(REFUSE(), {
      ...refusedSession,
      backendTrust: 'unsupported',
      error: 'ER_HANDSHAKE_ERROR: Bad handshake',
    });
    // The refusal code differs: the check names what it expected.
    expect(v.reasons).toEqual([
      'expected the backend to refuse with ER_HOST_NOT_PRIVILEGED, but the session failed otherwise: ER_HANDSHAKE_ERROR: Bad handshake',
    ]);
    const either = [
      headerCheck({ version: 'v1' }),
      refusedWith(['ER_HOST_NOT_PRIVILEGED', 'ER_HANDSHAKE_ERROR']),
    ];
    const w = judgeConnection(either, {
      ...refusedSession,
      backendTrust: 'unsupported',
      error: 'ER_HANDSHAKE_ERROR: Bad handshake',
    });
    expect(w.ok).toBe(true);
    expect(w.reasons[0]).toMatch(/^backend-2 does not speak the PROXY protocol at all/);
    expect(w.reasons[0]).toMatch(/the server said: ER_HANDSHAKE_ERROR: Bad handshake$/);
  });

  test('with the trust unreadable, the diagnosis still names the balancer and the advice', () => {
    const v = judgeConnection(REFUSE(), { ...refusedSession, backendTrust: null });
    expect(v.ok).toBe(true);
    expect(v.reasons[0]).toMatch(/^backend-2 does not trust PROXY headers from 172\.21\.0\.4: /);
    expect(v.reasons[0]).toContain(
      "trust the balancer's own address (172.21.0.4) in the backend's trusted PROXY sources",
    );
  });

  test('fails when the backend accepted the session after all', () => {
    const v = judgeConnection(REFUSE(), {
      ...agreeing,
      backendTrust: { setting: 'proxy_protocol_networks', value: '192.0.2.0/24' },
    });
    expect(v).toEqual({
      ok: false,
      reasons: [
        'backend backend-2 accepted the session as 172.20.0.1:50222 although it should have refused it',
      ],
    });
  });

  test('fails when the session failed for another reason', () => {
    const v = judgeConnection(REFUSE(), {
      ...refusedSession,
      error: 'ETIMEDOUT: connect timed out',
    });
    expect(v.reasons).toEqual([
      'expected the backend to refuse with ER_HOST_NOT_PRIVILEGED, but the session failed otherwise: ETIMEDOUT: connect timed out',
    ]);
  });

  test('fails when no header reached the backend (the refusal must be about the header)', () => {
    const v = judgeConnection(REFUSE(), { ...refusedSession, wire: null });
    expect(v).toEqual({
      ok: false,
      reasons: [
        'no PROXY header on the wire: the connection 172.21.0.4:53660 → backend-2 began without one',
      ],
    });
  });

  test('fails when the session neither failed nor was reported', () => {
    const v = judgeConnection(REFUSE(), { ...refusedSession, error: null });
    expect(v).toEqual({
      ok: false,
      reasons: [
        'the session was expected to be refused with ER_HOST_NOT_PRIVILEGED, but neither failed nor reported',
      ],
    });
  });
});

describe('judgeConnection combines its checks', () => {
  test('problems from every check are listed, in check order', () => {
    const v = judgeConnection([headerCheck({ version: 'v2', family: 'INET6' }), sees('client')], {
      ...agreeing,
      backend: { ...agreeing.backend!, address: '10.9.9.9' },
    });
    expect(v).toEqual({
      ok: false,
      reasons: [
        'a PROXY v1 header where v2 was expected',
        "the header's address family is INET, expected INET6",
        'backend backend-2 saw 10.9.9.9:50222, not the client 172.20.0.1:50222',
      ],
    });
  });

  test('the same checks in the other order list the problems in that order', () => {
    const v = judgeConnection([sees('client'), headerCheck({ version: 'v2' })], {
      ...agreeing,
      backend: { ...agreeing.backend!, address: '10.9.9.9' },
    });
    expect(v.reasons).toEqual([
      'backend backend-2 saw 10.9.9.9:50222, not the client 172.20.0.1:50222',
      'a PROXY v1 header where v2 was expected',
    ]);
  });

  test("a passing check's notes are dropped when another check fails", () => {
    const front = { address: '172.20.0.3', port: 41000 };
    const v = judgeConnection([headerCheck({ version: 'v1', stacked: 2 }), sees('client')], {
      ...agreeing,
      wire: {
        ...agreeing.wire!,
        stack: [{ source: front, destination: null }, ...agreeing.wire!.stack],
      },
      backend: { ...agreeing.backend!, address: '10.9.9.9' },
    });
    expect(v).toEqual({
      ok: false,
      reasons: ['backend backend-2 saw 10.9.9.9:50222, not the client 172.20.0.1:50222'],
    });
  });

  test('no checks at all: a healthy connection passes, a failed session does not', () => {
    expect(judgeConnection([], agreeing)).toEqual({ ok: true, reasons: [] });
    expect(judgeConnection([], { ...agreeing, backend: null, error: 'ECONNRESET' })).toEqual({
      ok: false,
      reasons: [`the client's session failed: ECONNRESET${AFTER_HEADER}`],
    });
  });

  test('a session error with no refusal check is a problem', () => {
    const v = judgeConnection(HEADER_EXPECTED(), refusedSession);
    expect(v).toEqual({
      ok: false,
      reasons: [
        `the client's session failed: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4${AFTER_HEADER}`,
      ],
    });
  });

  test('the same error with a refused check is judged by it', () => {
    const v = judgeConnection(REFUSE(), refusedSession);
    expect(v.ok).toBe(true);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).not.toContain("the client's session failed");
    expect(v.reasons[0]).toMatch(
      /the server said: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172\.21\.0\.4$/,
    );
    // And a refused check that does not accept this error fails it in its own words.
    const other = judgeConnection(
      [headerCheck({ version: 'v1' }), refusedWith('ER_ACCESS_DENIED_ERROR')],
      refusedSession,
    );
    expect(other).toEqual({
      ok: false,
      reasons: [
        'expected the backend to refuse with ER_ACCESS_DENIED_ERROR, but the session failed otherwise: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
      ],
    });
  });
});

describe('forged headers (observation.claimed)', () => {
  test('a header naming the claim passes the header check', () => {
    expect(onConnection(headerCheck({ version: 'v1' }), forged)).toEqual(PASS);
  });

  test('the same header from an honest client is a header source that differs from its origin', () => {
    const honest: Observation = { ...forged };
    delete honest.claimed;
    expect(onConnection(headerCheck({ version: 'v1' }), honest)).toEqual({
      problems: ['header source 203.0.113.66:40000 differs from origin 172.21.0.1:40000'],
      notes: [],
    });
  });

  test('a forged header that names something other than the claim fails', () => {
    const other = { address: '203.0.113.67', port: 40000 };
    expect(
      onConnection(headerCheck({ version: 'v1' }), {
        ...forged,
        wire: { ...forged.wire!, source: other, stack: [{ source: other, destination: null }] },
      }),
    ).toEqual({
      problems: ['the forged header names 203.0.113.67, not the claimed 203.0.113.66'],
      notes: [],
    });
  });

  test('a refused forgery passes with who forged what, and whom the backend trusts', () => {
    const v = judgeConnection(REFUSE(), forged);
    expect(v).toEqual({
      ok: true,
      reasons: [
        'backend-1 refused a PROXY header forged by 172.21.0.1 claiming 203.0.113.66: it accepts headers only from "172.21.0.4"; the server said: ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.1',
      ],
    });
  });

  test('a backend reporting the claimed address is the SECURITY finding', () => {
    const v = judgeConnection(REFUSE(), forgeryTaken);
    expect(v).toEqual({
      ok: false,
      reasons: [
        'SECURITY: backend backend-1 accepted the forged origin 203.0.113.66 from 172.21.0.1, a host that is not the balancer',
        'backend backend-1 accepted the session as 203.0.113.66:40000 although it should have refused it',
      ],
    });
  });

  test("a backend that took the forger's own address is an acceptance, not the SECURITY finding", () => {
    const v = judgeConnection(REFUSE(), {
      ...forgeryTaken,
      backend: { ...forgeryTaken.backend!, address: '172.21.0.1' },
    });
    expect(v.reasons).toEqual([
      'backend backend-1 accepted the session as 172.21.0.1:40000 although it should have refused it',
    ]);
  });
});

describe('AWS: the balancer address is unknown (balancer.address null)', () => {
  test('a backend seeing another address never reports "saw the balancer"', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...onAws,
      backend: { ...onAws.backend!, address: '10.0.1.17' },
    });
    expect(v).toEqual({
      ok: false,
      reasons: ['backend i-0abc saw 10.0.1.17:1029, not the client 198.51.100.7:61000'],
    });
    expect(v.reasons.join(' ')).not.toContain('saw the balancer');
  });

  test('no header is judged where nothing captures, and the NAT port is not held against it', () => {
    expect(judgeConnection(HEADER_EXPECTED(), onAws)).toEqual({ ok: true, reasons: [] });
  });

  test('without NAT, a port that differs is named', () => {
    const v = judgeConnection(HEADER_EXPECTED(), {
      ...onAws,
      unobservable: { wire: NO_CAPTURE, balancer: NO_BALANCER_ADDRESS },
    });
    expect(v.reasons).toEqual(["backend i-0abc saw port 1029, the client's was 61000"]);
  });

  test('an origin can never equal an unknown balancer address', () => {
    const v = judgeConnection(HEADER_EXPECTED(), onAws);
    expect(v.reasons.join(' ')).not.toContain("equals the balancer's vpc address");
  });

  test('"the backend sees the balancer" cannot be judged and says so', () => {
    expect(onConnection(sees('balancer'), onAws)).toEqual({
      problems: [
        "the balancer's own address is unknown here, so i-0abc's view 198.51.100.7:1029 cannot be told from a client's",
      ],
      notes: [],
    });
  });

  test('the scenario reason says what was not checked, and never "none is the balancer"', () => {
    const checks = HEADER_EXPECTED();
    const evidence: Evidence[] = [1, 2].map((n) => {
      const o: Observation = {
        ...onAws,
        client: `harness#${n}`,
        origin: { address: '198.51.100.7', port: 61000 + n },
      };
      return { ...o, verdict: judgeConnection(checks, o) };
    });
    expect(evidence.map((e) => e.verdict.ok)).toEqual([true, true]);
    const r = judgeScenario(checks, evidence, { ...facts, instances: ['i-0abc'] }, 2);
    expect(r.status).toBe('passed');
    expect(r.reason.startsWith('all 2 connections passed: ')).toBe(true);
    expect(r.reason).toContain(`not checked here: ${NO_BALANCER_ADDRESS}`);
    expect(r.reason).toContain(`not checked here: ${NO_CAPTURE}`);
    expect(r.reason).toContain(`not the port: ${NAT_PORT}`);
    expect(r.reason).not.toContain('none is the balancer');
  });
});

describe('each check kind: a valid and an invalid observation side by side', () => {
  test('header v1: the agreeing header passes, the headerless connection does not', () => {
    const check = headerCheck({ version: 'v1' });
    expect(check.name).toBe('header v1');
    expect(onConnection(check, agreeing)).toEqual(PASS);
    expect(onConnection(check, headerless)).toEqual({
      problems: [
        'no PROXY header on the wire: the connection 172.21.0.4:53660 → backend-2 began without one',
      ],
      notes: [],
    });
  });

  test('header none: the headerless connection passes, the agreeing header does not', () => {
    const check = headerCheck({ version: 'none' });
    expect(onConnection(check, headerless)).toEqual(PASS);
    expect(onConnection(check, agreeing)).toEqual({
      problems: ['a PROXY v1 header was on the wire although none was expected: 50524f5859...'],
      notes: [],
    });
  });

  test('header v2 with TLVs: all present passes, one missing fails', () => {
    const check = headerCheck({ version: 'v2', tlvs: ['CRC32C', 'AUTHORITY'], authority: 'db' });
    const v2 = {
      ...agreeing.wire!,
      version: 2 as const,
      tlvs: [
        { type: 3, name: 'CRC32C', value: '1a2b3c4d', hex: '1a2b3c4d' },
        { type: 2, name: 'AUTHORITY', value: 'db', hex: '6462' },
      ],
    };
    expect(onConnection(check, { ...agreeing, wire: v2 })).toEqual(PASS);
    expect(onConnection(check, { ...agreeing, wire: { ...v2, tlvs: v2.tlvs.slice(1) } })).toEqual({
      problems: ['the header lacks the CRC32C TLV'],
      notes: [],
    });
  });

  test('backend-sees client: the client passes, the balancer does not', () => {
    const check = sees('client');
    expect(check.name).toBe('backend sees the client');
    expect(onConnection(check, agreeing)).toEqual(PASS);
    expect(onConnection(check, headerless)).toEqual({
      problems: [
        'backend backend-2 saw the balancer (172.21.0.4:53660), not the client 172.20.0.1:50222',
      ],
      notes: [],
    });
  });

  test('backend-sees client: the right address on the wrong port fails', () => {
    expect(
      onConnection(sees('client'), {
        ...agreeing,
        backend: { ...agreeing.backend!, port: 50223 },
      }),
    ).toEqual({
      problems: ["backend backend-2 saw port 50223, the client's was 50222"],
      notes: [],
    });
  });

  test('backend-sees client: no session reported and no error is a problem', () => {
    expect(onConnection(sees('client'), { ...agreeing, backend: null })).toEqual({
      problems: ['the backend reported no session for this connection'],
      notes: [],
    });
  });

  test('backend-sees balancer: the balancer passes, the client does not', () => {
    const check = sees('balancer');
    expect(onConnection(check, headerless)).toEqual(PASS);
    expect(onConnection(check, agreeing)).toEqual({
      problems: [
        "backend backend-2 saw 172.20.0.1:50222, expected the balancer's vpc address 172.21.0.4",
      ],
      notes: [],
    });
  });

  test('refused: the refusal passes with its diagnosis, the accepted session does not', () => {
    const check = refusedWith('ER_HOST_NOT_PRIVILEGED');
    expect(check.name).toBe('refused with ER_HOST_NOT_PRIVILEGED');
    expect(check.expectsRefusal).toBe(true);
    const ok = onConnection(check, refusedSession);
    expect(ok.problems).toEqual([]);
    expect(ok.notes).toHaveLength(1);
    expect(ok.notes[0]).toMatch(/^backend-2 does not trust PROXY headers from 172\.21\.0\.4/);
    expect(onConnection(check, agreeing)).toEqual({
      problems: [
        'backend backend-2 accepted the session as 172.20.0.1:50222 although it should have refused it',
      ],
      notes: [],
    });
  });

  test('refused with several codes: any of them passes, the message names them all', () => {
    const check = refusedWith(['ER_HOST_NOT_PRIVILEGED', 'ER_HANDSHAKE_ERROR']);
    expect(check.name).toBe('refused with ER_HOST_NOT_PRIVILEGED or ER_HANDSHAKE_ERROR');
    expect(
      onConnection(check, { ...refusedSession, error: 'ER_HANDSHAKE_ERROR: Bad handshake' })
        .problems,
    ).toEqual([]);
    expect(
      onConnection(check, { ...refusedSession, error: 'ETIMEDOUT: connect timed out' }),
    ).toEqual({
      problems: [
        'expected the backend to refuse with ER_HOST_NOT_PRIVILEGED or ER_HANDSHAKE_ERROR, but the session failed otherwise: ETIMEDOUT: connect timed out',
      ],
      notes: [],
    });
  });

  test("refused: a code must be the error's prefix, not merely inside it", () => {
    expect(
      onConnection(refusedWith('ER_HOST_NOT_PRIVILEGED'), {
        ...refusedSession,
        error: 'ECONNRESET: after ER_HOST_NOT_PRIVILEGED: x',
      }).problems,
    ).toEqual([
      'expected the backend to refuse with ER_HOST_NOT_PRIVILEGED, but the session failed otherwise: ECONNRESET: after ER_HOST_NOT_PRIVILEGED: x',
    ]);
  });

  test('all-backends-serve: both served passes, an idle backend is named', () => {
    const check = everyBackendServes();
    const on = (instance: string): Evidence => ({
      ...agreeing,
      backend: { ...agreeing.backend!, instance },
      verdict: { ok: true, reasons: [] },
    });
    expect(onScenario(check, [on('backend-1'), on('backend-2')], facts)).toEqual(PASS);
    expect(onScenario(check, [on('backend-2'), on('backend-2'), on('backend-2')], facts)).toEqual({
      problems: ['every backend should serve, but backend-1 received none of the 3 connections'],
      notes: [],
    });
    expect(check.passed!([on('backend-1'), on('backend-2')], facts)).toBe('all 2 backends served');
  });

  test('all-backends-serve: several idle backends are all named', () => {
    const three = { ...facts, instances: ['backend-1', 'backend-2', 'backend-3'] };
    const ok: Evidence = { ...agreeing, verdict: { ok: true, reasons: [] } };
    expect(onScenario(everyBackendServes(), [ok, ok], three).problems).toEqual([
      'every backend should serve, but backend-1, backend-3 received none of the 2 connections',
    ]);
  });

  test('aborted-connects none: zero counters pass, a counted abort fails', () => {
    const check = aborted('none');
    const counted = (a: number, b: number): ScenarioFacts => ({
      ...facts,
      healthChecks: 'mysql checks every 100 ms for 2 s',
      counters: [
        { instance: 'backend-1', values: { Aborted_connects: a } },
        { instance: 'backend-2', values: { Aborted_connects: b } },
      ],
    });
    expect(onScenario(check, [], counted(0, 0))).toEqual(PASS);
    expect(onScenario(check, [], counted(0, 4))).toEqual({
      problems: [
        'mysql checks every 100 ms for 2 s left aborted handshakes on the backends (Aborted_connects: backend-1 0, backend-2 4); expected none',
      ],
      notes: [],
    });
  });

  test('aborted-connects some: every backend aborting passes, one without fails', () => {
    const check = aborted('some');
    const counted = (a: number, b: number): ScenarioFacts => ({
      ...facts,
      healthChecks: 'tcp checks every 100 ms for 2 s',
      maxConnectErrors: 10,
      counters: [
        { instance: 'backend-1', values: { Aborted_connects: a } },
        { instance: 'backend-2', values: { Aborted_connects: b } },
      ],
    });
    expect(onScenario(check, [], counted(12, 9))).toEqual(PASS);
    expect(onScenario(check, [], counted(12, 0))).toEqual({
      problems: [
        'tcp checks every 100 ms for 2 s left no aborted handshakes on some backend (Aborted_connects: backend-1 12, backend-2 0); expected every check to abort one',
      ],
      notes: [],
    });
    expect(check.passed!([], counted(12, 9))).toBe(
      'tcp checks every 100 ms for 2 s: checks aborted handshakes (Aborted_connects backend-1 12, backend-2 9, beyond max_connect_errors=10)',
    );
    expect(check.passed!([], counted(7, 9))).toBe(
      'tcp checks every 100 ms for 2 s: checks aborted handshakes (Aborted_connects backend-1 7, backend-2 9, within max_connect_errors=10)',
    );
  });

  test('aborted-connects with the counters missing fails saying it cannot be read', () => {
    const unread = {
      problems: [
        'backend-1, backend-2 report no Aborted_connects, so what the health checks did cannot be read',
      ],
      notes: [],
    };
    const none: ScenarioFacts = { ...facts, healthChecks: 'tcp checks every 100 ms for 2 s' };
    // No counters at all (a kind without them), for either expectation.
    expect(onScenario(aborted('none'), [], none)).toEqual(unread);
    expect(onScenario(aborted('some'), [], none)).toEqual(unread);
    // One backend reports it, the other reports other counters only.
    expect(
      onScenario(aborted('none'), [], {
        ...none,
        counters: [
          { instance: 'backend-1', values: { Aborted_connects: 0 } },
          { instance: 'backend-2', values: { Threads_connected: 1 } },
        ],
      }),
    ).toEqual({
      problems: [
        'backend-2 reports no Aborted_connects, so what the health checks did cannot be read',
      ],
      notes: [],
    });
  });
});

describe('check options as scenario files write them', () => {
  test('each kind rejects what it does not know', () => {
    expect(header.options.safeParse({ kind: 'header', version: 'v3' }).success).toBe(false);
    expect(header.options.safeParse({ kind: 'header', version: 'v1', stacked: 5 }).success).toBe(
      false,
    );
    expect(backendSees.options.safeParse({ kind: 'backend-sees', who: 'nobody' }).success).toBe(
      false,
    );
    expect(refused.options.safeParse({ kind: 'refused', with: [] }).success).toBe(false);
    expect(
      allBackendsServe.options.safeParse({ kind: 'all-backends-serve', extra: true }).success,
    ).toBe(false);
    expect(
      abortedConnects.options.safeParse({ kind: 'aborted-connects', expect: 'many' }).success,
    ).toBe(false);
  });
});

describe('scenario verdict', () => {
  const ok: Evidence = { ...agreeing, verdict: { ok: true, reasons: [] } };
  const bad: Evidence = {
    ...headerless,
    verdict: { ok: false, reasons: ['backend backend-2 saw the balancer'] },
  };

  test('fails with the count and the reasons when a connection fails', () => {
    expect(judgeScenario(HEADER_EXPECTED(), [ok, bad], facts, 2)).toEqual({
      status: 'failed',
      reason: '1 of 2 connections failed; harness#1: backend backend-2 saw the balancer',
    });
  });

  test("the first failing connection's reasons are all given, joined", () => {
    const worse: Evidence = {
      ...bad,
      client: 'harness#2',
      verdict: { ok: false, reasons: ['first thing', 'second thing'] },
    };
    expect(judgeScenario(HEADER_EXPECTED(), [ok, worse, bad], facts, 3)).toEqual({
      status: 'failed',
      reason: '2 of 3 connections failed; harness#2: first thing; second thing',
    });
  });

  test('fails when evidence is missing for a client', () => {
    expect(judgeScenario(HEADER_EXPECTED(), [ok], facts, 2)).toEqual({
      status: 'failed',
      reason: 'expected evidence for 2 connections, have 1',
    });
  });

  test('fails when a backend served nothing although all should', () => {
    expect(judgeScenario([...HEADER_EXPECTED(), everyBackendServes()], [ok, ok], facts, 2)).toEqual(
      {
        status: 'failed',
        reason: 'every backend should serve, but backend-1 received none of the 2 connections',
      },
    );
  });

  test('a failing connection comes before the scenario-wide checks', () => {
    expect(
      judgeScenario([...HEADER_EXPECTED(), everyBackendServes()], [ok, bad], facts, 2).reason,
    ).toBe('1 of 2 connections failed; harness#1: backend backend-2 saw the balancer');
  });

  test('health checks: aborted handshakes where none are expected fail, with the counts', () => {
    const checks = [...HEADER_EXPECTED(), aborted('none')];
    const checked = (n: number): ScenarioFacts => ({
      ...facts,
      instances: ['backend-1'],
      healthChecks: 'mysql checks every 100 ms for 2 s',
      counters: [{ instance: 'backend-1', values: { Aborted_connects: n } }],
    });
    expect(judgeScenario(checks, [ok, ok], checked(3), 2)).toEqual({
      status: 'failed',
      reason:
        'mysql checks every 100 ms for 2 s left aborted handshakes on the backends (Aborted_connects: backend-1 3); expected none',
    });
    const passed = judgeScenario(checks, [ok, ok], checked(0), 2);
    expect(passed.status).toBe('passed');
    expect(passed.reason).toContain(
      'mysql checks every 100 ms for 2 s: no handshake aborted (Aborted_connects backend-1 0)',
    );
  });

  test('problems from several scenario-wide checks are all given', () => {
    expect(
      judgeScenario(
        [...HEADER_EXPECTED(), everyBackendServes(), aborted('some')],
        [ok, ok],
        facts,
        2,
      ),
    ).toEqual({
      status: 'failed',
      reason:
        'every backend should serve, but backend-1 received none of the 2 connections; backend-1, backend-2 report no Aborted_connects, so what the health checks did cannot be read',
    });
  });

  test('passes and says what the header destination is', () => {
    const r = judgeScenario(HEADER_EXPECTED(), [ok, ok], facts, 2);
    expect(r.status).toBe('passed');
    expect(r.reason.startsWith('all 2 connections passed: ')).toBe(true);
    expect(r.reason).toMatch(/destination \(172\.20\.0\.2:3306\) is the balancer's side/);
    expect(r.reason).toContain("each PROXY v1 header's source is its client's origin");
    expect(r.reason).toContain("each backend reported its session's client");
  });

  test('a pass names every backend serving and the health checks’ effect', () => {
    const healthy: ScenarioFacts = {
      ...facts,
      healthChecks: 'tcp checks every 100 ms for 2 s',
      maxConnectErrors: 10,
      counters: [
        { instance: 'backend-1', values: { Aborted_connects: 3 } },
        { instance: 'backend-2', values: { Aborted_connects: 4 } },
      ],
    };
    const on1: Evidence = { ...ok, backend: { ...ok.backend!, instance: 'backend-1' } };
    const r = judgeScenario(
      [...HEADER_EXPECTED(), everyBackendServes(), aborted('some')],
      [on1, ok],
      healthy,
      2,
    );
    expect(r.status).toBe('passed');
    expect(r.reason).toContain('all 2 backends served');
    expect(r.reason).toContain(
      'tcp checks every 100 ms for 2 s: checks aborted handshakes (Aborted_connects backend-1 3, backend-2 4, within max_connect_errors=10)',
    );
  });

  test('a refusal scenario passes with the diagnosis its first connection carries', () => {
    const checks = REFUSE();
    const evidence: Evidence[] = [
      { ...refusedSession, verdict: judgeConnection(checks, refusedSession) },
      { ...refusedSession, client: 'harness#2', verdict: judgeConnection(checks, refusedSession) },
    ];
    const r = judgeScenario(checks, evidence, facts, 2);
    expect(r.status).toBe('passed');
    expect(r.reason.startsWith('all 2 connections passed: ')).toBe(true);
    expect(r.reason).toContain(
      'every connection was refused as expected: backend-2 does not trust PROXY headers from 172.21.0.4',
    );
  });

  test('an expected stack passes, flagged with the header the backend took', () => {
    const checks = [headerCheck({ version: 'v1', stacked: 2 }), sees('client')];
    const front = { address: '172.20.0.3', port: 41000 };
    const stacked: Observation = {
      ...agreeing,
      wire: {
        ...agreeing.wire!,
        stack: [{ source: front, destination: null }, ...agreeing.wire!.stack],
      },
    };
    const e: Evidence = { ...stacked, verdict: judgeConnection(checks, stacked) };
    const r = judgeScenario(checks, [e], { ...facts, instances: ['backend-2'] }, 1);
    expect(r.status).toBe('passed');
    expect(r.reason).toContain(
      'every connection carried the expected 2 stacked headers: duplicate PROXY header: 2 stacked headers (sources 172.20.0.3:41000, then 172.20.0.1:50222); the backend took header 2 of 2',
    );
  });

  test('policy off passes saying the origin is lost to the balancer', () => {
    const checks = POLICY_OFF();
    const e: Evidence = { ...headerless, verdict: judgeConnection(checks, headerless) };
    const r = judgeScenario(checks, [e, e], facts, 2);
    expect(r.status).toBe('passed');
    expect(r.reason).toContain('no PROXY header on the wire');
    expect(r.reason).toContain(
      "the backend saw only the balancer's vpc address 172.21.0.4: the client's origin is lost",
    );
  });
});

describe("the header's destination: a Classic ELB names its own address, an NLB what was dialled", () => {
  // As AWS: the Classic ELB node's private address is both the header's destination and the peer.
  const classic: Observation = {
    ...agreeing,
    wire: {
      ...agreeing.wire!,
      destination: { address: '172.21.0.4', port: 3306 },
      stack: [
        { source: agreeing.wire!.source, destination: { address: '172.21.0.4', port: 3306 } },
      ],
    },
  };

  test("balancer: the destination is the TCP peer the backend saw and the balancer's address", () => {
    expect(onConnection(headerCheck({ version: 'v1', destination: 'balancer' }), classic)).toEqual(
      PASS,
    );
  });

  test('balancer: a destination the client dialled is named, with the peer it should have been', () => {
    expect(
      onConnection(headerCheck({ version: 'v1', destination: 'balancer' }), agreeing).problems,
    ).toEqual([
      "the header's destination 172.20.0.2 is not the TCP peer the backend saw (172.21.0.4)",
      "the header's destination 172.20.0.2 is not the balancer's own address 172.21.0.4",
    ]);
  });

  test('dialled: the other way round', () => {
    expect(onConnection(headerCheck({ version: 'v1', destination: 'dialled' }), agreeing)).toEqual(
      PASS,
    );
    expect(
      onConnection(headerCheck({ version: 'v1', destination: 'dialled' }), classic).problems,
    ).toEqual([
      "the header's destination 172.21.0.4 is the TCP peer the backend saw, not an address a client dialled",
    ]);
  });
});

/** A captured connection with the header `bytes` (hex), from `src`:`sport` to backend-1. */
function captured(src: string, sport: number, bytes: string) {
  const decoded = decodeProxyHeader(Buffer.from(bytes.replace(/ /g, ''), 'hex'));
  if (decoded.kind !== 'header') throw new Error(`fixture ${bytes} does not decode`);
  return {
    connection: { src, sport, dst: '172.21.0.2', dport: 3306 },
    headers: [{ ...decoded.header, hex: bytes.replace(/ /g, '') }],
    error: null,
  };
}

describe("the balancer's own connections and the shape of its health checks", () => {
  // checkr/codeflow#117's capture, with this topology's addresses.
  const classicCheck = captured(
    '172.21.0.4',
    28225,
    Buffer.from('PROXY TCP4 172.21.0.4 172.21.0.4 28225 3306\r\n').toString('hex'),
  );
  // kubernetes/kubernetes#57250's capture, byte for byte.
  const nlbCheck = captured(
    '172.21.0.4',
    40000,
    `0d0a0d0a000d0a515549540a 2011 0054 0300 04bc e595 1f04 004a ${'00'.repeat(74)}`,
  );
  const client = captured(
    '172.21.0.4',
    53660,
    Buffer.from('PROXY TCP4 172.20.0.1 172.21.0.4 50222 3306\r\n').toString('hex'),
  );
  const captures = (connections: ReturnType<typeof captured>[]): BackendCapture[] => [
    { instance: 'backend-1', connections, droppedByKernel: 0, trust: null },
  ];
  const located = [{ instance: 'backend-1', connection: client.connection }];
  const healthFacts = (own: BalancerConnection[] | null): ScenarioFacts => ({
    ...facts,
    balancerConnections: own,
    balancerAddress: '172.21.0.4',
  });
  const shape = (expect: 'classic-v1' | 'nlb-v2-local' | 'none') =>
    healthCheckHeader.create(
      healthCheckHeader.options.parse({ kind: 'health-check-header', expect }),
    );

  test("every connection from the balancer's address that no client made, and nothing else", () => {
    const stranger = captured('172.21.0.9', 1234, classicCheck.headers[0]!.hex);
    const own = balancerConnections(
      captures([client, classicCheck, stranger]),
      '172.21.0.4',
      located,
    );
    expect(own?.map((c) => c.from)).toEqual([{ address: '172.21.0.4', port: 28225 }]);
    expect(balancerConnections([], '172.21.0.4', located)).toBeNull();
  });

  test('a Classic TCP check: v1 from and to the balancer passes; a client-shaped header does not', () => {
    const own = balancerConnections(captures([classicCheck]), '172.21.0.4', [])!;
    expect(onScenario(shape('classic-v1'), [], healthFacts(own))).toEqual(PASS);
    const wrongShape = balancerConnections(captures([client]), '172.21.0.4', [])!;
    expect(onScenario(shape('classic-v1'), [], healthFacts(wrongShape)).problems).toHaveLength(1);
    expect(onScenario(shape('nlb-v2-local'), [], healthFacts(own)).problems).toHaveLength(1);
  });

  test('an NLB TCP check: v2 LOCAL, CRC32C verified, NOOP, no addresses', () => {
    const own = balancerConnections(captures([nlbCheck]), '172.21.0.4', [])!;
    expect(onScenario(shape('nlb-v2-local'), [], healthFacts(own))).toEqual(PASS);
    expect(shape('nlb-v2-local').passed!([], healthFacts(own))).toBe(
      "the balancer's 1 health-check connection(s) with a header each began with PROXY v2 (LOCAL, INET), no addresses, TLVs CRC32C, NOOP",
    );
    expect(onScenario(shape('none'), [], healthFacts(own)).problems).toHaveLength(1);
  });

  test('checks from before the protocol was on carry none; only headerless ones fail', () => {
    const bare = { ...classicCheck, headers: [] };
    const mixed = balancerConnections(captures([bare, classicCheck]), '172.21.0.4', [])!;
    expect(onScenario(shape('classic-v1'), [], healthFacts(mixed))).toEqual(PASS);
    expect(shape('classic-v1').passed!([], healthFacts(mixed))).toMatch(
      /; 1 earlier one\(s\), before the protocol was turned on, carried none$/,
    );
    const onlyBare = balancerConnections(captures([bare]), '172.21.0.4', [])!;
    expect(onScenario(shape('classic-v1'), [], healthFacts(onlyBare)).problems).toEqual([
      "none of the balancer's 1 health-check connection(s) carried a PROXY header",
    ]);
  });

  test('no check seen, or nothing captured, is a failure with why', () => {
    expect(onScenario(shape('none'), [], healthFacts([])).problems[0]).toMatch(
      /no connection from the balancer's own address 172\.21\.0\.4/,
    );
    expect(onScenario(shape('none'), [], healthFacts(null)).problems[0]).toMatch(
      /captures nothing/,
    );
  });
});

describe("client IP preservation: the backend's TCP peer is the client", () => {
  const peer = (who: 'client' | 'balancer') =>
    tcpPeer.create(tcpPeer.options.parse({ kind: 'tcp-peer', who }));
  // As an NLB with preserve_client_ip.enabled connects: from the client's own address and port.
  const preserved: Observation = {
    ...agreeing,
    captured: {
      instance: 'backend-2',
      connection: { src: '172.20.0.1', sport: 50222, dst: '172.21.0.2', dport: 3306 },
    },
  };

  test('the captured TCP source against the client and the balancer', () => {
    expect(onConnection(peer('client'), preserved)).toEqual(PASS);
    expect(onConnection(peer('balancer'), agreeing)).toEqual(PASS);
    expect(onConnection(peer('client'), agreeing).problems).toEqual([
      "the backend's TCP peer was 172.21.0.4:53660, not the client 172.20.0.1:50222",
    ]);
    expect(onConnection(peer('balancer'), { ...agreeing, captured: null }).problems[0]).toMatch(
      /not in the backend captures/,
    );
  });

  test('a refusal of a header that came from the client itself names preservation and both fixes', () => {
    const verdict = judgeConnection(REFUSE(), {
      ...refusedSession,
      captured: preserved.captured,
      error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.20.0.1',
    });
    expect(verdict.ok).toBe(true);
    expect(verdict.reasons[0]).toMatch(
      /got the PROXY header from the client's own address 172\.20\.0\.1, not from the balancer/,
    );
    expect(verdict.reasons[0]).toMatch(/preserve_client_ip\.enabled=false/);
    expect(verdict.reasons[0]).toMatch(/trust the clients' networks in proxy_protocol_networks/);
  });
});

describe('a server that waits for the header stalls behind a balancer that holds it', () => {
  const check = stalled.create(stalled.options.parse({ kind: 'stalled' }));
  const silent: Observation = {
    ...agreeing,
    wire: null,
    captured: null,
    backend: null,
    error: 'CONNECTION_CLOSED: the server closed the connection without a word',
  };
  const bare: BalancerConnection = {
    instance: 'backend-1',
    from: { address: '172.21.0.4', port: 40000 },
    wire: null,
    wireError: null,
  };
  const withOwn = (own: BalancerConnection[] | null): ScenarioFacts => ({
    ...facts,
    balancerConnections: own,
    balancerAddress: '172.21.0.4',
  });
  const evidence = [{ ...silent, verdict: { ok: true, reasons: [] } }];

  test('no word and no header: the expected stall, judged from both ends', () => {
    expect(judgeConnection([check], silent)).toEqual({ ok: true, reasons: [] });
    expect(onScenario(check, evidence, withOwn([bare]))).toEqual(PASS);
  });

  test('an answer, another error, or a header at the backend is not a stall', () => {
    expect(onConnection(check, agreeing).problems[0]).toMatch(/the server answered/);
    expect(onConnection(check, { ...silent, error: 'ECONNREFUSED: nope' }).problems[0]).toMatch(
      /ended otherwise: ECONNREFUSED/,
    );
    expect(onScenario(check, evidence, withOwn([])).problems[0]).toMatch(
      /hold 0 connection\(s\) from the balancer without a header, fewer than the 1 sessions/,
    );
    expect(onScenario(check, evidence, withOwn(null)).problems[0]).toMatch(/nothing is captured/);
  });
});

test('a refusal naming the client itself, with nothing captured, says the balancer preserves client addresses', () => {
  const verdict = judgeConnection(HEADER_EXPECTED(), {
    ...agreeing,
    wire: null,
    captured: null,
    backend: null,
    error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.20.0.1',
  });
  expect(verdict.ok).toBe(false);
  expect(verdict.reasons[0]).toMatch(
    /Proxy header is not accepted from 172\.20\.0\.1; the header came from the client's own address, so the balancer preserves client IP addresses/,
  );
  // From anyone else (the balancer), nothing is said of preservation.
  const other = judgeConnection(HEADER_EXPECTED(), {
    ...agreeing,
    wire: null,
    captured: null,
    backend: null,
    error: 'ER_HOST_NOT_PRIVILEGED: Proxy header is not accepted from 172.21.0.4',
  });
  expect(other.reasons[0]).not.toMatch(/preserves client IP/);
});
