import { execa } from 'execa';
import {
  currentOwner,
  liveness,
  ownerFromLabels,
  ownerLabels,
} from '../../harness/topology/owner.ts';

describe('who owns a run, and whether it is still going', () => {
  const me = currentOwner();

  test('labels carry host, pid, start time and (on Linux) the process identity, and read back', () => {
    const labels = ownerLabels(me);
    expect(labels['proxyproof.owner.pid']).toBe(String(process.pid));
    expect(ownerFromLabels(labels)).toEqual(me);
    if (process.platform === 'linux') expect(me.process).toMatch(/^[0-9a-f-]+\/\d+$/);
  });

  test('this process is alive; a process that has exited is gone', async () => {
    expect(liveness(me)).toBe('alive');
    const child = execa('true');
    await child;
    expect(liveness({ ...me, pid: child.pid!, process: `${me.process ?? 'x'}-not-it` })).toBe(
      'gone',
    );
  });

  test('a live pid with another start time is a reused pid: gone (Linux)', () => {
    if (process.platform !== 'linux') return;
    // pid 1 is alive, but it is not the process that made the run.
    expect(liveness({ ...me, pid: 1, process: `${me.process!.split('/')[0]}/999999999999` })).toBe(
      'gone',
    );
  });

  test('another host, or a run made before owners were labelled: unknown, never "gone"', () => {
    expect(liveness({ ...me, host: 'another-runner' })).toBe('unknown');
    expect(liveness(null)).toBe('unknown');
    expect(ownerFromLabels({ 'proxyproof.run-id': 'x' })).toBeNull();
  });
});
