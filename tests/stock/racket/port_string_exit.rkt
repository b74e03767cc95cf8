#lang racket/base
;; All input with port->string (Racket Reference, racket/port), string-split, and an early (exit 0) (Racket
;; Reference, "exit").
(require racket/port racket/string)

(define numbers (map string->number (string-split (port->string (current-input-port)))))
(printf "~a\n" (apply + numbers))
(exit 0)
(displayln "not reached")
