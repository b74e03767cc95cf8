#lang racket
(displayln (undefined-function 1 2))
