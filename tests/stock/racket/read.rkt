#lang racket
;; The reader reads numbers from standard input (Racket Reference, "read"); integers are exact and unbounded.
(define a (read))
(define b (read))
(displayln (+ a b))
