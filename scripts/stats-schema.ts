/**
 * The shape of /api/stats.json as scripts/solar-stats.sh writes it on the board.
 * The theme can parse the live file with it; the script's tests check every output against it.
 * Every leaf may be null: a sensor that is missing or returned nonsense.
 */
import { z } from 'zod';

export const skyValues = ['sunny', 'partly-cloudy', 'cloudy', 'rain', 'snow', 'unknown'] as const;
export const skySchema = z.enum(skyValues);
export type Sky = z.infer<typeof skySchema>;

const reading = z.number().finite().nullable();
const nonNegative = z.number().finite().min(0).nullable();

export const statsSchema = z.strictObject({
  schema: z.literal(1),
  /** When the board wrote the file, UTC ('2026-11-23T18:00:00Z'). */
  generated: z.iso.datetime().nullable(),
  /** The same instant in the board's zone, with its offset ('2026-11-23T19:00:00+01:00'). */
  local_time: z.iso.datetime({ offset: true }).nullable(),
  timezone: z.string().min(1).nullable(),
  battery: z.strictObject({
    percent: z.number().int().min(0).max(100).nullable(),
    charging: z.boolean().nullable(),
    voltage_v: nonNegative,
    /** Size of the battery current; its direction is `charging`. */
    current_a: nonNegative,
  }),
  power: z.strictObject({
    solar_w: nonNegative,
    /** > 0: the battery is drained; < 0: it charges. */
    battery_w: reading,
    load_w: nonNegative,
  }),
  system: z.strictObject({
    uptime_s: z.number().int().min(0).nullable(),
    /** 1, 5 and 15 minute load averages. */
    load: z.tuple([z.number().min(0), z.number().min(0), z.number().min(0)]).nullable(),
    cpu_temp_c: reading,
  }),
  forecast: z
    .array(z.strictObject({ date: z.iso.date(), sky: skySchema }))
    .max(3)
    .nullable(),
});

export type Stats = z.infer<typeof statsSchema>;

/** Parse the text of a stats.json; throws a ZodError (or SyntaxError) naming what is wrong. */
export function parseStats(text: string): Stats {
  return statsSchema.parse(JSON.parse(text));
}
