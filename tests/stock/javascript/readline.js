// Line by line with the readline module (nodejs.org/api/readline.html), the answer on 'close'.
const readline = require('readline');
const lines = [];
readline.createInterface({ input: process.stdin }).on('line', (line) => lines.push(line)).on('close', () => {
    const [a, b] = lines.join(' ').trim().split(/\s+/).map(BigInt);
    console.log(String(a + b));
});
