/**
 * The body cache on disk: one pack file holding the bodies of the last build, instead of a file per
 * page (writing 1,000 small files cost a cold build most of a second on the reference machine; one
 * 10 MB file costs a few milliseconds). A builder reads the pack once and keeps it in memory; each
 * build that rendered something writes a new pack of exactly the bodies it used, so the cache never
 * holds more than one site's worth.
 *
 * The pack is an entry of the cache's `bodies` store: written atomically, and checked against its
 * content hash when read (a damaged pack is an empty cache, with a warning).
 *
 * Records are v8-serialized (several times faster than JSON for big trees, and binary-safe), with the
 * tree serialized apart and deserialized only when asked for: a rebuild whose layouts and feeds come
 * from their caches never needs it.
 */
import { deserialize, serialize } from 'node:v8';
import type { Root as HastRoot } from 'hast';
import type { FileCache } from '../cache/file-cache.js';
import type { CacheStore } from '../cache/store.js';
import type { BodyResult } from './body.ts';

const STORE = 'bodies';
/** Bump when the records change shape. */
const VERSION = '3';
const PACK = 'pack';

type StoredBody = Omit<BodyResult, 'body'> & { tree: Uint8Array };

export class BodyStore {
  /** key → the serialized record (as read from the pack, or made when rendered). */
  private readonly records: Map<string, Uint8Array>;
  /** Records already turned back into bodies. */
  private readonly live = new Map<string, BodyResult>();
  private readonly used = new Set<string>();
  private fresh = false;
  private readonly store: CacheStore;

  constructor(cache: FileCache) {
    this.store = cache.store(STORE, VERSION);
    this.records = readPack(this.store.get(PACK));
  }

  get(key: string): BodyResult | undefined {
    let body = this.live.get(key);
    if (!body) {
      const record = this.records.get(key);
      body = record && revive(record);
      if (!body) return undefined;
      this.live.set(key, body);
    }
    return body;
  }

  /** This build uses the body: it goes into the next pack. */
  use(key: string): void {
    this.used.add(key);
  }

  put(key: string, body: BodyResult): void {
    this.live.set(key, body);
    this.records.set(key, serializeBody(body));
    this.used.add(key);
    this.fresh = true;
  }

  /** End of a successful build: forget the bodies it did not use. */
  endBuild(): void {
    for (const key of [...this.records.keys()]) {
      if (this.used.has(key)) continue;
      this.records.delete(key);
      this.live.delete(key);
    }
    this.used.clear();
  }

  /**
   * Write the bodies kept as the new pack (in the background: the cache's flush() waits for it), if
   * any is new since the last. Otherwise the pack read stays, and counts as used.
   */
  write(): void {
    if (!this.fresh) {
      this.store.find(PACK);
      return;
    }
    this.fresh = false;
    const pack = new Map([...this.records].sort(([a], [b]) => (a < b ? -1 : 1)));
    this.store.putLater(PACK, serialize(pack));
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

/** A missing or damaged pack is an empty cache. */
function readPack(data: Buffer | undefined): Map<string, Uint8Array> {
  if (!data) return new Map();
  try {
    const pack = deserialize(data) as unknown;
    if (pack instanceof Map) return pack as Map<string, Uint8Array>;
  } catch {
    // fall through
  }
  return new Map();
}
