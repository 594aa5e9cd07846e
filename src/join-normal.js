// A path put together as a string, for the hot loops that make one per file (a build keeps
// thousands): path.join normalizes the result, which is wasted where both parts are normal already.
import path from 'node:path';

/**
 * `dir` and a name or relative path below it, when both are known to be normal: dir absolute and
 * normalized, the rest without `.` or `..` parts or doubled separators.
 * @param {string} dir
 * @param {string} name
 * @returns {string}
 */
export const joinNormal = (dir, name) => `${dir}${path.sep}${name}`;
