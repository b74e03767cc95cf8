// The other common way to read all input in Node.js: readFileSync("/dev/stdin") (nodejs.org/api/fs.html,
// "fs.readFileSync"), with ES module import syntax compiled to CommonJS.
import { readFileSync } from "fs";

const tokens: string[] = readFileSync("/dev/stdin", "utf8").split(/\s+/).filter((t) => t.length > 0);
const sum: bigint = BigInt(tokens[0]) + BigInt(tokens[1]);
console.log(`${sum}`);
