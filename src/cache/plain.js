// Whether a value survives v8's serialize/deserialize as it is: in plain JavaScript, like the rest of
// the cache layer, for what is kept (parsed sources) or compared (a config's export) by its serialization.

/**
 * Primitives, dates, arrays and plain objects: not functions, symbols, or instances of classes (whose
 * prototype would be lost).
 * @param {unknown} value
 * @returns {boolean}
 */
export function isPlainData(value) {
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol';
  if (value instanceof Date) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every(isPlainData);
}
