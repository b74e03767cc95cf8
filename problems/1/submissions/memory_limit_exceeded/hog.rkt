#lang racket
(let loop ([keep '()]) (loop (cons (make-bytes (* 16 1024 1024) 1) keep)))
