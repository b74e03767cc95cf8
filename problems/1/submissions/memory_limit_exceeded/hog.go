package main

func main() {
	var keep [][]byte
	for {
		b := make([]byte, 16<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1 // touch every page
		}
		keep = append(keep, b)
	}
}
