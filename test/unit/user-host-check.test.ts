import { userHost } from '../../harness/checks/user-host.ts';
import type { Observation } from '../../harness/evidence/types.ts';

const seen: Observation = {
  client: 'harness#1',
  origin: { address: '10.213.5.1', port: 40000 },
  balancer: { address: '10.213.9.250', subnet: '10.213.9.0/24', front: null },
  wire: null,
  wireError: null,
  captured: null,
  captureDropped: 0,
  backendTrust: null,
  backend: {
    address: '10.213.5.1',
    port: 40000,
    instance: 'backend-1',
    user: 'proxyproof@10.213.5.1',
  },
  error: null,
};
const check = (who: 'client' | 'balancer') =>
  userHost.create(userHost.options.parse({ kind: 'user-host', who }));

describe("user-host: the host part of the session's USER()", () => {
  test('names the client: passes; names the balancer instead: fails, saying both', () => {
    expect(check('client').connection!(seen)).toEqual({ problems: [], notes: [] });
    const balancer = { ...seen, backend: { ...seen.backend!, user: 'proxyproof@10.213.9.250' } };
    expect(check('client').connection!(balancer)).toEqual({
      problems: [
        'USER() is proxyproof@10.213.9.250: the server authenticated 10.213.9.250, not the client 10.213.5.1',
      ],
      notes: [],
    });
    expect(check('balancer').connection!(balancer).problems).toEqual([]);
  });

  test('IPv4-mapped spellings compare as the same address', () => {
    const mapped = { ...seen, backend: { ...seen.backend!, user: 'proxyproof@::ffff:10.213.5.1' } };
    expect(check('client').connection!(mapped).problems).toEqual([]);
  });

  test('no session (a refusal) or an unknown balancer address: nothing to judge here', () => {
    expect(check('client').connection!({ ...seen, backend: null }).problems).toEqual([]);
    const aws = { ...seen, balancer: { address: null, subnet: null, front: null } };
    expect(check('balancer').connection!(aws).problems).toEqual([]);
  });

  test('its options are its own', () => {
    expect(userHost.options.safeParse({ kind: 'user-host', who: 'someone' }).success).toBe(false);
  });
});
