#lang racket
;; A main submodule, which `racket file.rkt` runs after the module (Racket Guide 6.6.4 "Main and Test
;; Submodules"); read-line and a non-tail recursion 1 000 000 deep (Racket's continuations grow as needed).
(define (depth n)
  (if (zero? n) 0 (add1 (depth (sub1 n)))))

(module+ main
  (define parts (map string->number (string-split (read-line))))
  (displayln (+ (first parts) (second parts) (depth 1000000) -1000000)))
