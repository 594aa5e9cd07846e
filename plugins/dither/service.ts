/**
 * Images → cache entries for one build: cache look-up by content hash, one job per distinct image
 * (in a worker pool, or in this thread), which keys were used (for pruning), and the totals.
 */
import { readFileSync } from 'node:fs';
import type { CacheStore } from '../../src/cache/store.js';
import { cacheKey, DitherCache, type CacheEntry } from './cache.ts';
import { ImageError } from './image-error.ts';
import { runJob, type DitherJob, type JobOutcome } from './job.ts';
import { WorkerPool } from './pool.ts';
import type { DitherSettings } from './settings.ts';
import { formatBytes } from './sizes.ts';

export interface DitherStats {
  images: number;
  fresh: number;
  cached: number;
  bytesBefore: number;
  /** Bytes of what browsers get: the WebP when kept, else the PNG. */
  bytesAfter: number;
}

export interface ServiceOptions {
  store: CacheStore;
  /** Worker threads; 0 runs jobs in this thread (tests, tiny sites). */
  workers: number;
}

export class DitherService {
  readonly cache: DitherCache;
  readonly used = new Set<string>();
  stats: DitherStats = emptyStats();
  private readonly options: ServiceOptions;
  private readonly inFlight = new Map<string, Promise<CacheEntry>>();
  private pool?: WorkerPool;
  /** Called once per distinct image finished (hit or miss). */
  onImage?: (entry: CacheEntry, fresh: boolean) => void;

  constructor(options: ServiceOptions) {
    this.options = options;
    this.cache = new DitherCache(options.store);
  }

  /** The cache entry for an image file; throws ImageError for a bad image. */
  dither(sourcePath: string, settings: DitherSettings): Promise<CacheEntry> {
    const bytes = readFileSync(sourcePath);
    const key = cacheKey(bytes, settings);
    this.used.add(key);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.produce({ bytes, key, settings, store: this.cache.store.location });
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async produce(job: DitherJob): Promise<CacheEntry> {
    const hit = this.cache.read(job.key);
    const outcome: JobOutcome = hit ? { entry: hit } : await this.execute(job);
    if ('problem' in outcome) throw new ImageError(outcome.problem);
    const { entry } = outcome;
    // Written in a worker thread, perhaps: the store learns of them, and counts them used.
    for (const stored of entry.stored) this.cache.store.remember(stored);
    this.stats.images++;
    this.stats[hit ? 'cached' : 'fresh']++;
    this.stats.bytesBefore += entry.sourceBytes;
    this.stats.bytesAfter += entry.webp?.bytes ?? entry.png.bytes;
    this.onImage?.(entry, !hit);
    return entry;
  }

  private execute(job: DitherJob): Promise<JobOutcome> {
    if (this.options.workers <= 0) return runJob(job);
    this.pool ??= new WorkerPool(this.options.workers);
    return this.pool.run(job);
  }

  /** Forget this build's bookkeeping (a new build starts). */
  reset(): void {
    this.used.clear();
    this.inFlight.clear();
    this.stats = emptyStats();
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}

function emptyStats(): DitherStats {
  return { images: 0, fresh: 0, cached: 0, bytesBefore: 0, bytesAfter: 0 };
}

export function summary(stats: DitherStats): string {
  const saving = stats.bytesBefore > 0 ? (1 - stats.bytesAfter / stats.bytesBefore) * 100 : 0;
  // Tiny or already-optimised images may grow: "+13.0 %", not "−-13.0 %".
  const change = `${saving < 0 ? '+' : '−'}${Math.abs(saving).toFixed(1)} %`;
  return `dither: ${stats.images} image${stats.images === 1 ? '' : 's'} (${stats.fresh} new, ${stats.cached} cached), ${formatBytes(stats.bytesBefore)} → ${formatBytes(stats.bytesAfter)} (${change})`;
}
