import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GenericContainer, ImageName } from 'testcontainers';
import { SetupError } from '../errors.ts';
import { docker } from './docker.ts';

export type ImageKind = 'balancer' | 'backend' | 'capture' | 'client';
export type Images = Record<ImageKind, string>;

/** Every Dockerfile in containers/ starts FROM this. */
export const BASE_IMAGE = 'debian:bookworm-slim';

export const CONTAINERS_DIR = new URL('../../containers/', import.meta.url).pathname;

/** Folders a build context's hash skips: never read by a Dockerfile we write, and huge. */
const SKIPPED = new Set(['.git', 'node_modules']);

/** Every file of a build context, relative paths in a stable order, recursively. */
async function contextFiles(dir: string, under = ''): Promise<string[]> {
  const entries = await readdir(join(dir, under), { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(under, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED.has(e.name)) files.push(...(await contextFiles(dir, path)));
    } else files.push(path);
  }
  return files;
}

/** A tag that changes exactly when the build context changes. */
async function contextTag(repository: string, dir: string, dockerfile: string): Promise<string> {
  const hash = createHash('sha256').update(dockerfile).update('\0');
  for (const name of await contextFiles(dir)) {
    hash
      .update(name)
      .update('\0')
      .update(await readFile(join(dir, name)))
      .update('\0');
  }
  return `${repository}:${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Builds `dir` (with `dockerfile` in it) as `repository`, unless an image for
 * the same context is already there, so a build happens once per change.
 */
export async function ensureBuilt(
  repository: string,
  dir: string,
  opts: {
    dockerfile?: string;
    onBuild: (tag: string) => void;
    /** What must hold before a build (the base image), checked only when one is needed. */
    beforeBuild?: () => Promise<void>;
  },
): Promise<string> {
  const dockerfile = opts.dockerfile ?? 'Dockerfile';
  const tag = await contextTag(repository, dir, dockerfile);
  const client = await docker();
  if (await client.image.exists(ImageName.fromString(tag))) return tag;
  opts.onBuild(tag);
  await opts.beforeBuild?.();
  await GenericContainer.fromDockerfile(dir, dockerfile).build(tag, { deleteOnExit: false });
  return tag;
}

/** The image for `kind`, built from containers/<kind> on the base image when it changed. */
export async function ensureImage(
  kind: ImageKind,
  onBuild: (tag: string) => void,
): Promise<string> {
  return ensureBuilt(`proxyproof/${kind}`, join(CONTAINERS_DIR, kind), {
    onBuild,
    beforeBuild: ensureBaseImage,
  });
}

let baseImage: Promise<void> | undefined;

/** The base image, pulled if a registry answers; otherwise a message that says how to make it. */
function ensureBaseImage(): Promise<void> {
  baseImage ??= (async () => {
    const problem = await imageUnavailable(BASE_IMAGE);
    if (problem) {
      throw new SetupError(
        `${BASE_IMAGE} is not on this Docker engine and cannot be pulled: ${problem}. ` +
          'Without a registry, make it from Debian packages with: bash .ci/base-image.sh',
      );
    }
  })();
  return baseImage;
}

export async function ensureImages(onBuild: (tag: string) => void): Promise<Images> {
  const [balancer, backend, capture, client] = await Promise.all(
    (['balancer', 'backend', 'capture', 'client'] as const).map((k) => ensureImage(k, onBuild)),
  );
  return { balancer: balancer!, backend: backend!, capture: capture!, client: client! };
}

/** Null when `image` is on the engine or can be pulled; otherwise why not. */
export async function imageUnavailable(image: string): Promise<string | null> {
  const client = await docker();
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return null;
  try {
    await client.image.pull(name);
    return null;
  } catch (e) {
    return `no registry answers: ${(e as Error).message.split('\n')[0]!.trim()}`;
  }
}
