/**
 * The body cache on disk: one pack (src/cache/pack.js) holding the bodies of the last build, an entry
 * of the cache's `bodies` store.
 *
 * Records are v8-serialized (several times faster than JSON for big trees, and binary-safe), with the
 * tree serialized apart and deserialized only when asked for: a rebuild whose layouts and feeds come
 * from their caches never needs it.
 */
import { deserialize, serialize } from 'node:v8';
import type { Root as HastRoot } from 'hast';
import type { FileCache } from '../cache/file-cache.js';
import { RecordPack } from '../cache/pack.js';
import type { BodyResult } from './body.ts';

const STORE = 'bodies';
/** Bump when the records change shape. */
const VERSION = '3';

type StoredBody = Omit<BodyResult, 'body'> & { tree: Uint8Array };

export class BodyStore {
  private readonly pack: RecordPack;
  /** Records already turned back into bodies. */
  private readonly live = new Map<string, BodyResult>();

  constructor(cache: FileCache) {
    this.pack = new RecordPack(cache.store(STORE, VERSION));
  }

  get(key: string): BodyResult | undefined {
    let body = this.live.get(key);
    if (!body) {
      const record = this.pack.get(key);
      body = record && revive(record);
      if (!body) return undefined;
      this.live.set(key, body);
    }
    return body;
  }

  /** This build uses the body: it goes into the next pack. */
  use(key: string): void {
    this.pack.use(key);
  }

  put(key: string, body: BodyResult): void {
    this.live.set(key, body);
    this.pack.put(key, serializeBody(body));
  }

  /** End of a successful build: forget the bodies it did not use. */
  endBuild(): void {
    for (const key of this.pack.endBuild()) this.live.delete(key);
  }

  /** Write the bodies kept as the new pack, if any is new since the last (see RecordPack.write). */
  write(): void {
    this.pack.write();
  }
}

function serializeBody({ body, ...record }: BodyResult): Uint8Array {
  return serialize({ ...record, tree: serialize(body) } satisfies StoredBody);
}

function revive(record: Uint8Array): BodyResult | undefined {
  let stored: StoredBody;
  try {
    stored = deserialize(record) as StoredBody;
  } catch {
    return undefined;
  }
  const { tree, ...rest } = stored;
  let body: HastRoot | undefined;
  return Object.defineProperty(rest, 'body', {
    get: () => (body ??= deserialize(tree) as HastRoot),
    enumerable: true,
  }) as BodyResult;
}
