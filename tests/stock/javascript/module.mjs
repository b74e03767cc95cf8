// An ES module (the .mjs extension makes it one: nodejs.org/api/esm.html) reading fd 0 with readFileSync(0),
// and a recursion 10^4 deep.
import { readFileSync } from 'node:fs';

const depth = (n) => (n === 0 ? 0 : 1 + depth(n - 1));
const [a, b] = readFileSync(0, 'utf8').trim().split(/\s+/).map(BigInt);
if (depth(10000) !== 10000) throw new Error('depth');
console.log(`${a + b}`);
