import { docker, runLabels } from './docker.ts';

/** A user-defined bridge network, with the subnet Docker gave it. */
export interface LocalNetwork {
  id: string;
  name: string;
  subnet: string;
  gateway: string;
  /** The IPv6 subnet, on a dual-stack network. */
  subnet6: string | null;
}

/**
 * proxyproof's networks take /24s from this private /16 (chosen rather than left
 * to Docker, because fixed container addresses need a user-configured subnet).
 */
const POOL = '10.213';
const POOL6 = 'fd00:213';

/**
 * Creates a labelled bridge network on a free /24 of the pool; a subnet another
 * network already holds (a concurrent run) is retried with another.
 */
export async function createNetwork(
  runId: string,
  name: string,
  options: {
    ipv6?: boolean;
    /**
     * Whether Docker rewrites this network's sources leaving through another
     * bridge. Off for "internet": a balancer that preserves the client's
     * address (TPROXY) sends from it onto vpc, and must not be masqueraded.
     */
    masquerade?: boolean;
  } = {},
): Promise<LocalNetwork> {
  const client = await docker();
  const first = Math.floor(Math.random() * 256);
  for (let attempt = 0; attempt < 256; attempt++) {
    const third = (first + attempt * 97) % 256; // 97 is coprime to 256: every /24 once
    const subnet = `${POOL}.${third}.0/24`;
    const gateway = `${POOL}.${third}.1`;
    // The same /24 number names the IPv6 /64 (unique local addresses, fd00::/8).
    const subnet6 = options.ipv6 ? `${POOL6}:${third.toString(16)}::/64` : null;
    try {
      const network = await client.network.create({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: runLabels(runId),
        EnableIPv6: options.ipv6 === true,
        Options:
          options.masquerade === false
            ? { 'com.docker.network.bridge.enable_ip_masquerade': 'false' }
            : {},
        IPAM: {
          Driver: 'default',
          Config: [{ Subnet: subnet, Gateway: gateway }, ...(subnet6 ? [{ Subnet: subnet6 }] : [])],
        },
      });
      const info = (await network.inspect()) as { Id: string };
      return { id: info.Id, name, subnet, gateway, subnet6 };
    } catch (e) {
      if (!/overlap/i.test((e as Error).message)) throw e;
    }
  }
  throw new Error(`no free /24 left in ${POOL}.0.0/16 for network ${name}`);
}

/** The n-th host address of an IPv4 subnet ("172.18.0.0/16", 250 → "172.18.0.250"). */
export function hostAddress(subnet: string, n: number): string {
  const [base = '', bits = '32'] = subnet.split('/');
  const value = base.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  if (n <= 0 || n >= size - 1) throw new RangeError(`host ${n} does not fit in ${subnet}`);
  const host = value - (value % size) + n;
  return [24, 16, 8, 0].map((shift) => Math.floor(host / 2 ** shift) % 256).join('.');
}
