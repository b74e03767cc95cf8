#lang racket
(read)
(error "boom")
