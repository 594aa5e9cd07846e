/**
 * The body cache on disk: the bodies of the last build, in packs (src/cache/pack.js) of the cache's
 * `bodies` store. One pack holds each body without its tree (what a build needs of every cached
 * page: hashes, headings, links, files, emits, warnings). The trees, nine tenths of the bytes and
 * read only when a page is laid out or a feed item made again, are in 16 packs by the first hex
 * digit of their key: an edit writes the records' pack and the one tree pack of its new body, not
 * every tree (9 MB at 1,000 articles), and a build reads only the tree packs it needs.
 *
 * Records are v8-serialized (several times faster than JSON for big trees, and binary-safe), with the
 * tree deserialized only when asked for: a rebuild whose layouts and feeds come from their caches
 * never needs it.
 */
import { deserialize, serialize } from 'node:v8';
import path from 'node:path';
import type { Root as HastRoot } from 'hast';
import type { FileCache } from '../cache/file-cache.js';
import { RecordPack } from '../cache/pack.js';
import type { CacheStore } from '../cache/store.js';
import { DamagedCacheEntries } from '../output.ts';
import type { BodyResult } from './body.ts';

const STORE = 'bodies';
/** Bump when the records change shape. */
const VERSION = '4';

type StoredBody = Omit<BodyResult, 'body'>;

/** The pack holding the tree of the body under key (a hex hash). */
const treePackOf = (key: string) => `trees-${Number.parseInt(key[0] ?? '', 16) || 0}`;

export class BodyStore {
  private readonly store: CacheStore;
  /** Every body, without its tree. */
  private readonly records: RecordPack;
  /** The tree packs read (or begun) so far, by entry key. */
  private readonly trees = new Map<string, RecordPack>();
  /** Records already turned back into bodies. */
  private readonly live = new Map<string, BodyResult>();
  /** The bodies this build uses. */
  private readonly used = new Set<string>();
  /** The bodies of the last build that ended (endBuild): its pages are laid out after it. */
  private ended = new Set<string>();

  constructor(cache: FileCache) {
    this.store = cache.store(STORE, VERSION);
    this.records = new RecordPack(this.store);
  }

  /** Bodies the cache holds. */
  get size(): number {
    return this.records.records.size;
  }

  get(key: string): BodyResult | undefined {
    let body = this.live.get(key);
    if (!body) {
      const record = this.records.get(key);
      // A tree pack gone (found damaged, or pruned) takes its bodies with it.
      body = record && this.store.find(treePackOf(key)) && revive(record, () => this.tree(key));
      if (!body) return undefined;
      this.live.set(key, body);
    }
    return body;
  }

  /** This build uses the body: it goes into the next packs. */
  use(key: string): void {
    this.records.use(key);
    this.used.add(key);
  }

  put(key: string, result: BodyResult): void {
    const { body, ...record } = result;
    this.live.set(key, result);
    this.records.put(key, serialize(record satisfies StoredBody));
    this.treePack(treePackOf(key)).put(key, serialize(body));
    this.used.add(key);
  }

  /** End of a successful build: forget the bodies it did not use. */
  endBuild(): void {
    for (const key of this.records.endBuild()) this.live.delete(key);
    for (const key of this.used) this.trees.get(treePackOf(key))?.use(key);
    for (const pack of this.trees.values()) pack.endBuild();
    this.ended = new Set(this.used);
    this.used.clear();
  }

  /** Write the packs that hold a body new since they were read (see RecordPack.write); keep the others in use. */
  write(): void {
    this.records.write();
    for (const name of new Set([...this.ended].map(treePackOf))) {
      const pack = this.trees.get(name);
      if (pack) pack.write();
      else this.store.find(name);
    }
  }

  private treePack(name: string): RecordPack {
    let pack = this.trees.get(name);
    if (!pack) this.trees.set(name, (pack = new RecordPack(this.store, name)));
    return pack;
  }

  /**
   * A cached body's tree. Its pack was there when the body was found (get), but may turn out damaged
   * or (after a build killed between writing the packs) to lack it: then every tree pack this build
   * uses is checked, those that fail are removed, and the build starts again without them
   * (src/build.ts), rendering their bodies afresh.
   */
  private tree(key: string): HastRoot {
    const record = this.treePack(treePackOf(key)).get(key);
    if (record) return deserialize(record) as HastRoot;
    throw new DamagedCacheEntries(this.removeFailingTreePacks([key, ...this.used, ...this.ended]));
  }

  /** The tree packs that lack a tree of these bodies, removed (a damaged one was, with a warning, when read): their files. */
  private removeFailingTreePacks(keys: Iterable<string>): string[] {
    const failed = new Map<string, string>();
    for (const key of keys) {
      const name = treePackOf(key);
      if (failed.has(name) || this.treePack(name).get(key)) continue;
      const entry = this.store.find(name);
      if (entry) this.store.discard(entry);
      failed.set(name, entry?.file ?? path.join(this.store.dir, name));
    }
    for (const name of failed.keys()) this.trees.delete(name);
    return [...failed.values()];
  }
}

function revive(record: Uint8Array, tree: () => HastRoot): BodyResult | undefined {
  let stored: StoredBody;
  try {
    stored = deserialize(record) as StoredBody;
  } catch {
    return undefined;
  }
  let body: HastRoot | undefined;
  return Object.defineProperty(stored, 'body', {
    get: () => (body ??= tree()),
    enumerable: true,
  }) as BodyResult;
}
