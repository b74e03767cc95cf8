// npm piston-client 1.0.2, unchanged, against the server given as the first argument: prints what it got as JSON.
import piston from "piston-client";

const client = piston({ server: process.argv[2] });
const python = await client.execute("python", "import sys\nprint(input(), sys.argv[1:])", { stdin: "hi" });
const c = await client.execute("c", '#include <stdio.h>\nint main(void){puts("c ok");return 0;}');
const broken = await client.execute("c", "int main(void){ return x; }");
console.log(JSON.stringify({ python: python.run, c: c.run, broken }));
