// The common Node habit: the whole input from require('fs').readFileSync('/dev/stdin'), BigInt for 64-bit sums,
// then process.exit(0).
const input = require('fs').readFileSync('/dev/stdin', 'utf8');
const [a, b] = input.trim().split(/\s+/).map(BigInt);
console.log((a + b).toString());
process.exit(0);
