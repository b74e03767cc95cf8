// The Go judge habit: a bufio.Reader and bufio.Writer around os.Stdin/os.Stdout with fmt.Fscan, the writer
// flushed, then os.Exit(0) (which runs no deferred calls: the flush comes first).
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	var a, b int64
	fmt.Fscan(in, &a, &b)
	fmt.Fprintln(out, a+b)
	out.Flush()
	os.Exit(0)
}
