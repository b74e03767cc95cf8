// fs.readFileSync(0) reads all of standard input (nodejs.org/api/fs.html, "fs.readFileSync": "path ... | integer
// file descriptor"); a parameter without a type is an implicit any, accepted by tsc without --strict
// (typescriptlang.org, tsconfig "noImplicitAny": off by default). BigInt keeps 64-bit sums exact; process.exit(0).
const fs = require("fs");

function solve(text) {
  const [a, b] = text.trim().split(/\s+/).map(BigInt);
  return a + b;
}

console.log(solve(fs.readFileSync(0, "utf8")).toString());
process.exit(0);
