// A lock shared by every proxyproof process on one engine: a created (never
// started) container with a fixed name, since the engine refuses a second
// container of the same name. It carries its holder's run and owner labels, so
// a holder that died is recognised (and `clean` or the run's sweep removes it).
import { setTimeout as sleep } from 'node:timers/promises';
import { Interrupted } from '../lifecycle/steps.ts';
import { docker, engineStatus, removeContainer, runLabels } from './docker.ts';
import { liveness, ownerFromLabels } from './owner.ts';

/** How long to wait for a holder before giving up, and how often to look. */
const PATIENCE_MS = 15 * 60_000;
const POLL_MS = 250;

/** Takes the lock or says who holds it: its holder's liveness decides whether it is stale. */
async function tryTake(name: string, runId: string, image: string): Promise<'taken' | 'held'> {
  const c = await docker();
  try {
    await c.container.dockerode.createContainer({
      name,
      Image: image,
      Cmd: ['true'],
      Labels: { ...runLabels(runId), 'proxyproof.lock': name },
    });
    return 'taken';
  } catch (e) {
    if (engineStatus(e) !== 409) throw e;
  }
  const holder = await c.container.dockerode
    .getContainer(name)
    .inspect()
    .catch(() => null);
  // Released meanwhile, or left by a process that is gone (or, on another host,
  // held longer than anyone waits): try again at once.
  if (!holder) return tryTake(name, runId, image);
  const state = liveness(ownerFromLabels(holder.Config.Labels));
  const age = Date.now() - Date.parse(holder.Created);
  if (state === 'gone' || (state === 'unknown' && age > PATIENCE_MS)) {
    await removeContainer(holder.Id);
    return tryTake(name, runId, image);
  }
  return 'held';
}

/**
 * Runs `work` while holding the engine-wide lock `topic`: one holder at a time
 * across runs, processes and hosts sharing the engine. `image` is any image on
 * the engine (the container is only created, never started).
 */
export async function withEngineLock<T>(
  topic: string,
  opts: { runId: string; image: string; signal: AbortSignal },
  work: () => Promise<T>,
): Promise<T> {
  const name = `proxyproof-lock-${topic}`;
  const deadline = Date.now() + PATIENCE_MS;
  while ((await tryTake(name, opts.runId, opts.image)) === 'held') {
    if (opts.signal.aborted) throw new Interrupted();
    if (Date.now() > deadline)
      throw new Error(`waited ${PATIENCE_MS / 60_000} min for ${name}, held by another run`);
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    await removeContainer(name);
  }
}
