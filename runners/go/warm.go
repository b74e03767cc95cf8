// Built once while the image is made: its standard-library packages fill the build cache that every compile
// starts from (Go ships no compiled standard library since 1.20; building fmt and friends per submission takes
// seconds and more than the compile step's /tmp).
package main

import (
	"bufio"
	"container/heap"
	"container/list"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

var _ = heap.Init
var _ = list.New
var _ = big.NewInt
var _ = bits.Len
var _ = slices.Sort[[]int]
var _ = sort.Ints
var _ = strings.Fields
var _ = strconv.Itoa
var _ = math.Sqrt

func main() {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintln(w, "warm")
}
