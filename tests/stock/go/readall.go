// All of stdin with io.ReadAll, strings.Fields and strconv, and a recursion 10^6 deep (goroutine stacks grow up to
// 1 GB: Go programmers recurse freely).
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func depth(n int) int {
	if n == 0 {
		return 0
	}
	return 1 + depth(n-1)
}

func main() {
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var sum int64
	for _, field := range strings.Fields(string(data)) {
		x, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			panic(err)
		}
		sum += x
	}
	if depth(1000000) != 1000000 {
		panic("depth")
	}
	fmt.Println(sum)
}
