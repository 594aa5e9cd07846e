/**
 * The linear EditMap.consume (src/markdown/micromark-edit-map.ts) makes the same edits as applying
 * them one by one, last first, with splice; and micromark runs with it.
 */
import fc from 'fast-check';
import { EditMap } from 'micromark-util-edit-map';
import { describe, expect, it } from 'vitest';
import { consume } from '../src/markdown/micromark-edit-map.ts';
import { createTextProcessor } from '../src/markdown/processor.ts';

/** Non-overlapping edits over a list of `length` events: [at, remove, added]. */
const edits = fc.integer({ min: 0, max: 60 }).chain((length) =>
  fc.tuple(
    fc.constant(length),
    fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 8 }).chain((starts) =>
      fc.tuple(...starts.sort((a, b) => a - b).map((at, i, all) => fc.tuple(fc.constant(at), fc.integer({ min: 0, max: (all[i + 1] ?? length) - at }), fc.array(fc.integer({ min: 1000, max: 2000 }), { maxLength: 4 })))),
    ),
  ),
);

describe('EditMap.consume', () => {
  it('is the one micromark uses', () => {
    expect(EditMap.prototype.consume).toBe(consume);
  });

  it('gives the same events as splicing each edit in, last first', () => {
    fc.assert(
      fc.property(edits, fc.boolean(), ([length, changes], shuffled) => {
        const events = Array.from({ length }, (_, i) => i);
        const expected = [...events];
        for (const [at, remove, add] of [...changes].sort((a, b) => b[0] - a[0])) expected.splice(at, remove, ...add);
        const map = new EditMap();
        // Edits may be added in any order: consume sorts them.
        for (const [at, remove, add] of shuffled ? [...changes].reverse() : changes) map.add(at, remove, [...add] as never);
        map.consume(events as never);
        expect(events).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses nested lists and quotes as before', async () => {
    const processor = createTextProcessor([]);
    const tree = processor.parse('- a\n  - b\n    > c\n    > - d\n\n- e\n\n> f\n> > g\n');
    const shape = (node: { type: string; children?: unknown[] }): unknown => (node.children ? [node.type, ...node.children.map((c) => shape(c as never))] : node.type);
    expect(shape(tree as never)).toEqual([
      'root',
      ['list', ['listItem', ['paragraph', 'text'], ['list', ['listItem', ['paragraph', 'text'], ['blockquote', ['paragraph', 'text'], ['list', ['listItem', ['paragraph', 'text']]]]]]], ['listItem', ['paragraph', 'text']]],
      ['blockquote', ['paragraph', 'text'], ['blockquote', ['paragraph', 'text']]],
    ]);
  });
});
