/**
 * A linear EditMap.consume for micromark (remark-parse's tokenizer).
 *
 * micromark 4.0.3 applies its batched event edits by copying every event of the document out and
 * back, also those before the first edit. The document tokenizer does that each time a list item or
 * block quote closes, on all events so far: parse time grows with the square of the document (a
 * 5 MB post spent a quarter of its parse here). This version leaves the events before the first
 * edit where they are and rebuilds only the tail: the same result, in time linear in the tail.
 * Imported for its effect by the Markdown processor, in the main thread and in text workers.
 */
import { EditMap } from 'micromark-util-edit-map';

type Event = unknown;
type Edit = [at: number, remove: number, add: Event[]];

export function consume(this: { map: Edit[]; index: Map<number, Edit> }, events: Event[]): void {
  this.map.sort((a, b) => a[0] - b[0]);
  if (this.map.length === 0) return;
  // From the last edit back: keep what follows it and what it adds, cut the list to where it starts.
  const tails: Event[][] = [];
  for (let i = this.map.length - 1; i >= 0; i--) {
    const [at, remove, add] = this.map[i];
    tails.push(events.slice(at + remove), add);
    events.length = at;
  }
  // events now holds exactly what precedes the first edit: append the rest in order.
  for (let i = tails.length - 1; i >= 0; i--) for (const event of tails[i]) events.push(event);
  this.map.length = 0;
  this.index.clear();
}

(EditMap.prototype as unknown as { consume: typeof consume }).consume = consume;
