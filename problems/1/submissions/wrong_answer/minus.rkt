#lang racket
(define a (read))
(define b (read))
(displayln (- a b))
