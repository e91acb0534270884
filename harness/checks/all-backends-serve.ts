import { z } from 'zod';
import { fine, wrong, type CheckKind } from './check.ts';

const options = z.object({ kind: z.literal('all-backends-serve') }).strict();

/** Every backend instance served at least one connection: the balancer really spreads them. */
export const allBackendsServe: CheckKind<typeof options> = {
  kind: 'all-backends-serve',
  options,
  create: () => ({
    name: 'every backend serves',
    scenario(evidence, facts) {
      const served = new Set(evidence.flatMap((e) => (e.backend ? [e.backend.instance] : [])));
      const idle = facts.instances.filter((b) => !served.has(b));
      return idle.length > 0
        ? wrong(
            `every backend should serve, but ${idle.join(', ')} received none of the ${evidence.length} connections`,
          )
        : fine();
    },
    passed: (_, facts) => `all ${facts.instances.length} backends served`,
  }),
};
