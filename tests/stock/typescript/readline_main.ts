// Line by line with the readline module (nodejs.org/api/readline.html, "readline.createInterface" with
// input: process.stdin); the answer when the input closes.
import * as readline from "readline";

const rl = readline.createInterface({ input: process.stdin });
const lines: string[] = [];
rl.on("line", (line: string) => lines.push(line));
rl.on("close", () => {
  const [a, b] = lines.join(" ").trim().split(/\s+/).map((t) => BigInt(t));
  console.log(String(a + b));
});
